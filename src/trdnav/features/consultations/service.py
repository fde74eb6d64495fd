"""Consultation requests (contract consultation requests v1): validate, limit, store, notify.

One use case serves the JSON API (clinic websites) and the decision aid's form page. The request
row is committed before anyone is told it was received; the clinic's email goes out afterwards
and carries no health answer, no name and no contact detail: only a link to the workspace.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from trdnav.domain.alerts import SUICIDE_RISK, suicide_alerts
from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.text import NOT_BLANK_TEXT, RequestModel, control_problem
from trdnav.platform import idempotency, ratelimit
from trdnav.platform.errors import InvalidRequest, field_errors
from trdnav.platform.mail import MailError, send_mail
from trdnav.platform.runtime import Runtime
from trdnav.platform.settings import Settings
from trdnav.storage.models import ConsultationRequest

log = logging.getLogger(__name__)

PreferredContact = Literal["email", "phone", "text"]
# A person asks for a consultation once, maybe twice; ten tries in ten minutes from one client
# is a script. Kept generous because a clinic's office may share one address.
LIMIT = ratelimit.RateLimit(limit=10, window=timedelta(minutes=10))
# Invalid attempts count apart, against a looser limit (a script, not a person, sends sixty).
INVALID_LIMIT = ratelimit.RateLimit(limit=60, window=timedelta(minutes=10))
# A notice that failed is retried when a later request is notified (or by `notify_pending`).
RETRY_AFTER = timedelta(minutes=1)
GIVE_UP_AFTER = timedelta(days=7)
RETRY_BATCH = 20
DEFAULT_REGION = "US"

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NOT_BLANK_TEXT
]
Message = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class ConsultationCreate(RequestModel):
    """What a person sends to ask the clinic to contact them."""

    multiline = frozenset({"message"})

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    preferred_contact: PreferredContact | None = None
    message: Message | None = None
    consent_to_contact: bool = Field(json_schema_extra={"const": True})
    assessment: AssessmentRequest | None = None
    # A parent or guardian of someone under 18 (the aid's form asks for it then).
    guardian_name: Name | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return validate_email(value.strip(), check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValueError(f"is not a valid email address ({exc})") from exc

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return e164(value)

    @field_validator("guardian_name", mode="before")
    @classmethod
    def _guardian(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("message")
    @classmethod
    def _message(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("consent_to_contact")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("must be true: the clinic may only contact you with your consent")
        return value


class ConsultationView(BaseModel):
    """What the sender gets back: no health data, no contact details."""

    id: str
    status: str
    received_at: datetime


@dataclass(frozen=True)
class Receipt:
    """The outcome of a submission; `created` is False for an idempotent retry."""

    view: ConsultationView
    created: bool


class RateLimited(Exception):
    """This client sent too many requests; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many consultation requests; retry after {retry_after} s")
        self.retry_after = retry_after


def e164(value: str, region: str = DEFAULT_REGION) -> str:
    """A phone number in E.164 form; raises ValueError when it cannot be one."""
    try:
        number = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("is not a phone number; include the area code") from exc
    if not phonenumbers.is_possible_number(number):
        raise ValueError("is not a complete phone number; check the digits and the area code")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_field(field: str, value: str) -> str | None:
    """The problem with one form field on its own, or None; cross-field rules wait for sending."""
    value = value.strip()
    if problem := control_problem(value):
        return problem
    try:
        if field == "name":
            return None if 0 < len(value) <= 200 else "is required (at most 200 characters)"
        if field == "email" and value:
            ConsultationCreate._email(value)
        elif field == "phone" and value:
            e164(value)
    except ValueError as exc:
        return str(exc)
    return None


MINOR_AGE = 18


def parse(data: Any, *, guardian_for_minors: bool = False) -> ConsultationCreate:
    """Validate a submission; raises InvalidRequest naming every bad field.

    With `guardian_for_minors` (the aid's own form), answers under 18 need a parent or
    guardian's name.
    """
    if not isinstance(data, dict):
        raise InvalidRequest([{"field": "body", "message": "must be a JSON object"}])
    errors: list[dict[str, str]] = []
    payload = None
    try:
        # Strict: JSON's own types (the form builds its data with them too).
        payload = ConsultationCreate.model_validate(data, strict=True)
    except ValidationError as exc:
        errors = field_errors(exc.errors(include_url=False))
    # Cross-field rules look at what was sent, so one round shows every problem at once.
    errors += _contact_errors(_given(data.get("email")), _given(data.get("phone")), data)
    age = (
        (data.get("assessment") or {}).get("age")
        if isinstance(data.get("assessment"), dict)
        else None
    )
    minor = isinstance(age, int) and age < MINOR_AGE
    if guardian_for_minors and minor and not _given(data.get("guardian_name")):
        errors.append(
            {
                "field": "guardian_name",
                "message": "is required for someone under 18: the name of a parent or guardian",
            }
        )
    if errors or payload is None:
        raise InvalidRequest(errors)
    return payload


