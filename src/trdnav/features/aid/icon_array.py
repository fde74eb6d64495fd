"""Icon arrays of 100 people as compact inline SVG, with their text alternative.

Filled figures: the low end of the reported range. Lighter figures: the uncertain part, up to
the high end. Outlined figures: the rest.

Two drawings of the same array: on web pages each group is at most three rectangles filled
with a figure pattern defined once per page (`DEFS`), which keeps a results page with twelve
arrays small; the PDF gets self-contained paths (`svg`), since WeasyPrint draws each inline
SVG on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from trdnav.domain.results import Range

_COLS = 10
_W, _H = 10, 14  # cell size
_FILL = {"low": "#083f78", "range": "#8fb4dd", "none": "#ffffff"}
_STROKE = {"low": "#083f78", "range": "#083f78", "none": "#5b6671"}


@dataclass(frozen=True)
class Counts:
    low: int
    high: int

    @property
    def same(self) -> bool:
        return self.low == self.high


def counts(rate: Range | None) -> Counts | None:
    """A rate range as whole people out of 100 (None stays unknown)."""
    if rate is None:
        return None
    low = round(rate.low * 100)
    high = max(low, round(rate.high * 100))
    return Counts(low, high)


def _figure(i: int) -> str:
    x = (i % _COLS) * _W + 2
    y = (i // _COLS) * _H + 1
    # A head and a body: a pictogram readable at 9 px wide.
    return f"M{x + 1.5} {y}h3v3h-3zM{x} {y + 4}h6v7h-6z"


def svg(c: Counts) -> Markup:
    """The 10 x 10 array; decorative for assistive technology (the text beside it says it all)."""
    groups = {"low": range(0, c.low), "range": range(c.low, c.high), "none": range(c.high, 100)}
    paths = "".join(
        f'<path fill="{_FILL[k]}" stroke="{_STROKE[k]}" stroke-width=".8" '
        f'd="{"".join(_figure(i) for i in idx)}"/>'
        for k, idx in groups.items()
        if len(idx)
    )
    return Markup(
        f'<svg class="icon-array" viewBox="0 0 {_COLS * _W + 2} {10 * _H + 1}" '
        f'aria-hidden="true" focusable="false">{paths}</svg>'
    )


def _pattern(kind: str) -> str:
    return (
        f'<pattern id="ia-{kind}" width="{_W}" height="{_H}" patternUnits="userSpaceOnUse">'
        f'<path fill="{_FILL[kind]}" stroke="{_STROKE[kind]}" stroke-width=".8" '
        f'd="{_figure(0)}"/></pattern>'
    )


DEFS = Markup(
    '<svg class="ia-defs" aria-hidden="true" focusable="false"><defs>'
    + "".join(_pattern(k) for k in _FILL)
    + "</defs></svg>"
)


def _rects(start: int, end: int) -> list[tuple[int, int, int, int]]:
    """Cells start..end-1 (row-major, 10 a row) as at most three (x, y, w, h) rectangles."""
    out: list[tuple[int, int, int, int]] = []
    i = start
    while i < end:
        row, col = divmod(i, _COLS)
        if col == 0 and end - i >= _COLS:
            rows = (end - i) // _COLS
            out.append((0, row * _H, _COLS * _W, rows * _H))
            i += rows * _COLS
        else:
            n = min(_COLS - col, end - i)
            out.append((col * _W, row * _H, n * _W, _H))
            i += n
    return out


def svg_compact(c: Counts) -> Markup:
    """The array drawn with the page's figure patterns (needs `DEFS` once on the page)."""
    spans = {"low": (0, c.low), "range": (c.low, c.high), "none": (c.high, 100)}
    rects = "".join(
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="url(#ia-{k})"/>'
        for k, (a, b) in spans.items()
        for x, y, w, h in _rects(a, b)
    )
    return Markup(
        f'<svg class="icon-array" viewBox="0 0 {_COLS * _W + 2} {10 * _H + 1}" '
        f'aria-hidden="true" focusable="false">{rects}</svg>'
    )
