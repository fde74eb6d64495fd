"""The synthetic clinic (`trdnav demo seed-outcomes`) and the set-based outcome refresh agree
with the contract's definition computed row by row in Python."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from typer.testing import CliRunner

from trdnav.cli import app as cli
from trdnav.features.measurement import outcomes
from trdnav.features.measurement.seed import seed_outcomes
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Administration, Course, CourseSession


def _by_definition(runtime: Runtime) -> dict[str, tuple[int, int, int]]:
    """(courses, responses, remissions) per option, straight from the contract's words."""
    with runtime.db() as db:
        courses = {c.id: c for c in db.scalars(select(Course)) if c.status == "completed"}
        first: dict[str, object] = {}
        for s in db.scalars(select(CourseSession)):
            if s.status != "cancelled" and (
                s.course_id not in first or s.starts_at < first[s.course_id]
            ):  # type: ignore[operator]
                first[s.course_id] = s.starts_at
        scores = defaultdict(list)
        for a in db.scalars(select(Administration).where(Administration.instrument == "phq9")):
            if a.course_id in courses and a.administered_at is not None:
                scores[a.course_id].append(a)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for cid, rows in scores.items():
        start = first[cid]
        before = sorted(
            (a for a in rows if a.administered_at <= start), key=lambda a: (a.administered_at, a.id)
        )  # type: ignore[operator]
        after = sorted(
            (a for a in rows if a.administered_at > start), key=lambda a: (a.administered_at, a.id)
        )  # type: ignore[operator]
        if not before or not after:
            continue
        base, end = before[-1].total, after[-1].total
        row = out[courses[cid].option]
        row[0] += 1
        row[1] += int(base > 0 and end * 2 <= base)
        row[2] += int(end < 5)
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def test_seeded_clinic_matches_the_definition(runtime: Runtime) -> None:
    done = seed_outcomes(runtime.db, runtime.clinic_id, 1_600, seed=3)
    assert done.administrations == 1_600 and done.courses == 200
    with runtime.db() as db:
        rows = outcomes.dashboard(db, runtime.clinic_id, runtime.engine.evidence)
    got = {
        r.option: (r.courses, r.response.successes, r.remission.successes)
        for r in rows
        if r.courses
    }
    expected = _by_definition(runtime)
    assert got == expected and sum(v[0] for v in got.values()) > 100
    assert any(v[1] for v in got.values()) and any(v[2] for v in got.values())


def test_cli_seeds(database_url: str, runtime: Runtime) -> None:
    result = CliRunner().invoke(
        cli, ["demo", "seed-outcomes", "--administrations", "80", "--database", database_url]
    )
    assert result.exit_code == 0, result.output
    assert "added 10 patients, 10 courses and 80 administrations" in result.output
