"""Safety alerts. Thoughts of self-harm always surface crisis resources at once."""

from __future__ import annotations

from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.results import Alert

CRISIS_RESOURCES: list[str] = [
    "988 Suicide & Crisis Lifeline: call or text 988 (US), any time, free and confidential",
    "Emergency services: call 911 or go to the nearest emergency department",
]

_URGENT = (
    "You told us you have thoughts of ending your life. Please reach help now: call or text 988, "
    "the Suicide & Crisis Lifeline, or call 911 (emergency services) or go to the nearest "
    "emergency department if you might act on these thoughts. You can come back to this later."
)
_PROMPT = (
    "You told us about thoughts of death or of hurting yourself. You do not have to wait: call or "
    "text 988, the Suicide & Crisis Lifeline, any time; in an emergency call 911 (emergency "
    "services). Please tell the clinic about these thoughts."
)
_UNASKED = (
    "We do not know whether there are thoughts of death or self-harm: a clinician should ask. "
    "If you have such thoughts, call or text 988, the Suicide & Crisis Lifeline; in an "
    "emergency call 911 (emergency services)."
)


def suicide_alerts(request: AssessmentRequest) -> list[Alert]:
    """`suicide_risk` when PHQ-9 item 9 > 0 or thoughts are reported; ask when both are unknown."""
    item9 = request.phq9_items[8] if request.phq9_items is not None else None
    thoughts = request.suicidal_thoughts
    if (item9 is not None and item9 > 0) or thoughts not in (None, "none"):
        active = thoughts in ("active", "active_with_plan")
        urgent = thoughts == "active_with_plan" or (item9 == 3 and active)
        return [
            Alert(
                code="suicide_risk",
                urgency="urgent" if urgent else "prompt",
                message=_URGENT if urgent else _PROMPT,
                resources=CRISIS_RESOURCES,
            )
        ]
    if item9 is None and thoughts is None:
        return [
            Alert(
                code="suicide_risk_not_asked",
                urgency="routine",
                message=_UNASKED,
                resources=CRISIS_RESOURCES,
            )
        ]
    return []
