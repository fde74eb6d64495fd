"""Candidacy per option: indications (condition, age, label history) and rules -> findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from trdnav.domain.evidence.fields import UNKNOWN_VALUES
from trdnav.domain.evidence.schema import Indication, OptionData, Rule
from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.results import Candidacy, Finding, RegulatoryStatus, TreatmentResistance

_STATUS_RANK: dict[RegulatoryStatus, int] = {"fda_approved": 2, "fda_cleared": 1, "off_label": 0}
SCREENING_INCOMPLETE = "screening_incomplete"
_LEVEL_ORDER = {"contraindication": 0, "caution": 1, "confirm": 2, "info": 3}


@dataclass(frozen=True)
class Screening:
    candidacy: Candidacy
    regulatory_status: RegulatoryStatus
    findings: list[Finding]


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its answer getter and both possible findings built once, at load time."""

    rule: Rule
    answer: Callable[[AssessmentRequest], object] | None
    on_hit: Finding
    on_unknown: Finding | None

    @classmethod
    def of(cls, rule: Rule) -> CompiledRule:
        field = rule.field
        plain = field is not None and field != "conditions" and rule.min_age is None
        unknown = None
        if rule.unknown is not None:
            unknown = Finding(
                level="confirm",
                code=f"{rule.code}_unknown",
                message=rule.unknown,
                source_ids=rule.source_ids,
            )
        return cls(
            rule=rule,
            answer=attrgetter(field) if plain and field is not None else None,
            on_hit=Finding(
                level=rule.level, code=rule.code, message=rule.message, source_ids=rule.source_ids
            ),
            on_unknown=unknown,
        )

    def apply(self, request: AssessmentRequest) -> Finding | None:
        """The finding this rule gives for this request, if any."""
        rule = self.rule
        if self.answer is not None:
            value = self.answer(request)
            if value in UNKNOWN_VALUES:
                return self.on_unknown
            return self.on_hit if value in rule.when else None
        if rule.min_age is not None:
            hit = request.age >= rule.min_age
        elif rule.field == "conditions":
            hit = any(value in request.conditions for value in rule.when)
        else:
            hit = True
        return self.on_hit if hit else None


def _history_finding(
    option: OptionData, ind: Indication, request: AssessmentRequest, resistance: TreatmentResistance
) -> Finding | None:
    """The label asks for failed antidepressant trials: confirm when unknown, note when short."""
    needed = ind.min_failed_trials
    if needed == 0 or request.suicidal_thoughts in ind.waived_by_suicidal_thoughts:
        return None
    trials = request.antidepressant_trials
    if trials is None:
        return Finding.model_construct(
            level="confirm",
            code="treatment_history_unknown",
            message=(
                f"Antidepressant history is not known; {option.name} is labelled for people "
                f"with at least {needed} failed adequate antidepressant trial(s) in this episode."
            ),
            source_ids=ind.source_ids,
        )
    if resistance.failed_adequate_trials >= needed:
        return None
    unsure = any(t.adequate is None for t in trials)
    return Finding(
        level="confirm" if unsure else "info",
        code="treatment_history_below_label",
        message=(
            f"The label is for people with at least {needed} failed adequate antidepressant "
            f"trial(s) in this episode; {resistance.failed_adequate_trials} reported"
            + (", and some trials' dose or length is not known." if unsure else ".")
        ),
        source_ids=ind.source_ids,
    )


def _adjunct_finding(ind: Indication, request: AssessmentRequest) -> Finding | None:
    """An add-on clearance (adolescent TMS): is an antidepressant being taken now?"""
    if not ind.adjunct or request.taking_antidepressant is True:
        return None
    ages = f"{ind.min_age}–{ind.max_age}" if ind.max_age is not None else f"{ind.min_age}+"
    if request.taking_antidepressant is None:
        return Finding(
            level="confirm",
            code="adjunct_unknown",
            message=(
                f"At ages {ages} this is cleared only as an add-on to an antidepressant. "
                "Whether one is taken now is not known: the prescriber will ask."
            ),
            source_ids=ind.source_ids,
        )
    return Finding(
        level="caution",
        code="adjunct_not_taking",
        message=(
            f"At ages {ages} this is cleared only as an add-on to an antidepressant, and none "
            "is taken now: without one it would be used outside its clearance. Ask the "
            "prescriber about it."
        ),
        source_ids=ind.source_ids,
    )


