"""Request-scoped access to the process runtime and a database session."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from trdnav.platform.runtime import Runtime


def runtime(request: Request) -> Runtime:
    """The runtime built at start-up."""
    rt: Runtime = request.app.state.runtime
    return rt


def db_session(request: Request) -> Iterator[Session]:
    """A session for one request; services decide when to commit."""
    with runtime(request).sessions() as session:
        yield session
