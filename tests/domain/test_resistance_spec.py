"""Spec table for treatment-resistance counting (contract: adequate + no/partial response)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.helpers import assess, request, trial_word


def t(adequate: bool | None, outcome: str | None) -> dict[str, object]:
    return {"name": "drug", "adequate": adequate, "outcome": outcome}


def row(trials: list[dict[str, object]], failed: int, intolerant: int, trd: bool) -> Any:
    shown = " + ".join(trial_word(one) for one in trials) or "no trials"
    verdict = f"{failed} failed, {intolerant} intolerant, {'TRD' if trd else 'not TRD'}"
    return pytest.param(trials, failed, intolerant, trd, id=f"{shown} -> {verdict}")


# A row: trials, failed adequate, intolerant, meets TRD. t(adequate, outcome) is one trial.
# fmt: off
ROWS = [
    row([],                                                                       0, 0, False),
    row([t(True, "no_response")],                                                 1, 0, False),
    row([t(True, "no_response"), t(True, "partial_response")],                    2, 0, True),
    row([t(False, "no_response"), t(True, "no_response")],                        1, 0, False),  # inadequate does not count
    row([t(None, "no_response"), t(True, "no_response")],                         1, 0, False),  # unknown adequacy does not count
    row([t(True, "response"), t(True, "no_response")],                            1, 0, False),
    row([t(True, "intolerable"), t(False, "intolerable")],                        0, 2, False),
    row([t(True, "no_response"), t(True, "no_response"), t(True, "intolerable")], 2, 1, True),
    row([t(True, None), t(True, "no_response")],                                  1, 0, False),
]
# fmt: on


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
