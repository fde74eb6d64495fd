"""Safety alerts. Thoughts of self-harm always surface crisis resources at once."""

from __future__ import annotations

from trdnav.domain.measures import instruments
from trdnav.domain.measures.instruments import Instrument
from trdnav.domain.requests import AssessmentRequest, SuicidalThoughts
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


SUICIDE_RISK = "suicide_risk"
SUICIDE_RISK_NOT_ASKED = "suicide_risk_not_asked"


def suicide_risk(risk_item: int | None, thoughts: SuicidalThoughts | None) -> Alert | None:
    """THE suicide-risk rule, used by the engine, the aid's pages and the workspace alike.

    `risk_item` is the score (0..3) of the PHQ-9's risk item (item 9, from the instrument's
    data), `thoughts` the answer about thoughts of ending one's life; None means not asked.
    An alert when either is above "none"; urgent with a plan, or with active thoughts and the
    risk item at its highest; and when both are unknown, an alert that asks (unknown is never
    "no concern").
    """
    if (risk_item is not None and risk_item > 0) or thoughts not in (None, "none"):
        active = thoughts in ("active", "active_with_plan")
        urgent = thoughts == "active_with_plan" or (risk_item == 3 and active)
        return Alert(
            code=SUICIDE_RISK,
            urgency="urgent" if urgent else "prompt",
            message=_URGENT if urgent else _PROMPT,
            resources=CRISIS_RESOURCES,
        )
    if risk_item is None and thoughts is None:
        return Alert(
            code=SUICIDE_RISK_NOT_ASKED,
            urgency="routine",
            message=_UNASKED,
            resources=CRISIS_RESOURCES,
        )
    return None


def needs_safety_check(risk_item: int | None, thoughts: SuicidalThoughts | None) -> bool:
    """Whether to ask "Are you safe right now?" before anything else.

    With a plan or intent: the rule's urgent cases, and also the risk item at its highest
    ("nearly every day") whatever else was said, since thoughts that often may hide intent.
    """
    alert = suicide_risk(risk_item, thoughts)
    urgent = alert is not None and alert.urgency == "urgent"
    return urgent or risk_item == 3


def risk_item_score(instrument: Instrument, items: list[int] | None) -> int | None:
    """The score of the instrument's risk item (PHQ-9 item 9), or None when not known."""
    if items is None or instrument.risk_item is None:
        return None
    return items[instrument.risk_item - 1]


def suicide_alerts(request: AssessmentRequest) -> list[Alert]:
    """The engine's alerts for one request (the rule above, on its PHQ-9 and answer)."""
    item = risk_item_score(instruments.get("phq9"), request.phq9_items)
    alert = suicide_risk(item, request.suicidal_thoughts)
    return [] if alert is None else [alert]
