"""Turn an assessment result into what the results and take-away pages show (no clinical logic)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from trdnav.domain.results import AssessmentResult, IntRange, OptionResult
from trdnav.domain.screening import SCREENING_INCOMPLETE
from trdnav.features.aid.icon_array import Counts, counts, svg, svg_compact
from trdnav.features.aid.steps import N_
from trdnav.features.aid.visit_sketch import Sketch, sketch

# Plain-language labels for result codes; translated in templates.
CANDIDACY = {
    "eligible": N_("No safety concern found in your answers"),
    "caution": N_("Possible, with a factor your clinician must weigh"),
    "contraindicated": N_("Not safe for you, from your answers"),
    "not_indicated": N_("Not a recognized use for your situation"),
}
CANDIDACY_SHORT = {
    "eligible": N_("Possible"),
    "caution": N_("Caution"),
    "contraindicated": N_("Ruled out"),
    "not_indicated": N_("Not indicated"),
}
# The safety state shown in each option's header and the summary: unknown is never "no concern".
SAFETY = {
    "ruled_out": N_("Not safe for you, from your answers"),
    "not_indicated": N_("Not available for your situation"),
    "caution": N_("Possible, with a factor your clinician must weigh"),
    "not_checked": N_("Not yet checked: %(n)s safety questions unanswered – a clinician must ask"),
    "not_assessed": N_("Safety not assessed by this aid – a clinician must check"),
    "no_concern": N_("No safety concern found in your answers"),
}
SAFETY_SHORT = {
    "ruled_out": N_("Ruled out"),
    "not_indicated": N_("Not available"),
    "caution": N_("Caution"),
    "not_checked": N_("Not yet checked"),
    "not_assessed": N_("Not assessed"),
    "no_concern": N_("Possible"),
}
_NOT_SAFETY = {"treatment_history_unknown"}


def unanswered_safety(o: OptionResult) -> int:
    """How many of this option's safety questions were left unanswered or "I don't know"."""
    return sum(
        1
        for f in o.findings
        if f.level == "confirm" and f.code.endswith("_unknown") and f.code not in _NOT_SAFETY
    )


def safety_state(o: OptionResult) -> str:
    """The option's safety state (a key of SAFETY): unknown answers and gaps are not "fine"."""
    if o.candidacy == "contraindicated":
        return "ruled_out"
    if o.candidacy == "not_indicated":
        return "not_indicated"
    if o.candidacy == "caution":
        return "caution"
    if unanswered_safety(o):
        return "not_checked"
    if any(f.code == SCREENING_INCOMPLETE for f in o.findings):
        return "not_assessed"
    return "no_concern"


REGULATORY = {
    "fda_cleared": N_("FDA-cleared device for your condition"),
    "fda_approved": N_("FDA-approved medicine for your condition"),
    "off_label": N_("Off-label: not FDA-approved for your condition"),
}
COVERAGE = {
    "likely": N_("Insurance likely to cover"),
    "possible": N_("Insurance may cover"),
    "unlikely": N_("Insurance unlikely to cover"),
    "self_pay": N_("You would pay yourself"),
}
LEVEL = {
    "contraindication": N_("Rules it out"),
    "caution": N_("Caution"),
    "confirm": N_("To check"),
    "info": N_("Good to know"),
}
ASK = {
    "contraindication": N_(
        "Ask: is this truly ruled out for me, and which option would you suggest instead?"
    ),
    "caution": N_("Ask: how does this change my risk, and what would you do about it?"),
    "confirm": N_("Ask the clinician to check this with you before deciding."),
}
BAND = {
    "minimal": N_("minimal"),
    "mild": N_("mild"),
    "moderate": N_("moderate"),
    "moderately_severe": N_("moderately severe"),
    "severe": N_("severe"),
    "unknown": N_("not known"),
}


@dataclass(frozen=True)
class Column:
    """One option as shown in the comparison."""

    option: OptionResult
    rank: int | None
    response: Counts | None
    remission: Counts | None
    response_svg: Markup | None
    remission_svg: Markup | None
    sketch: Sketch
    safety: str = "no_concern"  # a key of SAFETY
    unanswered: int = 0  # safety questions left unanswered for this option


def money(r: IntRange | None) -> str | None:
    """US dollars as a range, or None when unknown."""
    if r is None:
        return None
    if r.low == r.high:
        return f"${r.low:,}"
    return f"${r.low:,}–${r.high:,}"


def span(r: IntRange) -> str:
    """An integer range, collapsed when both ends agree."""
    return str(r.low) if r.low == r.high else f"{r.low}–{r.high}"


def columns(result: AssessmentResult, *, pdf: bool = False) -> list[Column]:
    """Options in ranking order first, then the ones that are ruled out or not indicated."""
    draw = svg if pdf else svg_compact
    by_id = {o.id: o for o in result.options}
    order = list(result.ranking) + [o.id for o in result.options if o.id not in result.ranking]
    out = []
    for oid in order:
        o = by_id[oid]
        resp, rem = counts(o.outcomes.response), counts(o.outcomes.remission)
        out.append(
            Column(
                option=o,
                rank=result.ranking.index(oid) + 1 if oid in result.ranking else None,
                response=resp,
                remission=rem,
                response_svg=draw(resp) if resp else None,
                remission_svg=draw(rem) if rem else None,
                sketch=sketch(o),
                safety=safety_state(o),
                unanswered=unanswered_safety(o),
            )
        )
    return out


def labels() -> dict[str, dict[str, str]]:
    """Label tables for the templates."""
    return {
        "candidacy": CANDIDACY,
        "candidacy_short": CANDIDACY_SHORT,
        "regulatory": REGULATORY,
        "safety": SAFETY,
        "safety_short": SAFETY_SHORT,
        "coverage": COVERAGE,
        "level": LEVEL,
        "ask": ASK,
        "band": BAND,
    }


def answer_rows(
    answers: dict[str, dict[str, object]],
) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """Each step's answered questions: (label, answer, answer is a translatable choice label)."""
    from trdnav.features.aid.steps import STEPS

    out: list[tuple[str, list[tuple[str, str, bool]]]] = []
    for step in STEPS:
        raw = answers.get(step.name) or {}
        rows: list[tuple[str, str, bool]] = []
        for f in step.fields:
            value = raw.get(f.name)
            if not value:
                continue
            names = dict(f.choices)
            if isinstance(value, list):
                shown = "; ".join(names.get(v) or v for v in value)
            else:
                shown = names.get(str(value), str(value))
            rows.append((f.label, shown, bool(f.choices)))
        out.append((step.title, rows))
    return out
