"""Icon arrays of 100 people as compact inline SVG, with their text alternative.

Filled figures: the low end of the reported range. Lighter figures: the uncertain part, up to
the high end. Outlined figures: the rest.

Each group is at most three rectangles filled with a figure pattern. Web pages define the
patterns once (`DEFS`), which keeps a results page with twelve arrays small; in the PDF each
array carries its own (`svg`), since each drawing there is a picture of its own. Rectangles
instead of a hundred figure paths also keep the PDF small.
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


# One figure in its cell: a head and a body, a pictogram readable at 9 px wide.
_FIGURE = "M3.5 1h3v3h-3zM2 5h6v7h-6z"


def _pattern(kind: str) -> str:
    return (
        f'<pattern id="ia-{kind}" width="{_W}" height="{_H}" patternUnits="userSpaceOnUse">'
        f'<path fill="{_FILL[kind]}" stroke="{_STROKE[kind]}" stroke-width=".8" '
        f'd="{_FIGURE}"/></pattern>'
    )


_OWN_DEFS = "<defs>" + "".join(_pattern(k) for k in _FILL) + "</defs>"
DEFS = Markup(f'<svg class="ia-defs" aria-hidden="true">{_OWN_DEFS}</svg>')


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


def _rect_markup(c: Counts, dx: int = 0) -> str:
    spans = {"low": (0, c.low), "range": (c.low, c.high), "none": (c.high, 100)}
    # Short markup (a results page draws ~60 arrays): numbers unquoted, as HTML allows, and x
    # and y left out where they are 0, their default.
    return "".join(
        f"<rect{f' x={x + dx}' if x + dx else ''}{f' y={y}' if y else ''} width={w} height={h} "
        f'fill="url(#ia-{k})"/>'
        for k, (a, b) in spans.items()
        for x, y, w, h in _rects(a, b)
    )


_WIDTH, _HEIGHT = _COLS * _W + 2, 10 * _H + 1
_GAP = 12  # between the two arrays of a pair


def _drawing(c: Counts, defs: str) -> Markup:
    return Markup(
        f'<svg class="icon-array" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'aria-hidden="true">{defs}{_rect_markup(c)}</svg>'
    )


def pair(treated: Counts, control: Counts, *, own_defs: bool = False) -> Markup:
    """Two arrays side by side in one drawing (a trial's treated and control arm)."""
    defs = _OWN_DEFS if own_defs else ""
    right = _rect_markup(control, _WIDTH + _GAP)
    return Markup(
        f'<svg class="icon-array ia-pair" viewBox="0 0 {2 * _WIDTH + _GAP} {_HEIGHT}" '
        f'aria-hidden="true">{defs}{_rect_markup(treated)}{right}</svg>'
    )


def svg_compact(c: Counts) -> Markup:
    """The array drawn with the page's figure patterns (needs `DEFS` once on the page)."""
    return _drawing(c, "")


def svg(c: Counts) -> Markup:
    """The array with its own figure patterns, for the PDF (each drawing is read on its own)."""
    return _drawing(c, _OWN_DEFS)