class Screener:
    """Screens one option; everything that does not depend on the person is built once."""

    def __init__(self, option: OptionData, rule_sets: dict[str, list[Rule]]) -> None:
        self.option = option
        own = {rule.code for rule in option.rules}
        shared = [r for name in option.rule_sets for r in rule_sets[name] if r.code not in own]
        # An option's own rule replaces a shared rule of the same code.
        self.rules = [CompiledRule.of(rule) for rule in [*shared, *option.rules]]
        self._indicated = [
            (
                ind,
                Finding(
                    level="info", code="indication", message=ind.note, source_ids=ind.source_ids
                ),
            )
            for ind in sorted(option.indications, key=lambda i: -_STATUS_RANK[i.status])
        ]
        gaps = option.screening_gaps
        self._gaps = (
            None
            if gaps is None
            else Finding(
                level="confirm",
                code=SCREENING_INCOMPLETE,
                message=gaps.message,
                source_ids=gaps.source_ids,
            )
        )
        uses = sorted({ind.condition.replace("_", " ") for ind in option.indications})
        youngest = min(ind.min_age for ind in option.indications)
        self._youngest = {
            cond: min(i.min_age for i in option.indications if i.condition == cond)
            for cond in {i.condition for i in option.indications}
        }
        all_sources = sorted({sid for ind in option.indications for sid in ind.source_ids})
        self._not_indicated = Finding(
            level="info",
            code="not_indicated",
            message=(
                f"{option.name} is used for {', '.join(uses)} from age {youngest}; "
                "the diagnosis you gave is not one of them."
            ),
            source_ids=all_sources,
        )
        young = option.under_age
        self._too_young = {
            age: Finding(
                level="info",
                code="under_age",
                message=(
                    young.text
                    if young is not None
                    else f"Not available under age {age}: {option.name} is used only from "
                    f"age {age}."
                ),
                source_ids=young.source_ids
                if young is not None
                else sorted(
                    {s for i in option.indications if i.min_age == age for s in i.source_ids}
                ),
            )
            for age in set(self._youngest.values())
        }

    def screen(self, request: AssessmentRequest, resistance: TreatmentResistance) -> Screening:
        """Candidacy, regulatory status and every finding of this option for one person."""
        age, conditions = request.age, request.conditions
        best = next(
            (
                (ind, finding)
                for ind, finding in self._indicated
                if ind.condition in conditions
                and age >= ind.min_age
                and (ind.max_age is None or age <= ind.max_age)
            ),
            None,
        )
        findings: list[Finding]
        status: RegulatoryStatus
        if best is None:
            # Too young for a use that fits the diagnosis: say so plainly, not "not a use".
            ages = [self._youngest[c] for c in conditions if c in self._youngest]
            young = min(ages) if ages and age < min(ages) else None
            status = "off_label"
            findings = [self._not_indicated if young is None else self._too_young[young]]
        else:
            status, findings = best[0].status, [best[1]]
            history = _history_finding(self.option, best[0], request, resistance)
            if history is not None:
                findings.append(history)
            adjunct = _adjunct_finding(best[0], request)
            if adjunct is not None:
                findings.append(adjunct)
        for rule in self.rules:
            finding = rule.apply(request)
            if finding is not None:
                findings.append(finding)
        if self._gaps is not None:
            findings.append(self._gaps)
        findings.sort(key=lambda f: _LEVEL_ORDER[f.level])

        levels = {f.level for f in findings}
        candidacy: Candidacy
        if "contraindication" in levels:
            candidacy = "contraindicated"
        elif best is None:
            candidacy = "not_indicated"
        elif "caution" in levels:
            candidacy = "caution"
        else:
            candidacy = "eligible"
        return Screening(candidacy, status, findings)
