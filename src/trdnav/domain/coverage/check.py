"""The criteria check: one payer policy against one patient's record, criterion by criterion.

`check(policy, option, record, today)` answers each criterion met (True), not met (False) or
unknown (None), with the evidence from the record that decides it (which diagnosis, which
trials, which PHQ-9 and when) and what is missing to decide. Unknown stays unknown: an
unanswered question, an undated score or a trial of unknown adequacy never counts as "fine".
Facts that belong to the request rather than the record (who orders, the PDMP check, the units
asked for) come in `facts`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from trdnav.domain.codes import icd10
from trdnav.domain.coverage.continuation import continuation_check
from trdnav.domain.coverage.drugs import Drugs
from trdnav.domain.coverage.loader import Coverage, default_coverage
from trdnav.domain.coverage.results import CoverageCheck, CriterionCheck, Term, summarize
from trdnav.domain.coverage.schema import (
    AgeCriterion,
    AugmentationCriterion,
    Criterion,
    DiagnosisCriterion,
    ExclusionCriterion,
    FailedTrialsCriterion,
    PdmpCriterion,
    Policy,
    PrescriberCriterion,
    PsychotherapyCriterion,
    SeverityCriterion,
)
from trdnav.domain.coverage.trials import REPORTED_CAVEAT, augmentation, failed_trials
from trdnav.domain.evidence.loader import default_evidence
from trdnav.domain.measures import instruments
from trdnav.domain.record import Answer, ClinicalRecord


class PolicyOptionError(ValueError):
    """The policy says nothing about this option (neither covers it nor refuses it)."""


class Facts(BaseModel):
    """Facts of a prior-authorization request that the clinical record does not hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ordering_psychiatrist: bool | None = None
    pdmp_checked_on: date | None = None
    requested_units: int | None = Field(default=None, ge=1, le=500)
    continuation: bool = False  # more sessions after a first approval
    course_start: date | None = None  # the first session: the baseline score is on or before


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The clinic's local day of a stored (UTC) time."""
    return moment.astimezone(tz).date()


def _base(criterion: Criterion) -> dict[str, Any]:
    return {
        "id": criterion.id,
        "kind": criterion.kind,
        "text": criterion.text,
        "source_ids": list(criterion.source_ids),
    }


def _said(answer: Answer | None) -> str:
    if answer is None or answer.value is None:
        return ""
    return "clinician-confirmed" if answer.confirmed is not None else "patient-reported"


def _age(c: AgeCriterion, record: ClinicalRecord, today: date) -> CriterionCheck:
    age = record.age(today)
    caveats = [f"{d.text} [{', '.join(d.source_ids)}]" for d in c.disagreements]
    if age is None:
        return CriterionCheck(
            **_base(c),
            met=None,
            evidence="No date of birth or age is recorded.",
            missing=["the date of birth"],
            caveats=caveats,
        )
    met = (c.min is None or age >= c.min) and (c.max is None or age <= c.max)
    how = "from the date of birth" if record.birth_date else _said(record.answers.get("age"))
    return CriterionCheck(**_base(c), met=met, evidence=f"Age {age} ({how}).", caveats=caveats)


def _diagnosis_text(code: str, source: str) -> str:
    found = icd10.lookup(code)
    who = "clinician" if source == "clinician" else "patient-reported"
    return f"{code} {found.description if found else ''} ({who})".replace("  ", " ")


def _diagnosis(
    c: DiagnosisCriterion, record: ClinicalRecord, unspecified: list[str]
) -> CriterionCheck:
    clinician = [d for d in record.diagnoses if d.source == "clinician"]
    shown = "; ".join(_diagnosis_text(d.code, d.source) for d in record.diagnoses)
    caveats = [c.note] if c.note else []
    hits = [d for d in clinician if d.code in c.codes]
    if hits:
        return CriterionCheck(
            **_base(c),
            met=True,
            evidence="Diagnosis "
            + "; ".join(_diagnosis_text(d.code, d.source) for d in hits)
            + ".",
            caveats=caveats,
        )
    wanted = ", ".join(c.codes)
    if not clinician or any(d.code in unspecified for d in clinician):
        reported = f" On record: {shown}." if shown else ""
        conditions = ", ".join(x.replace("_", " ") for x in record.reported_conditions)
        if not shown and conditions:
            reported = f" The person reported: {conditions}."
        return CriterionCheck(
            **_base(c),
            met=None,
            evidence="No clinician's diagnosis states it." + reported,
            missing=[f"a clinician's diagnosis with the episode's severity (one of {wanted})"],
            caveats=caveats,
        )
    return CriterionCheck(
        **_base(c),
        met=False,
        evidence=f"Diagnoses on record: {shown}; none of {wanted}.",
        caveats=caveats,
    )


