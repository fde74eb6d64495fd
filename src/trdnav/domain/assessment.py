"""The assessment engine: request -> result (contract assessment-v1). Pure and deterministic."""

from __future__ import annotations

from dataclasses import dataclass

from trdnav.domain import costs
from trdnav.domain.alerts import suicide_alerts
from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.evidence.loader import Evidence
from trdnav.domain.evidence.schema import OptionData, Rule, Scales
from trdnav.domain.fit import (
    CostSpan,
    Weights,
    compute_fit,
    cost_score,
    cost_span,
    static_scores,
    weights_for,
)
from trdnav.domain.measures import instruments
from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.result_json import JsonWriter
from trdnav.domain.results import (
    AssessmentResult,
    Cost,
    Course,
    Delivery,
    EvidenceStrength,
    IntRange,
    OptionResult,
    Outcomes,
    Range,
    Severity,
    SideEffect,
    Source,
    SourcedText,
    TreatmentResistance,
)
from trdnav.domain.screening import Screener

DISCLAIMER = (
    "TRD Navigator supports, and does not replace, the judgment of a clinician who knows you. "
    "It summarises published evidence; only a clinician can confirm what is safe for you."
)
_FAILED = ("no_response", "partial_response")


def treatment_resistance(request: AssessmentRequest) -> TreatmentResistance:
    """Count failed adequate trials (no or partial response) and intolerant ones."""
    trials = request.antidepressant_trials or []
    failed = sum(1 for t in trials if t.adequate is True and t.outcome in _FAILED)
    intolerant = sum(1 for t in trials if t.outcome == "intolerable")
    return TreatmentResistance(
        failed_adequate_trials=failed,
        intolerant_trials=intolerant,
        meets_trd_definition=failed >= 2,
        history_known=request.antidepressant_trials is not None,
    )


def severity(request: AssessmentRequest) -> Severity:
    """PHQ-9 total and band; items win over a given total; unknown when neither is given."""
    phq9 = instruments.get("phq9")
    if request.phq9_items is not None:
        total: int | None = phq9.total(request.phq9_items)
    else:
        total = request.phq9_total
    if total is None:
        return Severity(phq9_total=None, band="unknown")
    return Severity(phq9_total=total, band=phq9.band(total))


@dataclass(frozen=True)
class _Static:
    """The parts of an option's result that do not depend on the person."""

    data: OptionData
    screener: Screener
    course: Course
    outcomes: Outcomes
    side_effects: list[SideEffect]
    delivery: Delivery
    time_to_benefit: SourcedText
    ttb_days: IntRange | None
    durability: SourcedText
    strength: EvidenceStrength
    price: costs.ListPrice
    list_price: IntRange | None
    first_year: costs.FirstYear | None
    coverage_notes: dict[str, SourcedText]
    scores: dict[str, tuple[float, str]]
    source_ids: frozenset[str]


def _rate(r: object) -> Range | None:
    return None if r is None else Range.model_validate(r, from_attributes=True)


