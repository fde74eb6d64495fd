"""Courses: clinic settings, resources, courses and sessions, waitlist, API tokens, jobs.

On PostgreSQL the database itself refuses double bookings: exclusion constraints (btree_gist)
on the time range of every occupying session, per resource and per patient. SQLite has no such
constraint; there the booking service checks inside its BEGIN IMMEDIATE transaction.

Revision ID: c001
Revises: r002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trdnav.storage.types import UTCDateTime

revision: str = "c001"
down_revision: str | Sequence[str] | None = "r002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OCCUPYING = "status IN ('booked', 'delivered')"


def upgrade() -> None:
    with op.batch_alter_table("ws_patients") as batch:
        batch.add_column(sa.Column("given_name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("family_name", sa.String(100), nullable=True))
    op.create_table(
        "clinic_settings",
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), primary_key=True),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False, index=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("coil", sa.String(16), nullable=True),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_index("ux_resources_clinic_key", "resources", ["clinic_id", "key"], unique=True)
    op.create_table(
        "courses",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False, index=True),
        sa.Column(
            "patient_id", sa.String(36), sa.ForeignKey("ws_patients.id"), nullable=False, index=True
        ),
        sa.Column("option", sa.String(32), nullable=False),
        sa.Column("template_id", sa.String(64), nullable=False),
        sa.Column("template", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text, nullable=True),
        sa.Column("start_on", sa.Date, nullable=False),
        sa.Column("preferred_time", sa.String(5), nullable=True),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "course_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "course_id", sa.String(36), sa.ForeignKey("courses.id"), nullable=False, index=True
        ),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
        sa.Column(
            "patient_id", sa.String(36), sa.ForeignKey("ws_patients.id"), nullable=False, index=True
        ),
        sa.Column("resource_id", sa.Integer, sa.ForeignKey("resources.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("phase", sa.Integer, nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("makeup_of", sa.String(36), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index(
        "ix_course_sessions_resource_time", "course_sessions", ["resource_id", "starts_at"]
    )
    op.create_index("ix_course_sessions_clinic_time", "course_sessions", ["clinic_id", "starts_at"])
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False, index=True),
        sa.Column(
            "patient_id", sa.String(36), sa.ForeignKey("ws_patients.id"), nullable=False, index=True
        ),
        sa.Column("option", sa.String(32), nullable=False),
        sa.Column("earliest_start", sa.Date, nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("available", sa.JSON, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("course_id", sa.String(36), sa.ForeignKey("courses.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=False, index=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("key", sa.String(200), nullable=True, unique=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("run_after", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_jobs_due", "jobs", ["done_at", "run_after"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for column in ("resource_id", "patient_id"):
            op.execute(
                f"ALTER TABLE course_sessions ADD CONSTRAINT course_sessions_no_overlap_{column}"
                f" EXCLUDE USING gist ({column} WITH =, tstzrange(starts_at, ends_at) WITH &&)"
                f" WHERE ({OCCUPYING})"
            )


def downgrade() -> None:
    for table in (
        "jobs",
        "api_tokens",
        "waitlist_entries",
        "course_sessions",
        "courses",
        "resources",
        "clinic_settings",
    ):
        op.drop_table(table)
    with op.batch_alter_table("ws_patients") as batch:
        batch.drop_column("family_name")
        batch.drop_column("given_name")
