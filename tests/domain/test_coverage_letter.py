"""The letter of medical necessity states only facts of the record and criteria it meets."""

from __future__ import annotations

from tests.domain.coverage_rows import checked, rec
from trdnav.domain.coverage.check import Facts
from trdnav.domain.coverage.letter import write


def _letter(record, policy="CENTENE-TMS", facts=None):  # type: ignore[no-untyped-def]
    result = checked(policy, record, facts)
    return result, write(
        result, record, option_name="rTMS", patient_name="Ana Diaz", requested_units=36
    )


def test_facts_of_the_record_and_the_criteria_met() -> None:
    record = rec(
        age=42,
        dx="F33.2",
        trials=["sertraline 8w no", "venlafaxine 10w partial", "aripiprazole 6w no"],
        phq9=[(22, "2026-09-01"), (19, "2026-11-02")],
        psy=True,
    )
    result, letter = _letter(record)
    text = " ".join(letter.paragraphs)
    assert "I request 36 sessions" in text and "date of birth 1984-01-01" in text
    assert "Major depressive disorder, recurrent severe without psychotic features (F33.2)" in text
    assert "The most recent PHQ-9, on 2026-11-02, was 19 (moderately severe)" in text
    assert "sertraline (SSRI) for 8 weeks at a therapeutic dose with no response" in text
    assert "Augmentation tried: aripiprazole" in text
    assert "The patient has had a trial of psychotherapy." in text
    assert [t for t, _ in letter.met] == [c.text for c in result.criteria]
    assert letter.open_items == []


def test_nothing_unknown_or_unmet_is_claimed() -> None:
    record = rec(trials=["sertraline ? no"], psy=False)
    result, letter = _letter(record, "LCD-L34522", Facts())
    text = " ".join(letter.paragraphs)
    assert "psychotherapy" not in text and "psychiatrist" not in text and "diagnosis" not in text
    assert "PHQ-9" not in text and "date of birth not recorded" in text
    assert letter.met == [] and len(letter.open_items) == len(result.criteria)
    assert "meets" not in text


def test_patient_reported_facts_say_so() -> None:
    record = rec(trials=["sertraline reported no"], psy=True, reported=True)
    _, letter = _letter(record, "UHC-TMS")
    text = " ".join(letter.paragraphs)
    assert "sertraline (SSRI) with no response (as reported by the patient)" in text
    assert "trial of psychotherapy (as reported by the patient)" in text