def _static(
    option: OptionData, rule_sets: dict[str, list[Rule]], clinic: ClinicConfig, scales: Scales
) -> _Static:
    c = option.course
    course = Course(
        sessions=IntRange(low=c.sessions.low, high=c.sessions.high),
        weeks=IntRange(low=c.weeks.low, high=c.weeks.high),
        visit_days=IntRange(low=c.visit_days.low, high=c.visit_days.high),
        maintenance=c.maintenance,
        source_ids=c.source_ids,
    )
    o = option.outcomes
    outcomes = Outcomes(
        response=_rate(o.response),
        remission=_rate(o.remission),
        timeframe=o.timeframe,
        design=o.design,
        source_ids=o.source_ids,
    )
    effects = [SideEffect.model_validate(s, from_attributes=True) for s in option.side_effects]
    d = option.delivery
    ttb = option.time_to_benefit
    price = costs.list_price(option, clinic)
    year = costs.first_year(option, price)
    sources = {*course.source_ids, *outcomes.source_ids, *d.source_ids, *ttb.source_ids}
    sources |= {*option.durability.source_ids, *option.evidence_strength.source_ids}
    sources |= {sid for s in effects for sid in s.source_ids} | set(price.source_ids)
    sources |= set(year.source_ids if year else ())
    return _Static(
        data=option,
        screener=Screener(option, rule_sets),
        course=course,
        outcomes=outcomes,
        side_effects=effects,
        delivery=Delivery(text=d.text, driving=d.driving, source_ids=d.source_ids),
        time_to_benefit=SourcedText(text=ttb.text, source_ids=ttb.source_ids),
        ttb_days=None if ttb.days is None else IntRange(low=ttb.days.low, high=ttb.days.high),
        durability=SourcedText(
            text=option.durability.text, source_ids=option.durability.source_ids
        ),
        strength=EvidenceStrength.model_validate(option.evidence_strength, from_attributes=True),
        price=price,
        list_price=None
        if price.course is None
        else IntRange(low=price.course.low, high=price.course.high),
        first_year=year,
        coverage_notes={
            plan: SourcedText(text=rule.note, source_ids=rule.source_ids)
            for plan, rule in option.coverage.items()
        },
        scores=static_scores(option, scales),
        source_ids=frozenset(sources),
    )


@dataclass(frozen=True)
class _Priced:
    """One option's coverage and this person's out-of-pocket ranges (None: no price known)."""

    check: costs.CoverageCheck
    course: IntRange | None
    first_year: IntRange | None
    assumed: SourcedText | None


def _coverage_note(check: costs.CoverageCheck, plan_note: SourcedText | None) -> SourcedText | None:
    """The plan's note, or the payer exclusion that decided the coverage (met or unknown)."""
    if check.rule is None:
        return None
    ex = check.exclusion
    if ex is None:
        return plan_note
    if check.exclusion_unknown:
        text = f"{ex.note} Whether this applies to you is not known, so coverage is not certain."
        return SourcedText(text=text, source_ids=ex.source_ids)
    return SourcedText(text=ex.note, source_ids=ex.source_ids)