def _severity(
    c: SeverityCriterion, record: ClinicalRecord, today: date, tz: tzinfo
) -> CriterionCheck:
    instrument = instruments.get(c.instrument)
    dated = [
        a
        for a in record.administrations
        if a.instrument == c.instrument
        and a.administered_at is not None
        and local_day(a.administered_at, tz) <= today
    ]
    if not dated:
        undated = any(
            a.instrument == c.instrument and a.administered_at is None
            for a in record.administrations
        )
        return CriterionCheck(
            **_base(c),
            met=None,
            evidence=f"No dated {instrument.name} is recorded"
            + (" (an undated one cannot show current severity)." if undated else "."),
            missing=[f"a current {instrument.name}"],
        )
    latest = max(dated, key=lambda a: a.administered_at or datetime.min.replace(tzinfo=UTC))
    assert latest.administered_at is not None
    met = latest.total >= c.threshold if c.comparison == ">=" else latest.total > c.threshold
    who = {"reported": "patient-reported", "patient": "self-report link"}.get(
        latest.source, "clinician-administered"
    )
    when = local_day(latest.administered_at, tz).isoformat()
    band = instrument.band(latest.total).replace("_", " ")
    return CriterionCheck(
        **_base(c),
        met=met,
        evidence=f"{instrument.name} {latest.total} ({band}) on {when}, {who}; the latest.",
    )


def _psychotherapy(c: PsychotherapyCriterion, record: ClinicalRecord) -> CriterionCheck:
    answer = record.answers.get("psychotherapy_trial")
    value = None if answer is None else answer.value
    if value is None:
        return CriterionCheck(
            **_base(c),
            met=None,
            evidence="Nobody has answered whether psychotherapy was tried.",
            missing=["whether a psychotherapy trial took place"],
        )
    return CriterionCheck(
        **_base(c),
        met=bool(value),
        evidence=f"Psychotherapy trial: {'yes' if value else 'no'} ({_said(answer)}).",
    )


def _exclusion(c: ExclusionCriterion, record: ClinicalRecord) -> CriterionCheck:
    found, unknown, clear = [], [], []
    for key, excluding in c.answers.items():
        answer = record.answers.get(key)
        value = None if answer is None else answer.value
        label = key.rpartition(".")[2].replace("_", " ")
        if value is None or value == "unknown":
            unknown.append(label)
        elif value in excluding:
            found.append(f"{label}: {_value_words(value)} ({_said(answer)})")
        else:
            clear.append(f"{label}: {_value_words(value)} ({_said(answer)})")
    for d in record.diagnoses:
        if d.code in c.diagnosis_codes:
            found.append("diagnosis " + _diagnosis_text(d.code, d.source))
    if found:
        return CriterionCheck(**_base(c), met=False, evidence="Excluded: " + "; ".join(found) + ".")
    if unknown:
        known = f" Known: {'; '.join(clear)}." if clear else ""
        return CriterionCheck(
            **_base(c),
            met=None,
            evidence="Not yet answered: " + ", ".join(unknown) + "." + known,
            missing=[f"an answer about {label}" for label in unknown],
        )
    return CriterionCheck(**_base(c), met=True, evidence="; ".join(clear).capitalize() + ".")


def _value_words(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value).replace("_", " ")


def _prescriber(c: PrescriberCriterion, facts: Facts) -> CriterionCheck:
    if facts.ordering_psychiatrist is None:
        return CriterionCheck(
            **_base(c),
            met=None,
            evidence="The ordering clinician's specialty is not recorded on the request.",
            missing=["whether the ordering clinician is a psychiatrist"],
        )
    said = "is" if facts.ordering_psychiatrist else "is not"
    return CriterionCheck(
        **_base(c),
        met=facts.ordering_psychiatrist,
        evidence=f"The ordering clinician {said} a psychiatrist (on the request).",
    )


def _pdmp(c: PdmpCriterion, facts: Facts, today: date) -> CriterionCheck:
    if facts.pdmp_checked_on is None or facts.pdmp_checked_on > today:
        return CriterionCheck(
            **_base(c),
            met=None,
            evidence="No PDMP check is recorded on the request.",
            missing=["the date the PDMP was checked"],
        )
    return CriterionCheck(
        **_base(c), met=True, evidence=f"PDMP checked on {facts.pdmp_checked_on.isoformat()}."
    )


