"""Jobs in the database: enqueue with a key (never twice), claim with a conditional UPDATE (one
worker wins, on any host), run, mark done. A claim older than the lease is taken over, so a
worker that died mid-job does not lose it. Payloads hold ids only, never health data."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from trdnav.storage.models import Job

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5

Handler = Callable[[dict[str, Any], datetime], None]


def enqueue(
    db: Session, kind: str, payload: dict[str, Any], run_after: datetime, now: datetime, key: str
) -> bool:
    """Add a job in the caller's transaction unless one with this key exists; True if added."""
    if db.scalar(select(Job.id).where(Job.key == key)) is not None:
        return False
    db.add(
        Job(kind=kind, key=key, payload=payload, run_after=run_after, attempts=0, created_at=now)
    )
    return True


def _claim(units: sessionmaker[Session], job_id: int, worker: str, now: datetime) -> bool:
    with units.begin() as db:
        result = db.execute(
            update(Job)
            .where(
                Job.id == job_id,
                Job.done_at.is_(None),
                or_(Job.claimed_at.is_(None), Job.claimed_at < now - LEASE),
            )
            .values(claimed_at=now, claimed_by=worker[:64], attempts=Job.attempts + 1)
        )
        return bool(getattr(result, "rowcount", 0) == 1)


def run_due(
    units: sessionmaker[Session],
    handlers: dict[str, Handler],
    worker: str,
    now: datetime,
    batch: int = 100,
) -> int:
    """Run the due jobs this worker manages to claim; returns how many it completed."""
    with units() as db:
        due = list(
            db.scalars(
                select(Job.id)
                .where(
                    Job.done_at.is_(None),
                    Job.run_after <= now,
                    Job.kind.in_(list(handlers)),
                    Job.attempts < MAX_ATTEMPTS,
                )
                .order_by(Job.run_after, Job.id)
                .limit(batch)
            )
        )
    done = 0
    for job_id in due:
        if not _claim(units, job_id, worker, now):
            continue  # another worker has it
        with units() as db:
            job = db.get(Job, job_id)
            assert job is not None
            kind, payload = job.kind, dict(job.payload)
        try:
            handlers[kind](payload, now)
        except Exception as exc:  # kept for a retry; the message holds no payload
            log.warning("job %s (%s) failed: %s", job_id, kind, type(exc).__name__)
            with units.begin() as db:
                db.execute(
                    update(Job)
                    .where(Job.id == job_id)
                    .values(claimed_at=None, last_error=type(exc).__name__)
                )
            continue
        with units.begin() as db:
            db.execute(update(Job).where(Job.id == job_id).values(done_at=now))
        done += 1
    return done