class Engine:
    """Assesses requests against one evidence base and one clinic's configuration."""

    def __init__(self, evidence: Evidence, clinic: ClinicConfig) -> None:
        clinic.check_options(evidence.options)
        self.evidence = evidence
        self.clinic = clinic
        rule_sets = {name: rs.rules for name, rs in evidence.rule_sets.items()}
        self._static = {
            oid: _static(option, rule_sets, clinic, evidence.scales)
            for oid, option in evidence.options.items()
        }
        self._static_sources = frozenset().union(*(st.source_ids for st in self._static.values()))
        self._sources = {
            sid: Source(
                citation=s.citation, year=s.year, url=s.url, type=s.type, conflict=s.conflict
            )
            for sid, s in evidence.sources.items()
        }
        self._sources[clinic.price_source_id] = Source(
            citation=f"{clinic.name}: the clinic's price list", year=None, url=None
        )
        # The exact bytes of result.model_dump_json(), around this engine's pre-serialized parts.
        names = [(o.id, o.name) for o in evidence.options.values()]
        shared = (self._static, self._sources, names, DISCLAIMER, evidence.version)
        self.to_json = JsonWriter(AssessmentResult, shared=shared)

    def assess(self, request: AssessmentRequest) -> AssessmentResult:
        """Assess one request: severity, resistance, alerts, every option, ranking, sources."""
        sev = severity(request)
        resistance = treatment_resistance(request)
        weights = weights_for(request.preferences, self.evidence.scales)
        # Cost is scored relative to the other options (the first 12 months, like with like),
        # so every estimate comes first.
        priced = [
            (st, self._oop(st, request, resistance, sev.phq9_total)) for st in self._static.values()
        ]
        span = cost_span([p.first_year for _, p in priced])
        options = [self._option(st, request, resistance, weights, span, p) for st, p in priced]
        strength = {o.id: o.evidence_strength.rank for o in options}
        ranked = sorted(
            (o for o in options if o.candidacy in ("eligible", "caution")),
            key=lambda o: (-o.fit, -strength[o.id], o.id),
        )
        used = set(self._static_sources)
        for o in options:
            for f in o.findings:
                used.update(f.source_ids)
            if o.coverage_note is not None:
                used.update(o.coverage_note.source_ids)
            if o.cost.assumed_cost_sharing is not None:
                used.update(o.cost.assumed_cost_sharing.source_ids)
        return AssessmentResult.model_construct(
            evidence_version=self.evidence.version,
            severity=sev,
            treatment_resistance=resistance,
            alerts=suicide_alerts(request),
            options=options,
            ranking=[o.id for o in ranked],
            sources={sid: self._sources[sid] for sid in sorted(used)},
            disclaimer=DISCLAIMER,
        )

    def _oop(
        self,
        st: _Static,
        request: AssessmentRequest,
        resistance: TreatmentResistance,
        phq9_total: int | None,
    ) -> _Priced:
        """Coverage, and this person's estimated out-of-pocket ranges (None: no price)."""
        check = costs.coverage_for(st.data, request, resistance, phq9_total)
        course = st.price.course
        if course is None:
            return _Priced(check, None, None, None)
        insurance, assumed = costs.assumed_sharing(st.data, request.insurance)
        if check.coverage in ("unlikely", "self_pay"):
            assumed = None  # the whole price either way: no cost sharing to assume
        oop = costs.out_of_pocket(course, check.coverage, insurance)
        year = st.first_year
        first = (
            None
            if year is None
            else costs.first_year_out_of_pocket(year, course, check.coverage, insurance)
        )
        return _Priced(check, oop, first, assumed)

    def _option(
        self,
        st: _Static,
        request: AssessmentRequest,
        resistance: TreatmentResistance,
        weights: Weights,
        span: CostSpan | None,
        priced: _Priced,
    ) -> OptionResult:
        option = st.data
        screening = st.screener.screen(request, resistance)
        check = priced.check
        coverage = check.coverage
        year = st.first_year
        # model_construct: every input is already a validated model (hot path; a property test
        # re-validates whole results against the model).
        cost = Cost.model_construct(
            course_list_price=st.list_price,
            estimated_out_of_pocket=priced.course,
            basis=st.price.basis,
            source_ids=st.price.source_ids,
            first_year_list_price=None if year is None else year.list_price,
            first_year_out_of_pocket=priced.first_year,
            first_year_basis="" if year is None else year.basis,
            first_year_estimates=[] if year is None else year.estimates,
            first_year_source_ids=[] if year is None else year.source_ids,
            assumed_cost_sharing=priced.assumed,
        )
        ranked = screening.candidacy in ("eligible", "caution")
        scores = {**st.scores, "low_cost": cost_score(priced.first_year, span)}
        fit = compute_fit(weights, scores)
        plan = request.insurance.plan or "unknown"
        return OptionResult.model_construct(
            id=option.id,
            name=option.name,
            offered=self.clinic.offers(option.id),
            candidacy=screening.candidacy,
            regulatory_status=screening.regulatory_status,
            findings=screening.findings,
            course=st.course,
            time_to_benefit_days=st.ttb_days,
            time_to_benefit=st.time_to_benefit,
            durability=st.durability,
            delivery=st.delivery,
            side_effects=st.side_effects,
            outcomes=st.outcomes,
            cost=cost,
            coverage=coverage,
            coverage_note=_coverage_note(check, st.coverage_notes.get(plan)),
            evidence_strength=st.strength,
            fit=fit.score if ranked else 0,
            fit_reasons=fit.reasons if ranked else [],
        )
