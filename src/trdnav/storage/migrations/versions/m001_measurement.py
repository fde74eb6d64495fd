"""Measurement-based care (issue 10): administrations linked to a course, self-report links,
each course's outcome row for the dashboard.

Revision ID: m001
Revises: n001
Create Date: 2026-11-24

The chain x001 → s001 → e001 → a001 → n001 → m001 is fixed in advance so that work on each
issue lands without re-chaining.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trdnav.storage.types import UTCDateTime

revision: str = "m001"
down_revision: str | Sequence[str] | None = "n001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ws_administrations") as batch:
        batch.add_column(
            sa.Column(
                "course_id",
                sa.String(36),
                sa.ForeignKey("courses.id", name="fk_ws_administrations_course_id"),
                nullable=True,
            )
        )
        batch.create_index("ix_ws_administrations_course_id", ["course_id"])
    op.create_table(
        "measure_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False, index=True),
        sa.Column(
            "patient_id", sa.String(36), sa.ForeignKey("ws_patients.id"), nullable=False, index=True
        ),
        sa.Column("instrument", sa.String(16), nullable=False),
        sa.Column("course_id", sa.String(36), sa.ForeignKey("courses.id"), nullable=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column(
            "administration_id",
            sa.Integer,
            sa.ForeignKey("ws_administrations.id"),
            nullable=True,
        ),
    )
    op.create_table(
        "measure_course_outcomes",
        sa.Column("course_id", sa.String(36), sa.ForeignKey("courses.id"), primary_key=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
        sa.Column("option", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_on", sa.Date, nullable=False),
        sa.Column("first_at", UTCDateTime(), nullable=True),
        sa.Column("baseline_total", sa.Integer, nullable=True),
        sa.Column("end_total", sa.Integer, nullable=True),
        sa.Column("end_at", UTCDateTime(), nullable=True),
        sa.Column("refreshed_at", UTCDateTime(), nullable=False),
    )
    op.create_index(
        "ix_measure_course_outcomes_clinic",
        "measure_course_outcomes",
        ["clinic_id", "status", "option", "start_on"],
    )
    # Courses that exist already have no linked scores yet: their rows say so (and the ended
    # ones count as dropouts or as not measured from the start).
    op.execute(
        """
        INSERT INTO measure_course_outcomes
            (course_id, clinic_id, option, status, start_on, first_at, refreshed_at)
        SELECT c.id, c.clinic_id, c.option, c.status, c.start_on, MIN(s.starts_at), c.updated_at
        FROM courses c JOIN course_sessions s ON s.course_id = c.id AND s.status <> 'cancelled'
        GROUP BY c.id, c.clinic_id, c.option, c.status, c.start_on, c.updated_at
        """
    )
    op.create_table(
        "measure_outcome_days",
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), primary_key=True),
        sa.Column("option", sa.String(32), primary_key=True),
        sa.Column("start_on", sa.Date, primary_key=True),
        sa.Column("courses", sa.Integer, nullable=False),
        sa.Column("responses", sa.Integer, nullable=False),
        sa.Column("remissions", sa.Integer, nullable=False),
        sa.Column("dropouts", sa.Integer, nullable=False),
        sa.Column("not_measured", sa.Integer, nullable=False),
    )
    op.execute(
        """
        INSERT INTO measure_outcome_days
            (clinic_id, option, start_on, courses, responses, remissions, dropouts, not_measured)
        SELECT clinic_id, option, start_on, 0, 0, 0,
               SUM(CASE WHEN status = 'discontinued' THEN 1 ELSE 0 END),
               SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END)
        FROM measure_course_outcomes WHERE status IN ('completed', 'discontinued')
        GROUP BY clinic_id, option, start_on
        """
    )


def downgrade() -> None:
    op.drop_table("measure_outcome_days")
    op.drop_table("measure_course_outcomes")
    op.drop_table("measure_links")
    with op.batch_alter_table("ws_administrations") as batch:
        batch.drop_index("ix_ws_administrations_course_id")
        batch.drop_column("course_id")
