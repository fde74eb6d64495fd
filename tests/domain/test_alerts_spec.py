"""Spec table for the suicide-risk alert: item 9 of the PHQ-9 and reported thoughts."""

from __future__ import annotations

import pytest

from tests.domain.helpers import assess, request


def items(item9: int) -> list[int]:
    return [1, 1, 1, 1, 1, 1, 1, 1, item9]


# (PHQ-9 items or None, suicidal_thoughts, expected (code, urgency) or None)
ROWS = [
    (items(0), "none", None),
    (items(1), "none", ("suicide_risk", "prompt")),
    (items(2), None, ("suicide_risk", "prompt")),
    (items(3), None, ("suicide_risk", "prompt")),
    (items(0), "passive", ("suicide_risk", "prompt")),
    (items(0), "active", ("suicide_risk", "prompt")),
    (items(2), "active", ("suicide_risk", "prompt")),
    (items(3), "active", ("suicide_risk", "urgent")),  # item 9 of 3 with active thoughts
    (items(3), "passive", ("suicide_risk", "prompt")),
    (items(0), "active_with_plan", ("suicide_risk", "urgent")),
    (None, "active_with_plan", ("suicide_risk", "urgent")),
    (None, "none", None),
    (items(0), None, None),
    (None, None, ("suicide_risk_not_asked", "routine")),  # unknown is never "fine"
]


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