def _units(policy: Policy, facts: Facts) -> CriterionCheck | None:
    """The units asked for within the policy's limit (first approval or continuation)."""
    limit = policy.continuation if facts.continuation else policy.session_limit
    if facts.requested_units is None or limit is None:
        return None
    return CriterionCheck(
        id="units-within-limit",
        kind="session_limit",
        text=f"Sessions asked for within the limit: {limit.text}",
        met=facts.requested_units <= limit.total,
        evidence=f"{facts.requested_units} sessions asked for; the limit is {limit.total}.",
        source_ids=list(limit.source_ids),
    )


def _flag_reported(result: CriterionCheck) -> CriterionCheck:
    """A criterion met only on the patient's word says so (trials flag their own)."""
    if result.met is not True or result.kind == "failed_trials":
        return result
    if "patient-reported" not in result.evidence or REPORTED_CAVEAT in result.caveats:
        return result
    return result.model_copy(update={"caveats": [*result.caveats, REPORTED_CAVEAT]})


def terms(policy: Policy) -> list[Term]:
    """The policy's terms: session limit, continuation, approval length, what it excludes."""
    out = []
    if policy.session_limit:
        out.append(
            Term(
                kind="session_limit",
                text=policy.session_limit.text,
                source_ids=policy.session_limit.source_ids,
            )
        )
    if policy.continuation:
        text = policy.continuation.text + (
            f" ({policy.continuation.note})" if policy.continuation.note else ""
        )
        out.append(Term(kind="continuation", text=text, source_ids=policy.continuation.source_ids))
    if policy.approval:
        out.append(
            Term(kind="approval", text=policy.approval.text, source_ids=policy.approval.source_ids)
        )
    out += [
        Term(kind="not_covered", text=n.text, source_ids=n.source_ids) for n in policy.not_covered
    ]
    return out


def check(
    policy: Policy,
    option: str,
    record: ClinicalRecord,
    today: date,
    facts: Facts | None = None,
    *,
    tz: tzinfo = UTC,
    coverage: Coverage | None = None,
) -> CoverageCheck:
    """Every criterion of `policy` for `option`, checked against the record as of `today`."""
    if not policy.applies_to(option):
        raise PolicyOptionError(f"policy {policy.id} says nothing about option {option!r}")
    facts = facts or Facts()
    data = coverage or default_coverage()
    drugs = Drugs(data.drugs)
    results: list[CriterionCheck] = []
    refusal = policy.refusal(option)
    if refusal is not None:
        results.append(
            CriterionCheck(
                id="option-covered",
                kind="option",
                text=f"The policy covers {default_evidence().options[option].name}",
                met=False,
                evidence=refusal.text + ".",
                source_ids=list(refusal.source_ids),
            )
        )
    for c in policy.criteria:
        if isinstance(c, AgeCriterion):
            results.append(_age(c, record, today))
        elif isinstance(c, DiagnosisCriterion):
            results.append(_diagnosis(c, record, data.codes.unspecified_severity))
        elif isinstance(c, SeverityCriterion):
            results.append(_severity(c, record, today, tz))
        elif isinstance(c, FailedTrialsCriterion):
            results.append(failed_trials(c, record, drugs))
        elif isinstance(c, AugmentationCriterion):
            results.append(augmentation(c, record, drugs))
        elif isinstance(c, PsychotherapyCriterion):
            results.append(_psychotherapy(c, record))
        elif isinstance(c, ExclusionCriterion):
            results.append(_exclusion(c, record))
        elif isinstance(c, PrescriberCriterion):
            results.append(_prescriber(c, facts))
        else:
            results.append(_pdmp(c, facts, today))
    results = [_flag_reported(r) for r in results]
    units = _units(policy, facts)
    if units is not None:
        results.append(units)
    if facts.continuation:
        results.append(continuation_check(policy, record, facts.course_start, today, tz))
    return CoverageCheck(
        policy=policy.id,
        policy_name=policy.name,
        payer=policy.payer,
        option=option,
        option_name=default_evidence().options[option].name,
        criteria=results,
        summary=summarize(results),
        terms=terms(policy),
        not_stated=list(policy.not_stated),
        checked_on=today,
    )
