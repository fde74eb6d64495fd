"""Change from baseline and what it means: response, partial response, remission.

Definitions (EVIDENCE §H and §I): response is at least a 50% reduction from baseline, partial
response a 25–50% reduction, remission a total under the instrument's threshold (PHQ-9 under 5)
[PSY-SERV-2020; KROENKE-2001]. Pure: scores in, a verdict out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from trdnav.domain.measures.instruments import RESPONSE_REDUCTION, Instrument

PARTIAL_REDUCTION = 0.25  # partial response: 25–50% reduction (EVIDENCE §I, PSY-SERV-2020)
SOURCE_IDS = ("PSY-SERV-2020", "KROENKE-2001")

Status = Literal["baseline", "remission", "response", "partial_response", "no_response"]
STATUS_LABELS: dict[str, str] = {
    "baseline": "Baseline",
    "remission": "Remission",
    "response": "Response",
    "partial_response": "Partial response",
    "no_response": "No response yet",
}


@dataclass(frozen=True)
class Change:
    """One score against its baseline."""

    baseline: int
    current: int
    status: Status

    @property
    def points(self) -> int:
        """Points of change (negative is better)."""
        return self.current - self.baseline

    @property
    def percent(self) -> float | None:
        """Percent reduction from baseline (None when the baseline is 0)."""
        if self.baseline == 0:
            return None
        return round(100 * (self.baseline - self.current) / self.baseline, 1)


def status(instrument: Instrument, baseline: int, current: int) -> Status:
    """Remission first (it is the stronger statement), then response, partial, none."""
    if instrument.is_remission(current):
        return "remission"
    if instrument.is_response(baseline, current):
        return "response"
    if baseline > 0 and (baseline - current) >= PARTIAL_REDUCTION * baseline:
        return "partial_response"
    return "no_response"


def change(instrument: Instrument, baseline: int, current: int, is_baseline: bool) -> Change:
    """The change of one administration; the baseline itself is labelled as such."""
    verdict: Status = "baseline" if is_baseline else status(instrument, baseline, current)
    return Change(baseline, current, verdict)


def response_line(baseline: int) -> float:
    """The total at or below which a score is a response (50% of baseline)."""
    return baseline * (1 - RESPONSE_REDUCTION)


@dataclass(frozen=True)
class Interval:
    """A proportion with its 95% Wilson score interval (None when there is no denominator)."""

    successes: int
    n: int
    rate: float | None
    low: float | None
    high: float | None


Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> Interval:
    """The Wilson score interval for successes out of n (Wilson 1927); exact at 0 and n."""
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be 0..{n}, got {successes}")
    if n == 0:
        return Interval(0, 0, None, None, None)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(successes, n, p, low, high)
