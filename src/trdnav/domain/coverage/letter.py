"""The letter of medical necessity, written only from the record and the criteria check.

Every sentence states a fact of the record (a clinician's diagnosis, a dated score, a recorded
trial, a confirmed answer) or a criterion the check found met. Nothing unknown or unmet is
claimed; patient-reported facts say so. The ordering clinician reviews and signs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from trdnav.domain.codes import icd10
from trdnav.domain.coverage.drugs import Drugs
from trdnav.domain.coverage.loader import default_coverage
from trdnav.domain.coverage.results import CoverageCheck
from trdnav.domain.measures import instruments
from trdnav.domain.record import ClinicalRecord, Trial


@dataclass(frozen=True)
class Letter:
    """Paragraphs to print, and the criteria met with their evidence."""

    paragraphs: list[str]
    met: list[tuple[str, str]] = field(default_factory=list)  # (criterion, evidence)
    open_items: list[str] = field(default_factory=list)  # criteria not met or unknown


def _trial_words(trial: Trial, drugs: Drugs) -> str:
    drug = drugs.lookup(trial.name)
    words = [trial.name + (f" ({drug.class_short})" if drug else "")]
    if trial.weeks is not None:
        words.append(f"for {trial.weeks} weeks")
    if trial.therapeutic_dose is True:
        words.append("at a therapeutic dose")
    elif trial.therapeutic_dose is False:
        words.append("below a therapeutic dose")
    if trial.outcome is not None:
        words.append("with " + trial.outcome.replace("_", " "))
    text = " ".join(words)
    return text + (" (as reported by the patient)" if trial.source == "reported" else "")


def write(
    check: CoverageCheck,
    record: ClinicalRecord,
    *,
    option_name: str,
    patient_name: str,
    requested_units: int | None,
    tz: tzinfo = UTC,
) -> Letter:
    """The letter's paragraphs for this check and record."""
    drugs = Drugs(default_coverage().drugs)
    born = record.birth_date.isoformat() if record.birth_date else "not recorded"
    asked = f" I request {requested_units} sessions." if requested_units else ""
    paragraphs = [
        f"I am writing to request prior authorization of {option_name} for {patient_name} "
        f"(date of birth {born}) under {check.policy_name}.{asked}"
    ]
    clinician = [d for d in record.diagnoses if d.source == "clinician"]
    if clinician:
        named = "; ".join(
            f"{found.description} ({d.code})" if (found := icd10.lookup(d.code)) else d.code
            for d in clinician
        )
        paragraphs.append(f"The patient's diagnosis: {named}.")
    phq9 = instruments.get("phq9")
    scores = [a for a in record.administrations if a.instrument == "phq9" and a.administered_at]
    if scores:
        latest = max(scores, key=lambda a: a.administered_at)  # type: ignore[arg-type,return-value]
        assert latest.administered_at is not None
        on = latest.administered_at.astimezone(tz).date().isoformat()
        band = phq9.band(latest.total).replace("_", " ")
        how = " (patient-reported)" if latest.source == "reported" else ""
        paragraphs.append(
            f"The most recent PHQ-9, on {on}, was {latest.total} ({band}){how}. "
            "Every score with its date is listed in this packet."
        )
    tried = [
        t
        for t in record.trials or []
        if (d := drugs.lookup(t.name)) is None or d.role == "antidepressant"
    ]
    if tried:
        paragraphs.append(
            "Antidepressant trials in the current episode: "
            + "; ".join(_trial_words(t, drugs) for t in tried)
            + "."
        )
    augment = [
        t for t in record.trials or [] if (d := drugs.lookup(t.name)) and d.role == "augmentation"
    ]
    if augment:
        paragraphs.append(
            "Augmentation tried: " + "; ".join(_trial_words(t, drugs) for t in augment) + "."
        )
    therapy = record.answers.get("psychotherapy_trial")
    if therapy is not None and therapy.value is True:
        who = "" if therapy.confirmed is not None else " (as reported by the patient)"
        paragraphs.append(f"The patient has had a trial of psychotherapy{who}.")
    met = [(c.text, c.evidence) for c in check.criteria if c.met is True]
    if met:
        paragraphs.append(
            f"The record meets {len(met)} of the {len(check.criteria)} criteria of this policy; "
            "each is listed below with the evidence from the record."
        )
    paragraphs.append(
        f"In my clinical judgement, {option_name} is medically necessary for this patient."
    )
    open_items = [c.text for c in check.criteria if c.met is not True]
    return Letter(paragraphs, met, open_items)
