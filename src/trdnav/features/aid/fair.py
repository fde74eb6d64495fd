"""Fair numbers (IPDAS): each option's trials next to their control arms, and harms per 100.

Views over the evidence data (no clinical logic): every randomized comparison as a paired icon
array with its time point and design, and harms with one denominator (per 100 people, drawn like
benefits); a harm the source counts per session or infusion keeps that denominator in words and
is not drawn. (The kind of study behind each headline range is `Outcomes.design`.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from markupsafe import Markup

from trdnav.domain.evidence.loader import Evidence
from trdnav.domain.evidence.schema import (
    ComparisonData,
    ComparisonNote,
    HarmData,
    OptionData,
    Rate,
)
from trdnav.domain.results import Range
from trdnav.features.aid.icon_array import Counts, counts, pair, svg, svg_compact


@dataclass(frozen=True)
class ArmPair:
    """One outcome of a comparison: treated and control arm as people out of 100."""

    kind: str  # "response" or "remission"
    treated: Counts
    control: Counts
    svg: Markup  # both arms in one drawing, treated on the left
    unconfirmed: bool


@dataclass(frozen=True)
class Comparison:
    data: ComparisonData
    pairs: tuple[ArmPair, ...]


@dataclass(frozen=True)
class Harm:
    data: HarmData
    per_100: Counts | None
    svg: Markup | None


@dataclass(frozen=True)
class Fair:
    """Everything the comparison and harms rows show for one option."""

    comparisons: tuple[Comparison, ...]
    note: ComparisonNote | None
    harms: tuple[Harm, ...]

    @property
    def source_ids(self) -> set[str]:
        """Every source these rows cite."""
        ids = {sid for c in self.comparisons for sid in c.data.source_ids}
        ids |= {sid for h in self.harms for sid in h.data.source_ids}
        return ids | set(self.note.source_ids if self.note else ())


def _counts(rate: Rate) -> Counts:
    c = counts(Range(low=rate.low, high=rate.high))
    assert c is not None  # a Rate is never unknown
    return c


def _fair(option: OptionData, draw: Callable[[Counts], Markup], pdf: bool) -> Fair:
    comparisons = []
    for comparison in option.comparisons:
        pairs = []
        for arm in comparison.outcomes:
            treated, control = _counts(arm.treated), _counts(arm.control)
            drawing = pair(treated, control, own_defs=pdf)
            pairs.append(ArmPair(arm.kind, treated, control, drawing, arm.unconfirmed))
        comparisons.append(Comparison(comparison, tuple(pairs)))
    harms = []
    for harm in option.harms:
        c = None if harm.per_100_people is None else _counts(harm.per_100_people)
        harms.append(Harm(harm, c, None if c is None else draw(c)))
    return Fair(
        comparisons=tuple(comparisons),
        note=option.comparison_note,
        harms=tuple(harms),
    )


_CACHE: dict[tuple[int, bool], tuple[Evidence, dict[str, Fair]]] = {}


def views(evidence: Evidence, *, pdf: bool = False) -> dict[str, Fair]:
    """Per option id; built once per loaded evidence (the data do not change per person)."""
    key = (id(evidence), pdf)
    hit = _CACHE.get(key)
    if hit is None or hit[0] is not evidence:
        draw = svg if pdf else svg_compact
        hit = (evidence, {oid: _fair(o, draw, pdf) for oid, o in evidence.options.items()})
        _CACHE[key] = hit
    return hit[1]


def cited_sources(
    shown: Mapping[str, object], cited: Iterable[str], evidence: Evidence
) -> dict[str, object]:
    """The result's sources plus the other evidence sources a page cites, by id."""
    out: dict[str, object] = dict(shown)
    for sid in cited:
        if sid in evidence.sources:
            out.setdefault(sid, evidence.sources[sid])
    return dict(sorted(out.items()))
