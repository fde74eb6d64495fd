"""One package per capability: its service (owning its transaction), thin routes, forms and
templates. `routers()` gathers every feature's routes for the application factory."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    """Every feature's router, in the order the app mounts them."""
    from trdnav.features.accounts.routes import router as accounts
    from trdnav.features.aid.routes import router as aid
    from trdnav.features.assessments.routes import router as assessments
    from trdnav.features.audit.routes import router as audit
    from trdnav.features.consultations.routes import router as consultations
    from trdnav.features.courses.routes import router as courses
    from trdnav.features.coverage.routes import router as coverage
    from trdnav.features.inbox.routes import router as inbox
    from trdnav.features.records.routes import router as records
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
    ]
