"""Signing in, the staff member's own account, and the admin's staff page."""

from __future__ import annotations

from fastapi import APIRouter

from trdnav.features.accounts.routes import account, admin, signin, staff

router = APIRouter()
for _module in (signin, account, staff, admin):
    router.include_router(_module.router)
