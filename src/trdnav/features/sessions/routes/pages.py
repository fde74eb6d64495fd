"""Workspace pages for session records (filled in below)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from trdnav.features.accounts.guard import WorkspaceRoute
from trdnav.platform.web.csrf import require_csrf

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
