"""Every table of the product, importable from one place (and all registered on `Base.metadata`
as soon as this package is imported, which is what Alembic's autogenerate and tests rely on)."""

from trdnav.storage.models.accounts import (
    Invitation,
    Login,
    Membership,
    RecoveryCode,
    ResetToken,
    User,
)
from trdnav.storage.models.aid import AidDraft
from trdnav.storage.models.alerts import SafetyAlert
from trdnav.storage.models.audit import AuditEvent, AuditHead
from trdnav.storage.models.base import Base
from trdnav.storage.models.coverage import AuthorizationEvent, PriorAuthorization
from trdnav.storage.models.inbox import ConsultationNote, ConsultationTriage
from trdnav.storage.models.jobs import Job
from trdnav.storage.models.measurement import CourseOutcome, MeasureLink, OutcomeDay
from trdnav.storage.models.public import Clinic, ConsultationRequest, IdempotencyKey, RateLimitHit
from trdnav.storage.models.records import (
    Administration,
    CandidacyDecision,
    Diagnosis,
    MedicationTrial,
    Patient,
    PlanChoice,
    RecordChange,
    ScreeningAnswer,
)
from trdnav.storage.models.scheduling import (
    ApiToken,
    ClinicSettings,
    Course,
    CourseSession,
    Resource,
    WaitlistEntry,
)
from trdnav.storage.models.sessions import RemsEnrolment, RemsForm, SessionRecord

__all__ = [
    "Administration",
    "AidDraft",
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "AuthorizationEvent",
    "Base",
    "CandidacyDecision",
    "Clinic",
    "ClinicSettings",
    "ConsultationNote",
    "ConsultationRequest",
    "ConsultationTriage",
    "Course",
    "CourseOutcome",
    "CourseSession",
    "Diagnosis",
    "IdempotencyKey",
    "Invitation",
    "Job",
    "Login",
    "MeasureLink",
    "MedicationTrial",
    "Membership",
    "OutcomeDay",
    "Patient",
    "PlanChoice",
    "PriorAuthorization",
    "RateLimitHit",
    "RecordChange",
    "RecoveryCode",
    "RemsEnrolment",
    "RemsForm",
    "ResetToken",
    "Resource",
    "SafetyAlert",
    "ScreeningAnswer",
    "SessionRecord",
    "User",
    "WaitlistEntry",
]
