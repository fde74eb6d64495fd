"""Course list price, coverage likelihood per plan, and out-of-pocket arithmetic.

Out of pocket = the deductible first, then coinsurance on the rest, capped by the out-of-pocket
maximum. Unknown insurance numbers widen the range instead of being guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter

from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.evidence.fields import UNKNOWN_VALUES
from trdnav.domain.evidence.schema import (
    CoverageCriteria,
    CoverageExclusion,
    CoverageRule,
    OptionData,
    Span,
)
from trdnav.domain.requests import AssessmentRequest, Insurance
from trdnav.domain.results import Coverage, IntRange, TreatmentResistance


@dataclass(frozen=True)
class ListPrice:
    course: Span | None
    basis: str
    source_ids: list[str]


def list_price(option: OptionData, clinic: ClinicConfig) -> ListPrice:
    """The clinic's own price when configured, else the evidence price for a full course."""
    override = clinic.prices.get(option.id)
    if override is not None:
        return ListPrice(override.course, override.basis, [clinic.price_source_id])
    price = option.price
    if price is None:
        return ListPrice(None, "No price is given in our evidence base; ask the clinic.", [])
    if price.course is not None:
        return ListPrice(price.course, price.basis, price.source_ids)
    assert price.per_session is not None  # schema guarantees one of the two
    sessions = option.course.sessions
    course = Span(
        low=price.per_session.low * sessions.low, high=price.per_session.high * sessions.high
    )
    return ListPrice(course, price.basis, price.source_ids + option.course.source_ids)


def _meets(
    criteria: CoverageCriteria,
    request: AssessmentRequest,
    resistance: TreatmentResistance,
    phq9: int | None,
) -> bool:
    failed = resistance.failed_adequate_trials
    checks = [
        criteria.min_failed_trials is None or failed >= criteria.min_failed_trials,
        criteria.min_phq9 is None or (phq9 is not None and phq9 >= criteria.min_phq9),
        criteria.psychotherapy is None or request.psychotherapy_trial is True,
        criteria.min_augmentation is None
        or (request.augmentation_trials or 0) >= criteria.min_augmentation,
        criteria.meets_trd is None or resistance.meets_trd_definition == criteria.meets_trd,
    ]
    return all(checks)


@dataclass(frozen=True)
class CoverageCheck:
    """Coverage likelihood, the plan's rule, and the exclusion that decided it (if any)."""

    coverage: Coverage
    rule: CoverageRule | None
    exclusion: CoverageExclusion | None = None
    exclusion_unknown: bool = False


def _exclusion(
    rule: CoverageRule, request: AssessmentRequest
) -> tuple[CoverageExclusion | None, bool]:
    """The payer exclusion the answers meet, else one whose answer is unknown (flagged)."""
    unknown = None
    for exclusion in rule.exclusions:
        value = attrgetter(exclusion.field)(request)
        if value in UNKNOWN_VALUES:
            unknown = unknown or exclusion
        elif value in exclusion.when:
            return exclusion, False
    return unknown, unknown is not None


def coverage_for(
    option: OptionData,
    request: AssessmentRequest,
    resistance: TreatmentResistance,
    phq9_total: int | None,
) -> CoverageCheck:
    """Coverage likelihood for the person's plan.

    A payer exclusion met makes it "unlikely"; one not known keeps "likely" at "possible";
    criteria unmet (or unknown) lower it to the rule's `otherwise`.
    """
    plan = request.insurance.plan or "unknown"
    if plan == "self_pay":
        return CoverageCheck("self_pay", None)
    rule = option.coverage[plan]
    exclusion, unknown = _exclusion(rule, request)
    if exclusion is not None and not unknown:
        return CoverageCheck("unlikely", rule, exclusion)
    coverage = rule.likelihood
    if rule.otherwise is not None and not _meets(rule.criteria, request, resistance, phq9_total):
        coverage = rule.otherwise
    if unknown and coverage == "likely":
        return CoverageCheck("possible", rule, exclusion, exclusion_unknown=True)
    return CoverageCheck(coverage, rule)


def insured_share(
    total: float, deductible: float, coinsurance: float, oop_max: float | None
) -> float:
    """What the person pays for `total`: deductible, then coinsurance, capped by the maximum."""
    from_deductible = min(total, deductible)
    paid = from_deductible + (total - from_deductible) * coinsurance
    return paid if oop_max is None else min(paid, oop_max)


def out_of_pocket(course: Span, coverage: Coverage, insurance: Insurance) -> IntRange:
    """Estimated out-of-pocket range for a course under a coverage likelihood."""
    if coverage in ("self_pay", "unlikely"):
        return IntRange(low=course.low, high=course.high)
    oop_max = insurance.out_of_pocket_max_remaining
    ded = insurance.deductible_remaining
    coins = insurance.coinsurance
    low = insured_share(course.low, ded or 0.0, coins or 0.0, oop_max)
    if coverage == "possible":
        high: float = course.high  # it may not be covered at all
    else:
        high = insured_share(
            course.high,
            course.high if ded is None else ded,
            1.0 if coins is None else coins,
            oop_max,
        )
    cap = course.high
    if coverage == "likely" and oop_max is not None:
        cap = min(cap, math.floor(oop_max))
    return IntRange(low=math.floor(low), high=min(cap, math.ceil(high)))
