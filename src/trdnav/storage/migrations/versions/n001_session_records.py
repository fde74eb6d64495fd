"""Session records (append-only versions), REMS enrolments and REMS monitoring forms (issue 9).

Revision ID: n001
Revises: a001
Create Date: 2026-11-24

The chain x001 → s001 → e001 → a001 → n001 → m001 is fixed in advance.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trdnav.storage.types import UTCDateTime

revision: str = "n001"
down_revision: str | Sequence[str] | None = "a001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(name: str, target: str, nullable: bool = False, **kw: object) -> sa.Column:  # type: ignore[type-arg]
    kind = sa.Integer if target in ("clinics.id", "ws_users.id") else sa.String(36)
    return sa.Column(name, kind, sa.ForeignKey(target), nullable=nullable, **kw)  # type: ignore[arg-type]


def upgrade() -> None:
    op.create_table(
        "session_records",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("clinic_id", "clinics.id"),
        _fk("session_id", "course_sessions.id"),
        _fk("course_id", "courses.id"),
        _fk("patient_id", "ws_patients.id", index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=False),
        sa.Column("dose_mg", sa.Float, nullable=True),
        sa.Column("mt_measured", sa.Boolean, nullable=False),
        sa.Column("discharged_at", UTCDateTime(), nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        _fk("recorded_by", "ws_users.id"),
        sa.Column("reason", sa.Text, nullable=True),
    )
    op.create_index(
        "ux_session_records_version", "session_records", ["session_id", "version"], unique=True
    )
    op.create_index(
        "ix_session_records_clinic_time", "session_records", ["clinic_id", "delivered_at"]
    )
    op.create_table(
        "rems_enrolments",
        _fk("patient_id", "ws_patients.id", primary_key=True),
        _fk("clinic_id", "clinics.id"),
        sa.Column("enrolled_on", sa.Date, nullable=False),
        sa.Column("rems_patient_id", sa.String(40), nullable=True),
        _fk("recorded_by", "ws_users.id"),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "rems_forms",
        _fk("session_id", "course_sessions.id", primary_key=True),
        _fk("clinic_id", "clinics.id"),
        _fk("patient_id", "ws_patients.id", index=True),
        sa.Column("session_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        _fk("submitted_by", "ws_users.id", nullable=True),
        sa.Column("reference", sa.String(80), nullable=True),
    )
    op.create_index("ix_rems_forms_queue", "rems_forms", ["clinic_id", "submitted_at", "due_on"])


def downgrade() -> None:
    op.drop_table("rems_forms")
    op.drop_table("rems_enrolments")
    op.drop_index("ix_session_records_clinic_time", "session_records")
    op.drop_index("ux_session_records_version", "session_records")
    op.drop_table("session_records")
