"""One package per capability: its service, thin routes, forms and templates.

`routers()` gathers every feature's routes for the application factory; `job_handlers()` every
kind of background job a feature queues, for the one jobs runner (`trdnav jobs run`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter

if TYPE_CHECKING:
    from trdnav.platform.jobs import Handler
    from trdnav.platform.runtime import Runtime


def routers() -> list[APIRouter]:
    """Every feature's router, in the order the app mounts them."""
    from trdnav.features.accounts.routes import router as accounts
    from trdnav.features.aid.routes import router as aid
    from trdnav.features.alerts.routes import router as alerts
    from trdnav.features.assessments.routes import router as assessments
    from trdnav.features.audit.routes import router as audit
    from trdnav.features.consultations.routes import router as consultations
    from trdnav.features.courses.routes import router as courses
    from trdnav.features.coverage.routes import router as coverage
    from trdnav.features.fhir.routes import router as fhir
    from trdnav.features.inbox.routes import router as inbox
    from trdnav.features.measurement.routes import router as measurement
    from trdnav.features.records.routes import router as records
    from trdnav.features.sessions.routes import router as sessions
    from trdnav.features.tokens.routes import router as tokens

    return [
        assessments,
        aid,
        consultations,
        accounts,
        inbox,
        records,
        audit,
        courses,
        tokens,
        coverage,
        alerts,
        sessions,
        measurement,
        fhir,
    ]


def job_handlers(rt: Runtime) -> dict[str, Handler]:
    """Every background job kind and its handler, bound to a runtime."""
    from trdnav.features.alerts import service as alerts
    from trdnav.features.courses import reminders
    from trdnav.features.inbox import followup
    from trdnav.features.measurement import links as measure_links

    return {
        reminders.KIND: reminders.handler(rt),
        alerts.NOTICE: alerts.handler(rt),
        measure_links.INVITE: measure_links.handler(rt),
        followup.KIND: followup.handler(rt),
    }
