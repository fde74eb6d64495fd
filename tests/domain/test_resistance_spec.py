"""Spec table for treatment-resistance counting (contract: adequate + no/partial response)."""

from __future__ import annotations

import pytest

from tests.domain.helpers import assess, request


def t(adequate: bool | None, outcome: str | None) -> dict[str, object]:
    return {"name": "drug", "adequate": adequate, "outcome": outcome}


ROWS = [
    # trials, failed adequate, intolerant, meets TRD
    ([], 0, 0, False),
    ([t(True, "no_response")], 1, 0, False),
    ([t(True, "no_response"), t(True, "partial_response")], 2, 0, True),
    ([t(False, "no_response"), t(True, "no_response")], 1, 0, False),  # inadequate does not count
    (
        [t(None, "no_response"), t(True, "no_response")],
        1,
        0,
        False,
    ),  # unknown adequacy does not count
    ([t(True, "response"), t(True, "no_response")], 1, 0, False),
    ([t(True, "intolerable"), t(False, "intolerable")], 0, 2, False),
    ([t(True, "no_response"), t(True, "no_response"), t(True, "intolerable")], 2, 1, True),
    ([t(True, None), t(True, "no_response")], 1, 0, False),
]


@pytest.mark.parametrize(("trials", "failed", "intolerant", "trd"), ROWS)
def test_resistance(
    trials: list[dict[str, object]], failed: int, intolerant: int, trd: bool
) -> None:
    r = assess(request(antidepressant_trials=trials)).treatment_resistance
    assert (r.failed_adequate_trials, r.intolerant_trials, r.meets_trd_definition) == (
        failed,
        intolerant,
        trd,
    )
    assert r.history_known is True


def test_unreported_history_is_marked_unknown() -> None:
    r = assess(request(antidepressant_trials=None)).treatment_resistance
    assert (r.failed_adequate_trials, r.meets_trd_definition, r.history_known) == (0, False, False)