def _given(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _contact_errors(has_email: bool, has_phone: bool, data: dict[str, Any]) -> list[dict[str, str]]:
    if not (has_email or has_phone):
        return [_need_contact()]
    wanted = data.get("preferred_contact")
    if wanted == "email" and not has_email:
        return [{"field": "preferred_contact", "message": "is email, but no email was given"}]
    if wanted in ("phone", "text") and not has_phone:
        return [{"field": "preferred_contact", "message": f"is {wanted}, but no phone was given"}]
    return []


def _need_contact() -> dict[str, str]:
    return {"field": "email", "message": "is required unless a phone number is given"}


def receive(
    rt: Runtime,
    data: Any,
    *,
    surface: str,
    client: str | None,
    key: str | None,
    now: datetime,
) -> Receipt:
    """The whole use case: validate, replay a retry, else rate-limit and store durably.

    Invalid submissions (422) are counted in a bucket of their own: ten typos do not use up the
    requests a person may send, and a script sending garbage is still stopped (429).
    """
    key = idempotency.check_key(key)
    scope = f"consultation-requests:{surface}"
    secret = rt.settings.secret_key.get_secret_value()
    try:
        payload = parse(data, guardian_for_minors=surface == "form")
    except InvalidRequest:
        invalid_bucket = ratelimit.client_bucket(secret, f"consult-invalid-{surface}", client)
        with rt.db.begin() as db:
            decision = ratelimit.hit(db, invalid_bucket, INVALID_LIMIT, now)
        if not decision.allowed:
            raise RateLimited(decision.retry_after) from None
        raise
    fingerprint = idempotency.request_hash(data) if key else ""
    bucket = ratelimit.client_bucket(secret, f"consult-{surface}", client)
    with rt.db.begin() as db:
        # A retry of a stored request is answered before the rate limit: it creates nothing.
        stored = idempotency.lookup(db, scope, key, fingerprint, now) if key else None
        if stored is not None:
            return Receipt(ConsultationView.model_validate_json(stored.body), created=False)
        decision = ratelimit.hit(db, bucket, LIMIT, now)  # committed on its own, before storing
    if not decision.allowed:
        raise RateLimited(decision.retry_after)
    try:
        return _store(rt, payload, scope, key, fingerprint, now)
    except IntegrityError:
        if not key:
            raise
        # Another worker stored the same key between our look-up and our insert.
        return _store(rt, payload, scope, key, fingerprint, now)


def urgency_of(answers: AssessmentRequest | None) -> str | None:
    """The suicide-risk urgency of the answers (the one domain rule): urgent, prompt or None."""
    if answers is None:
        return None
    found = [a.urgency for a in suicide_alerts(answers) if a.code == SUICIDE_RISK]
    return found[0] if found else None


def _store(
    rt: Runtime,
    payload: ConsultationCreate,
    scope: str,
    key: str | None,
    fingerprint: str,
    now: datetime,
) -> Receipt:
    with rt.db.begin() as db:
        if key:
            stored = idempotency.lookup(db, scope, key, fingerprint, now)
            if stored is not None:
                return Receipt(ConsultationView.model_validate_json(stored.body), created=False)
        answers = payload.assessment
        row = ConsultationRequest(
            id=str(uuid.uuid4()),
            clinic_id=rt.clinic_id,
            status="new",
            name=payload.name,
            email=payload.email,
            phone=payload.phone,
            preferred_contact=payload.preferred_contact,
            message=payload.message,
            consent_to_contact=True,
            assessment=answers.model_dump(mode="json", exclude_none=True) if answers else None,
            evidence_version=rt.engine.evidence.version if answers else None,
            received_at=now,
            updated_at=now,
            clinic_notice_pending=True,
            urgency=urgency_of(answers),
            guardian_name=payload.guardian_name,
        )
        db.add(row)
        view = ConsultationView(id=row.id, status=row.status, received_at=now)
        if key:
            response = idempotency.StoredResponse(201, view.model_dump_json())
            idempotency.remember(db, scope, key, fingerprint, response, now)
    return Receipt(view, created=True)


def workspace_link(settings: Settings, request_id: str) -> str:
    """Where staff open the request (the workspace owns this path)."""
    return f"{settings.base_url.rstrip('/')}/workspace/consultations/{request_id}"


def clinic_email(
    settings: Settings, clinic: ClinicConfig, view: ConsultationView, urgency: str | None = None
) -> tuple[str, str]:
    """Subject and body of the clinic's notice: a link, a time and the urgency, nothing else.

    "Urgent" says only that the answers raised the urgent suicide-risk alert; never why.
    """
    local = view.received_at.astimezone(ZoneInfo(clinic.time_zone))
    when = local.strftime("%Y-%m-%d %H:%M %Z")
    urgent = urgency == "urgent"
    body = (
        ("URGENT: please open this request as soon as possible.\n\n" if urgent else "")
        + "A new consultation request arrived through TRD Navigator.\n\n"
        f"Received: {when} ({clinic.time_zone})\n"
        f"Open it in the workspace (sign-in required):\n{workspace_link(settings, view.id)}\n\n"
        "For privacy this message holds no details of the person; they are in the workspace.\n"
    )
    subject = "URGENT: new consultation request" if urgent else "New consultation request"
    return subject, body


def _set_pending(rt: Runtime, request_id: str, *, was: bool, now_pending: bool) -> bool:
    with rt.db.begin() as db:
        result = db.execute(
            update(ConsultationRequest)
            .where(
                ConsultationRequest.id == request_id,
                ConsultationRequest.clinic_notice_pending.is_(was),
            )
            .values(clinic_notice_pending=now_pending)
        )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def _send_notice(rt: Runtime, view: ConsultationView) -> bool | None:
    """True when sent, False when the mail server failed, None when nothing was owed."""
    # Claim first, in the database: of several workers retrying at once, one sends.
    if not _set_pending(rt, view.id, was=True, now_pending=False):
        return None  # already sent, or another worker is sending it
    with rt.db() as db:
        urgency = db.scalar(
            select(ConsultationRequest.urgency).where(ConsultationRequest.id == view.id)
        )
    subject, body = clinic_email(rt.settings, rt.clinic, view, urgency)
    try:
        send_mail(rt.settings, rt.clinic.contact.email, subject, body)
    except MailError as exc:
        _set_pending(rt, view.id, was=False, now_pending=True)  # give it back for a retry
        log.warning("clinic notice for consultation request %s not sent: %s", view.id, exc)
        return False
    return True


def notify_clinic(rt: Runtime, view: ConsultationView, now: datetime | None = None) -> bool:
    """Email the clinic about a stored request, then retry earlier notices that failed.

    Failures are logged without PHI and never raised: the request is already stored.
    """
    now = now or datetime.now(UTC)
    if _send_notice(rt, view) is False:
        return False
    notify_pending(rt, now)
    # Housekeeping off the request path: clients that went quiet leave a few hits behind.
    with rt.db.begin() as db:
        ratelimit.prune(db, now - timedelta(days=1), prefix="consult-")
    return True


def notify_pending(rt: Runtime, now: datetime) -> int:
    """Send notices that failed before (oldest first, stop at the first failure); count sent."""
    with rt.db() as db:
        rows = db.execute(
            select(
                ConsultationRequest.id, ConsultationRequest.status, ConsultationRequest.received_at
            )
            .where(
                ConsultationRequest.clinic_id == rt.clinic_id,
                ConsultationRequest.clinic_notice_pending.is_(True),
                # Leave a fresh request to the worker that just stored it.
                ConsultationRequest.received_at <= now - RETRY_AFTER,
                ConsultationRequest.received_at > now - GIVE_UP_AFTER,
            )
            .order_by(ConsultationRequest.received_at)
            .limit(RETRY_BATCH)
        ).all()
    sent = 0
    for request_id, status, received_at in rows:
        view = ConsultationView(id=request_id, status=status, received_at=received_at)
        outcome = _send_notice(rt, view)
        if outcome is False:
            break  # the mail server is still away; the next request tries again
        sent += outcome is True
    return sent
