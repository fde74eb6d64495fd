"""The clinical record and the one mapping between it and an assessment request."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings

from tests.domain.helpers import engine
from tests.domain.test_properties import requests
from trdnav.domain.record import (
    Administration,
    Answer,
    ClinicalRecord,
    Diagnosis,
    Trial,
    record_from_request,
    request_data,
    to_request,
)
from trdnav.domain.requests import AssessmentRequest

TODAY = date(2026, 11, 24)


@settings(max_examples=300, deadline=None)
@given(requests)
def test_a_request_survives_the_record_unchanged(req: AssessmentRequest) -> None:
    """Aid and consultation answers -> record -> request: the engine sees the same person."""
    back = to_request(record_from_request(req), TODAY)
    expected = req.model_copy(update={"phq9_total": None}) if req.phq9_items else req
    assert back == expected
    assert engine().assess(back) == engine().assess(req)


def test_unknown_stays_unknown() -> None:
    """An empty record gives an empty request: no answer is invented, not even 'no trials'."""
    assert request_data(ClinicalRecord(), TODAY) == {"age": None, "conditions": []}
    with pytest.raises(ValueError, match="age"):
        to_request(ClinicalRecord(), TODAY)


def test_confirmed_answers_win_over_reported_ones() -> None:
    record = ClinicalRecord(
        answers={
            "medical_history.seizure_history": Answer(reported=False, confirmed=True),
            "medical_history.metal_in_head": Answer(reported=True),
            "pregnancy": Answer(confirmed="no"),
        }
    )
    data = request_data(record, TODAY)
    assert data["medical_history"] == {"seizure_history": True, "metal_in_head": True}
    assert data["pregnancy"] == "no"


# (birth date, answered age) -> age on 2026-11-24
AGES = [
    (date(1984, 11, 24), None, 42),  # birthday today
    (date(1984, 11, 25), None, 41),  # birthday tomorrow
    (date(1984, 11, 25), 50, 41),  # a date of birth wins over an answered age
    (None, 50, 50),
    (None, None, None),
]


@pytest.mark.parametrize(("born", "answered", "age"), AGES)
def test_age(born: date | None, answered: int | None, age: int | None) -> None:
    answers = {} if answered is None else {"age": Answer(reported=answered)}
    assert ClinicalRecord(birth_date=born, answers=answers).age(TODAY) == age


# (reported conditions, diagnoses) -> conditions the engine sees
# fmt: off
CONDITIONS = [
    (["major_depressive_disorder"],        [],                                           ["major_depressive_disorder"]),
    (["major_depressive_disorder", "ocd"], [("F32.A", "reported")],                      ["major_depressive_disorder", "ocd"]),
    (["major_depressive_disorder"],        [("F31.32", "clinician")],                    ["bipolar_depression"]),
    (["ocd"],                              [("F33.1", "clinician"), ("F42.2", "clinician")], ["major_depressive_disorder", "ocd"]),
]
# fmt: on


@pytest.mark.parametrize(("reported", "diagnoses", "expected"), CONDITIONS)
def test_a_clinicians_diagnoses_replace_what_was_reported(
    reported: list[str], diagnoses: list[tuple[str, str]], expected: list[str]
) -> None:
    record = ClinicalRecord.model_validate(
        {
            "reported_conditions": reported,
            "diagnoses": [Diagnosis(code=c, source=s) for c, s in diagnoses],  # type: ignore[arg-type]
        }
    )
    assert record.conditions() == expected


# (therapeutic dose, weeks, adherence, patient said adequate) -> adequate
ADEQUACY = [
    (None, None, None, True, True),  # only the patient's word: kept
    (None, None, None, None, None),
    (True, 6, "good", False, True),  # a clinician's facts replace the patient's word
    (True, 5, "good", True, False),  # under 6 weeks
    (False, 12, "good", True, False),  # sub-therapeutic dose
    (True, 12, "poor", True, False),  # not taken
    (True, None, None, None, None),  # dose known, length not: unknown
    (None, 8, None, None, None),
]


@pytest.mark.parametrize(("dose", "weeks", "adherence", "said", "adequate"), ADEQUACY)
def test_trial_adequacy(
    dose: bool | None,
    weeks: int | None,
    adherence: str | None,
    said: bool | None,
    adequate: bool | None,
) -> None:
    trial = Trial.model_validate(
        {
            "name": "sertraline",
            "therapeutic_dose": dose,
            "weeks": weeks,
            "adherence": adherence,
            "reported_adequate": said,
        }
    )
    assert trial.adequate is adequate


def test_the_latest_administration_feeds_the_request() -> None:
    def phq9(total: int, day: int | None, source: str = "clinician") -> Administration:
        at = None if day is None else datetime(2026, 11, day, tzinfo=UTC)
        return Administration.model_validate(
            {"instrument": "phq9", "total": total, "administered_at": at, "source": source}
        )

    record = ClinicalRecord(
        administrations=[phq9(20, 3), phq9(9, None, "reported"), phq9(12, 10), phq9(4, 7)]
    )
    latest = record.latest("phq9")
    assert latest is not None and latest.total == 12
    assert request_data(record, TODAY)["phq9_total"] == 12
    assert record.latest("gad7") is None
