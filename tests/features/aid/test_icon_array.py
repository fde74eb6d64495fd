"""Icon arrays draw exactly the people they say: per kind, the rectangles cover that many cells."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from trdnav.features.aid.icon_array import Counts, pair, svg, svg_compact

CELL = 10 * 14  # one figure's cell (width x height)


def _people(drawing: str, *, right_of: int | None = None) -> dict[str, int]:
    """Figures per kind; with `right_of`, only rectangles starting at or right of that x."""
    out = {"low": 0, "range": 0, "none": 0}
    for attrs, kind in re.findall(r"<rect([^>]*) fill=\"url\(#ia-(\w+)\)\"/>", drawing):
        x = int(m.group(1)) if (m := re.search(r"x=(\d+)", attrs)) else 0
        if right_of is not None and x < right_of:
            continue
        w = int(re.search(r"width=(\d+)", attrs).group(1))  # type: ignore[union-attr]
        h = int(re.search(r"height=(\d+)", attrs).group(1))  # type: ignore[union-attr]
        out[kind] += w * h // CELL
    return out


counts = st.tuples(st.integers(0, 100), st.integers(0, 100)).map(lambda t: Counts(min(t), max(t)))


@given(counts)
def test_an_array_shows_low_then_the_uncertain_part_then_the_rest(c: Counts) -> None:
    expected = {"low": c.low, "range": c.high - c.low, "none": 100 - c.high}
    assert _people(svg_compact(c)) == expected
    # The PDF's drawing carries its own patterns and draws the same people.
    pdf = svg(c)
    assert "<pattern" in pdf
    assert _people(pdf.split("</defs>", 1)[1]) == expected


@given(counts, counts)
def test_a_pair_draws_treated_left_and_control_right(treated: Counts, control: Counts) -> None:
    drawing = pair(treated, control)
    both = _people(drawing)
    right = _people(drawing, right_of=102)
    assert right == {
        "low": control.low,
        "range": control.high - control.low,
        "none": 100 - control.high,
    }
    assert {k: both[k] - right[k] for k in both} == {
        "low": treated.low,
        "range": treated.high - treated.low,
        "none": 100 - treated.high,
    }
