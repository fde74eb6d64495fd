"""Spec table for the suicide-risk alert: item 9 of the PHQ-9 and reported thoughts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.helpers import assess, request


def items(item9: int) -> list[int]:
    return [1, 1, 1, 1, 1, 1, 1, 1, item9]


def row(phq9: list[int] | None, thoughts: str | None, expected: tuple[str, str] | None) -> Any:
    item9 = "PHQ-9 omitted" if phq9 is None else f"item 9={phq9[8]}"
    alert = "no alert" if expected is None else " ".join(expected)
    return pytest.param(
        phq9, thoughts, expected, id=f"{item9}, thoughts={thoughts or 'omitted'} -> {alert}"
    )


# A row: PHQ-9 items (or None), suicidal_thoughts, expected (code, urgency) or None.
# fmt: off
ROWS = [
    row(items(0), "none",             None),
    row(items(1), "none",             ("suicide_risk", "prompt")),
    row(items(2), None,               ("suicide_risk", "prompt")),
    row(items(3), None,               ("suicide_risk", "prompt")),
    row(items(0), "passive",          ("suicide_risk", "prompt")),
    row(items(0), "active",           ("suicide_risk", "prompt")),
    row(items(2), "active",           ("suicide_risk", "prompt")),
    row(items(3), "active",           ("suicide_risk", "urgent")),             # item 9 of 3 with active thoughts
    row(items(3), "passive",          ("suicide_risk", "prompt")),
    row(items(0), "active_with_plan", ("suicide_risk", "urgent")),
    row(None,     "active_with_plan", ("suicide_risk", "urgent")),
    row(None,     "none",             None),
    row(items(0), None,               None),
    row(None,     None,               ("suicide_risk_not_asked", "routine")),  # unknown is never "fine"
]
# fmt: on


@pytest.mark.parametrize(("phq9", "thoughts", "expected"), ROWS)
def test_alert_row(
    phq9: list[int] | None, thoughts: str | None, expected: tuple[str, str] | None
) -> None:
    alerts = assess(request(phq9_items=phq9, phq9_total=None, suicidal_thoughts=thoughts)).alerts
    if expected is None:
        assert alerts == []
        return
    assert [(a.code, a.urgency) for a in alerts] == [expected]
    alert = alerts[0]
    assert "988" in alert.message and "Suicide & Crisis Lifeline" in alert.message
    assert "emergency services" in alert.message
    assert any(r.startswith("988") for r in alert.resources)


# A row: risk item (PHQ-9 item 9) score, thoughts, whether "Are you safe right now?" comes first.
# fmt: off
SAFETY_ROWS = [
    (0,    "none",             False),
    (1,    "passive",          False),
    (2,    "active",           False),
    (None, "active",           False),
    (3,    None,               True),   # thoughts of being better off dead nearly every day
    (3,    "passive",          True),
    (3,    "active",           True),   # the rule's urgent case (intent)
    (0,    "active_with_plan", True),   # a plan
    (None, "active_with_plan", True),
    (None, None,               False),  # not asked: the "not asked" alert, not this step
]
# fmt: on


@pytest.mark.parametrize(("item9", "thoughts", "expected"), SAFETY_ROWS)
def test_safety_check_row(item9: int | None, thoughts: str | None, expected: bool) -> None:
    from trdnav.domain.alerts import needs_safety_check

    assert needs_safety_check(item9, thoughts) is expected  # type: ignore[arg-type]
