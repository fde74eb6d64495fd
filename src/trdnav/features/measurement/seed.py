"""A synthetic clinic for the outcomes dashboard at scale: patients, one course each (with its
first session, the one the outcome definition needs), and PHQ-9 administrations linked to the
course: a baseline before the first session, weekly scores and an end score. Every row is
invented (names "Synthetic Patient N", example.invalid addresses); no clinical claim is made by
the made-up trajectories. Bulk inserts in batches; the outcome rows are refreshed at the end."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from trdnav.features.measurement import outcomes
from trdnav.storage.models import Administration, Course, CourseSession, Patient, Resource

SCORES_PER_COURSE = 8  # baseline, six weekly scores, end
BATCH = 5_000


@dataclass(frozen=True)
class Seeded:
    patients: int
    courses: int
    administrations: int
    seconds: float


def _items(rng: random.Random, total: int) -> list[int]:
    """Nine item scores 0..3 summing to `total` (item 9 always 0: no alerts in a synthetic set)."""
    items = [0] * 9
    left = min(total, 24)
    while left:
        i = rng.randrange(8)
        if items[i] < 3:
            items[i] += 1
            left -= 1
    return items


def _batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _analyze(units: sessionmaker[Session]) -> None:
    with units() as db:
        db.execute(text("ANALYZE"))
        db.commit()


def seed_outcomes(
    units: sessionmaker[Session], clinic_id: int, administrations: int, seed: int = 10
) -> Seeded:
    """Add about `administrations` PHQ-9s (in courses of SCORES_PER_COURSE) to the clinic."""
    started = datetime.now(UTC)
    rng = random.Random(seed)
    with units() as db:
        resources = list(
            db.scalars(select(Resource).where(Resource.clinic_id == clinic_id, Resource.active))
        )
    by_option: dict[str, int] = {}
    for res in resources:
        for option in res.options:
            by_option.setdefault(option, res.id)
    options = sorted(by_option)
    if not options:
        raise ValueError("the clinic has no resources to hold the synthetic sessions")
    n_courses = max(1, administrations // SCORES_PER_COURSE)
    # Each course's first session gets its own hour on its resource: no overlap, ever.
    base = (started - timedelta(hours=n_courses + 24 * 70)).replace(
        minute=0, second=0, microsecond=0
    )
    courses: list[dict[str, Any]] = []
    for i in range(n_courses):
        option = options[i % len(options)]
        courses.append(
            {
                "i": i,
                "course": str(uuid.uuid4()),
                "patient": str(uuid.uuid4()),
                "option": option,
                "first": base + timedelta(hours=i),
                "status": rng.choices(["completed", "discontinued", "booked"], [80, 12, 8])[0],
            }
        )
    now = started

    def patients() -> Iterator[dict[str, Any]]:
        for c in courses:
            yield {
                "id": c["patient"],
                "clinic_id": clinic_id,
                "name": f"Synthetic Patient {c['i']}",
                "email": f"synthetic{c['i']}@example.invalid",
                "created_at": now,
                "updated_at": now,
            }

    def course_rows() -> Iterator[dict[str, Any]]:
        for c in courses:
            yield {
                "id": c["course"],
                "clinic_id": clinic_id,
                "patient_id": c["patient"],
                "option": c["option"],
                "template_id": c["option"],
                "template": {},
                "status": c["status"],
                "start_on": c["first"].date(),
                "created_at": now,
                "updated_at": now,
            }

    def sessions() -> Iterator[dict[str, Any]]:
        for c in courses:
            yield {
                "id": str(uuid.uuid4()),
                "course_id": c["course"],
                "clinic_id": clinic_id,
                "patient_id": c["patient"],
                "resource_id": by_option[c["option"]],
                "number": 1,
                "phase": 1,
                "starts_at": c["first"],
                "ends_at": c["first"] + timedelta(minutes=40),
                "status": "delivered",
                "created_at": now,
                "updated_at": now,
            }

    def scores() -> Iterator[dict[str, Any]]:
        for c in courses:
            baseline = rng.randint(12, 24)
            drop = rng.uniform(0.0, 0.9)  # made-up improvement by the end
            for k in range(SCORES_PER_COURSE):
                at = c["first"] - timedelta(days=1) if k == 0 else c["first"] + timedelta(weeks=k)
                share = k / (SCORES_PER_COURSE - 1)
                total = max(0, round(baseline * (1 - drop * share) + rng.uniform(-1.5, 1.5)))
                total = min(total, 24)
                yield {
                    "patient_id": c["patient"],
                    "clinic_id": clinic_id,
                    "instrument": "phq9",
                    "items": _items(rng, total),
                    "total": total,
                    "administered_at": at,
                    "source": "patient" if k else "clinician",
                    "course_id": c["course"],
                    "created_at": now,
                }

    count = 0
    for model, rows in (
        (Patient, patients()),
        (Course, course_rows()),
        (CourseSession, sessions()),
        (Administration, scores()),
    ):
        for batch in _batches(rows):
            with units.begin() as db:
                db.execute(insert(model), batch)
            if model is Administration:
                count += len(batch)
    _analyze(units)  # fresh statistics first: the planner must know the tables are big
    with units.begin() as db:
        outcomes.refresh(db, clinic_id, datetime.now(UTC))
    _analyze(units)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return Seeded(n_courses, n_courses, count, seconds)
