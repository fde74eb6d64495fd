"""The workspace router: every page under /workspace, split into modules by use case."""

from __future__ import annotations

from fastapi import APIRouter

from trdnav.web.workspace import account, audit_log, inbox, patients, signin, staff

router = APIRouter()
for module in (signin, account, inbox, patients, audit_log, staff):
    router.include_router(module.router)
