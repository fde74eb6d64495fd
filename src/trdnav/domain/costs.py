"""Course and first-year list prices, coverage likelihood per plan, and out-of-pocket arithmetic.

Out of pocket = the deductible first, then coinsurance on the rest, capped by the out-of-pocket
maximum. Unknown insurance numbers widen the range instead of being guessed; the one assumption
is Original Medicare's Part B cost sharing where the evidence gives it (stated with the result).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter

from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.evidence.fields import UNKNOWN_VALUES
from trdnav.domain.evidence.schema import (
    CostSharingData,
    CoverageCriteria,
    CoverageExclusion,
    CoverageRule,
    FirstYearEstimateData,
    OptionData,
    Span,
)
from trdnav.domain.requests import AssessmentRequest, Insurance
from trdnav.domain.results import (
    Coverage,
    FirstYearEstimate,
    IntRange,
    SourcedText,
    TreatmentResistance,
)

WEEKS_IN_YEAR = 52


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
    sources = list(dict.fromkeys(price.source_ids + option.course.source_ids))
    return ListPrice(course, price.basis, sources)


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


def out_of_pocket(course: Span | IntRange, coverage: Coverage, insurance: Insurance) -> IntRange:
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


def assumed_sharing(
    option: OptionData, insurance: Insurance
) -> tuple[Insurance, SourcedText | None]:
    """Original Medicare's Part B deductible and coinsurance for the numbers the person left
    out, where the evidence gives them for this option; else the insurance as it is."""
    sharing: CostSharingData | None = option.medicare_part_b
    if insurance.plan != "medicare" or sharing is None:
        return insurance, None
    ded, coins = insurance.deductible_remaining, insurance.coinsurance
    if ded is not None and coins is not None:
        return insurance, None
    filled = insurance.model_copy(
        update={
            "deductible_remaining": float(sharing.deductible) if ded is None else ded,
            "coinsurance": sharing.coinsurance if coins is None else coins,
        }
    )
    return filled, SourcedText(text=sharing.text, source_ids=sharing.source_ids)


@dataclass(frozen=True)
class FirstYear:
    """The first 12 months at list price: every estimate, and the range spanning them all."""

    estimates: list[FirstYearEstimate]
    list_price: IntRange
    basis: str
    source_ids: list[str]


def _count_after(est: FirstYearEstimateData, course_weeks: Span) -> Span:
    """Sessions (or months) after the course: given, or one every N weeks for the rest of
    the first year (fewest: longest course, longest gap; most: shortest course, shortest gap)."""
    if est.count is not None:
        return est.count
    assert est.every_weeks is not None  # schema guarantees one of the two
    rest_low = max(0, WEEKS_IN_YEAR - course_weeks.high)
    rest_high = max(0, WEEKS_IN_YEAR - course_weeks.low)
    return Span(low=rest_low // est.every_weeks.high, high=rest_high // est.every_weeks.low)


def _estimate(
    est: FirstYearEstimateData, course: Span, option: OptionData
) -> tuple[FirstYearEstimate, list[str]]:
    if est.year is not None:
        line = FirstYearEstimate(
            text=est.text,
            course=None,
            count=None,
            unit_price=None,
            after_course=None,
            list_price=IntRange(low=est.year.low, high=est.year.high),
            possible=est.possible,
            insured=est.insured,
            unconfirmed=est.unconfirmed,
            source_ids=est.source_ids,
        )
        return line, est.source_ids
    assert est.unit is not None  # schema guarantees it
    count = _count_after(est, option.course.weeks)
    after = IntRange(low=count.low * est.unit.low, high=count.high * est.unit.high)
    sources = list(est.source_ids)
    if est.every_weeks is not None:  # the rest of the year depends on the course's length
        sources += [sid for sid in option.course.source_ids if sid not in sources]
    line = FirstYearEstimate(
        text=est.text,
        course=IntRange(low=course.low, high=course.high),
        count=IntRange(low=count.low, high=count.high),
        unit_price=IntRange(low=est.unit.low, high=est.unit.high),
        after_course=after,
        list_price=IntRange(
            low=course.low + (0 if est.possible else after.low), high=course.high + after.high
        ),
        possible=est.possible,
        insured=est.insured,
        unconfirmed=est.unconfirmed,
        source_ids=sources,
    )
    return line, sources


def first_year(option: OptionData, price: ListPrice) -> FirstYear | None:
    """Every first-year estimate of the evidence, from the course list price (None: unknown)."""
    data = option.first_year
    if data is None or price.course is None:
        return None
    estimates, sources = [], [*data.source_ids, *price.source_ids]
    for est in data.estimates:
        line, cited = _estimate(est, price.course, option)
        estimates.append(line)
        sources += cited
    span = IntRange(
        low=min(e.list_price.low for e in estimates),
        high=max(e.list_price.high for e in estimates),
    )
    return FirstYear(estimates, span, data.text, list(dict.fromkeys(sources)))


def first_year_out_of_pocket(
    year: FirstYear, course: Span, coverage: Coverage, insurance: Insurance
) -> IntRange:
    """The person's share of the first 12 months, spanning every estimate.

    What insurers do not pay for (`insured` false) is added in full, outside the out-of-pocket
    maximum; the deductible and maximum apply once (one plan year).
    """
    ranges = []
    for e in year.estimates:
        if e.after_course is None or e.insured:
            ranges.append(out_of_pocket(e.list_price, coverage, insurance))
            continue
        base = out_of_pocket(course, coverage, insurance)
        low = base.low + (0 if e.possible else e.after_course.low)
        ranges.append(IntRange(low=low, high=base.high + e.after_course.high))
    return IntRange(low=min(r.low for r in ranges), high=max(r.high for r in ranges))
