"""Counting failed antidepressant trials, their classes, and augmentation trials for a policy.

Each drug is decided once: it counts, it does not, or the record does not tell (adequacy,
outcome, weeks or the drug's class unknown). A criterion is met only by drugs that count, and
not met only when even every undecided drug counting could not meet it; otherwise it is unknown
and says what is missing. Nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from trdnav.domain.coverage.drugs import Drug, Drugs
from trdnav.domain.coverage.results import CriterionCheck
from trdnav.domain.coverage.schema import AugmentationCriterion, FailedTrialsCriterion
from trdnav.domain.record import Answer, ClinicalRecord, Trial

REPORTED_CAVEAT = "Rests on what the patient reported: confirm it before submitting."


@dataclass(frozen=True)
class Decided:
    """One drug's standing for a criterion: counts True / False / None (undecided)."""

    name: str
    drug: Drug | None
    counts: bool | None
    why: str
    missing: str = ""
    reported: bool = False  # only the patient said so


def _outcome_words(trial: Trial) -> str:
    parts = []
    if trial.weeks is not None:
        parts.append(f"{trial.weeks} weeks")
    parts.append((trial.outcome or "outcome unknown").replace("_", " "))
    if trial.source == "reported":
        parts.append("patient-reported")
    return ", ".join(parts)


def _one(trial: Trial, drug: Drug | None, rule: FailedTrialsCriterion) -> Decided:
    label = trial.name if drug is None else f"{trial.name} ({drug.class_short})"
    words = f"{label}: {_outcome_words(trial)}"

    def undecided(missing: str) -> Decided:
        return Decided(trial.name, drug, None, words, f"{trial.name}: {missing}")

    if trial.outcome is None:
        return undecided("the outcome")
    if trial.outcome == "intolerable" and rule.intolerance_counts:
        counts: bool | None = True
    elif trial.outcome not in rule.failure_outcomes:
        return Decided(trial.name, drug, False, words)
    elif trial.adequate is None:
        return undecided("whether it was adequate (therapeutic dose for at least 6 weeks)")
    else:
        counts = trial.adequate
        if not counts:
            return Decided(trial.name, drug, False, f"{words}, not adequate")
    if rule.min_weeks is not None:
        if trial.weeks is None:
            return undecided(f"how many weeks it was taken (at least {rule.min_weeks} needed)")
        if trial.weeks < rule.min_weeks:
            return Decided(trial.name, drug, False, f"{words}, under {rule.min_weeks} weeks")
    if drug is None:
        return undecided("its class (not in our drug list)")
    return Decided(trial.name, drug, counts, words, reported=trial.source == "reported")


def _rank(decided: Decided) -> int:
    return {True: 2, None: 1, False: 0}[decided.counts]


def _by_drug(
    record_trials: list[Trial], drugs: Drugs, rule: FailedTrialsCriterion
) -> list[Decided]:
    """The best standing of each different antidepressant (two trials of one drug are one)."""
    best: dict[str, Decided] = {}
    for trial in record_trials:
        drug = drugs.lookup(trial.name)
        if drug is not None and drug.role != "antidepressant":
            continue  # an augmentation agent is not an antidepressant trial
        decided = _one(trial, drug, rule)
        key = drug.name if drug else " ".join(trial.name.lower().split())
        if key not in best or _rank(decided) > _rank(best[key]):
            best[key] = decided
    return list(best.values())


def failed_trials(
    rule: FailedTrialsCriterion, record: ClinicalRecord, drugs: Drugs
) -> CriterionCheck:
    """Check a failed-trials criterion (number of drugs, and of classes) against the record."""
    base = {"id": rule.id, "kind": rule.kind, "text": rule.text, "source_ids": rule.source_ids}
    if record.trials is None:
        return CriterionCheck(
            **base,
            met=None,
            evidence="No antidepressant history is recorded for this episode.",
            missing=["the antidepressant trials of the current episode"],
        )
    decided = _by_drug(record.trials, drugs, rule)
    yes = [d for d in decided if d.counts is True]
    maybe = [d for d in decided if d.counts is None]
    classes = {d.drug.class_id for d in yes if d.drug}
    # Best case: every undecided drug counts, and each of unknown class is a new class.
    best_classes = classes | {d.drug.class_id for d in maybe if d.drug}
    best_class_count = len(best_classes) + sum(1 for d in maybe if d.drug is None)
    need_classes = rule.min_classes or 0
    if len(yes) >= rule.min_trials and len(classes) >= need_classes:
        met: bool | None = True
    elif len(yes) + len(maybe) < rule.min_trials or best_class_count < need_classes:
        met = False
    else:
        met = None
    counted = "; ".join(d.why for d in yes) or "none"
    parts = [f"Counted ({len(yes)} drug{'s' if len(yes) != 1 else ''}"]
    if rule.min_classes:
        parts.append(f", {len(classes)} class{'es' if len(classes) != 1 else ''}")
    evidence = "".join(parts) + f"): {counted}."
    others = [d for d in decided if d.counts is False]
    if others:
        evidence += " Not counted: " + "; ".join(d.why for d in others) + "."
    if maybe:
        evidence += " Undecided: " + "; ".join(d.why for d in maybe) + "."
    if not decided:
        evidence = "No antidepressant trial is recorded in this episode."
    caveats = [rule.note] if rule.note else []
    if met is True and any(d.reported for d in yes):
        caveats.append(REPORTED_CAVEAT)
    return CriterionCheck(
        **base,
        met=met,
        evidence=evidence,
        missing=[d.missing for d in maybe] if met is None else [],
        caveats=caveats,
    )


def _said(answer: Answer | None) -> str:
    if answer is None or answer.value is None:
        return ""
    return " (clinician-confirmed)" if answer.confirmed is not None else " (patient-reported)"


def augmentation(
    rule: AugmentationCriterion, record: ClinicalRecord, drugs: Drugs
) -> CriterionCheck:
    """Check an augmentation criterion: augmentation agents in the trials, or the answer."""
    listed = sorted(
        {
            found.name
            for t in record.trials or []
            if (found := drugs.lookup(t.name)) and found.role == "augmentation"
        }
    )
    answer = record.answers.get("augmentation_trials")
    said = None if answer is None else answer.value
    said = said if isinstance(said, int) and not isinstance(said, bool) else None
    count = max(len(listed), said or 0)
    if count >= rule.min_trials:
        met: bool | None = True
    elif said is not None:
        met = False
    else:
        met = None
    parts = []
    if listed:
        parts.append("augmentation agents among the recorded trials: " + ", ".join(listed))
    if said is not None:
        parts.append(f"augmentation trials answered: {said}{_said(answer)}")
    evidence = ("; ".join(parts) or "No augmentation trial is recorded") + "."
    return CriterionCheck(
        id=rule.id,
        kind=rule.kind,
        text=rule.text,
        met=met,
        evidence=evidence[0].upper() + evidence[1:],
        missing=["how many augmentation trials (antipsychotic, lithium, thyroid hormone)"]
        if met is None
        else [],
        source_ids=rule.source_ids,
    )
