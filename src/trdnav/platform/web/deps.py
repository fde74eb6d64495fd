"""Request-scoped access to the process runtime and a database unit of work."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from trdnav.platform.runtime import Runtime


def runtime(request: Request) -> Runtime:
    """The runtime built at start-up."""
    rt: Runtime = request.app.state.runtime
    return rt


def unit_of_work(request: Request) -> Iterator[Session]:
    """One unit of work (SQLAlchemy session) per request; services decide when to commit."""
    with runtime(request).db() as db:
        yield db
