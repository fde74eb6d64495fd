"""Preference-weighted fit (0..100) and the reasons behind it, spelled out for the person."""

from __future__ import annotations

from dataclasses import dataclass

from trdnav.domain.evidence.schema import OptionData, Scales
from trdnav.domain.requests import PREFERENCE_KEYS, Preferences
from trdnav.domain.results import IntRange

LABELS = {
    "fast_relief": "fast relief",
    "lasting_results": "lasting results",
    "few_side_effects": "few side effects",
    "avoid_medication": "avoiding medication",
    "drive_myself": "driving yourself",
    "few_visits": "few visits",
    "low_cost": "low cost",
}
UNKNOWN_SCORE = 0.5  # an unknown fact neither helps nor hurts


@dataclass(frozen=True)
class Fit:
    score: int
    reasons: list[str]


def _scaled(value: float, best: float, worst: float) -> float:
    return max(0.0, min(1.0, (worst - value) / (worst - best)))


def static_scores(option: OptionData, scales: Scales) -> dict[str, tuple[float, str]]:
    """Each person-independent preference score (0..1) for the option, with its driving fact."""
    r = option.ratings
    ttb = option.time_to_benefit
    days = None if ttb.days is None else (ttb.days.low + ttb.days.high) / 2
    visits = option.course.visit_days
    fast = (
        UNKNOWN_SCORE if days is None else _scaled(days, scales.fastest_days, scales.slowest_days)
    )
    few = _scaled((visits.low + visits.high) / 2, scales.fewest_visit_days, scales.most_visit_days)
    return {
        "fast_relief": (fast, ttb.text),
        "lasting_results": (r.lasting_results.score, r.lasting_results.why),
        "few_side_effects": (r.few_side_effects.score, r.few_side_effects.why),
        "avoid_medication": (r.avoid_medication.score, r.avoid_medication.why),
        "drive_myself": (r.drive_myself.score, r.drive_myself.why),
        "few_visits": (few, f"{visits.low}–{visits.high} visit days for the first course."),
    }


CostSpan = tuple[float, float]  # the cheapest and dearest known out-of-pocket midpoints


def cost_span(out_of_pockets: list[IntRange | None]) -> CostSpan | None:
    """The range of the options' first-year out-of-pocket midpoints (None: no price known)."""
    mids = [(r.low + r.high) / 2 for r in out_of_pockets if r is not None]
    return (min(mids), max(mids)) if mids else None


def cost_score(out_of_pocket: IntRange | None, span: CostSpan | None) -> tuple[float, str]:
    """The low-cost score of the first 12 months out of pocket (maintenance included, so like
    is compared with like), relative to the other options (cheapest 1, dearest 0).

    An unknown price is never neutral: it counts as the dearest until the clinic gives one.
    (An "unlikely" coverage already shows as the whole list price out of pocket.)
    """
    if out_of_pocket is None or span is None:
        return (
            0.0,
            "Cost is not known, so it counts as the costliest until the clinic gives a price.",
        )
    mid = (out_of_pocket.low + out_of_pocket.high) / 2
    cheapest, dearest = span
    score = 1.0 if dearest <= cheapest else _scaled(mid, cheapest, dearest)
    return (
        score,
        f"Estimated out of pocket ${out_of_pocket.low:,}–${out_of_pocket.high:,} in the first "
        "12 months (with any maintenance), compared with the other options.",
    )


@dataclass(frozen=True)
class Weights:
    """The person's weight per preference, and the preferences in order of importance."""

    by_key: dict[str, int]
    total: int
    order: list[str]


def weights_for(prefs: Preferences, scales: Scales) -> Weights:
    """Unrated preferences take the default weight; all-zero reads as all equal."""
    raw = {k: getattr(prefs, k) for k in PREFERENCE_KEYS}
    by_key = {k: (scales.default_weight if w is None else w) for k, w in raw.items()}
    if sum(by_key.values()) == 0:  # "nothing matters" is read as "everything matters equally"
        by_key = dict.fromkeys(by_key, 1)
    order = sorted(
        (k for k in PREFERENCE_KEYS if by_key[k] > 0),
        key=lambda k: (-by_key[k], PREFERENCE_KEYS.index(k)),
    )
    return Weights(by_key, sum(by_key.values()), order)


def compute_fit(weights: Weights, scores: dict[str, tuple[float, str]]) -> Fit:
    """Weighted mean of attribute scores by the person's 0..4 weights, as 0..100."""
    w = weights.by_key
    score = round(100 * sum(w[k] * scores[k][0] for k in PREFERENCE_KEYS) / weights.total)
    strengths = [k for k in weights.order if scores[k][0] >= 0.6][:2]
    weaknesses = [k for k in weights.order if scores[k][0] <= 0.4][:2]
    reasons = [
        f"Good for {LABELS[k]} (matters {w[k]}/4 to you): {scores[k][1]}" for k in strengths
    ] + [f"Weaker on {LABELS[k]} (matters {w[k]}/4 to you): {scores[k][1]}" for k in weaknesses]
    return Fit(score, reasons)
