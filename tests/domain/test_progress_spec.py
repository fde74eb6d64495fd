"""Spec table for change from baseline (response >=50%, partial 25-50%, remission PHQ-9 < 5)
and the Wilson 95% interval (reference values from Newcombe 1998, Table I)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trdnav.domain.measures import instruments, progress


def row(code: str, baseline: int, current: int, expected: str) -> Any:
    return pytest.param(
        code, baseline, current, expected, id=f"{code} | {baseline} -> {current}: {expected}"
    )


# fmt: off
STATUS = [
    row("phq9", 20, 4,  "remission"),
    row("phq9", 4,  4,  "remission"),         # under 5 whatever the baseline
    row("phq9", 20, 10, "response"),          # exactly 50%
    row("phq9", 20, 11, "partial_response"),  # 45%
    row("phq9", 20, 15, "partial_response"),  # exactly 25%
    row("phq9", 20, 16, "no_response"),       # 20%
    row("phq9", 12, 14, "no_response"),       # worse
    row("gad7", 16, 8,  "response"),          # GAD-7 defines no remission threshold
    row("gad7", 16, 0,  "response"),
    row("gad7", 0,  0,  "no_response"),       # no reduction possible from 0
]
# fmt: on


@pytest.mark.parametrize(("code", "baseline", "current", "expected"), STATUS)
def test_status(code: str, baseline: int, current: int, expected: str) -> None:
    assert progress.status(instruments.get(code), baseline, current) == expected


def test_change_of_the_baseline_itself() -> None:
    ch = progress.change(instruments.get("phq9"), 18, 18, is_baseline=True)
    assert (ch.status, ch.points, ch.percent) == ("baseline", 0, 0.0)
    assert progress.change(instruments.get("phq9"), 0, 3, is_baseline=False).percent is None


# fmt: off
WILSON = [
    (81, 263, 0.2553, 0.3662),  # Newcombe 1998, Table I
    (15, 148, 0.0624, 0.1605),
    (0,  20,  0.0,    0.1611),
    (1,  29,  0.0061, 0.1718),
]
# fmt: on


@pytest.mark.parametrize(("k", "n", "low", "high"), WILSON)
def test_wilson_matches_published_values(k: int, n: int, low: float, high: float) -> None:
    got = progress.wilson(k, n)
    assert got.low == pytest.approx(low, abs=1e-4) and got.high == pytest.approx(high, abs=1e-4)


def test_wilson_without_courses_is_null() -> None:
    assert progress.wilson(0, 0).rate is None and progress.wilson(0, 0).low is None


@given(
    st.integers(min_value=1, max_value=5000).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    )
)
def test_wilson_brackets_the_rate(kn: tuple[int, int]) -> None:
    k, n = kn
    got = progress.wilson(k, n)
    assert got.rate is not None and got.low is not None and got.high is not None
    assert 0.0 <= got.low <= got.rate <= got.high <= 1.0
