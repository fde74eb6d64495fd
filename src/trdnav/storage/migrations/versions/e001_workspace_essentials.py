"""Workspace essentials (issue 15): record versions and correction history, chart fields, the
chosen plan, merged records, staff invitations, consult times and first contact.

Revision ID: e001
Revises: s001
Create Date: 2026-11-24

The chain x001 → s001 → e001 → a001 → n001 → m001 is fixed in advance so that work on each
issue lands without re-chaining.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trdnav.storage.types import UTCDateTime

revision: str = "e001"
down_revision: str | Sequence[str] | None = "s001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHART = (
    ("mrn", 32),
    ("insurer", 100),
    ("insurance_member_id", 64),
    ("referring_clinician", 200),
    ("pharmacy", 200),
    ("emergency_contact", 200),
    ("preferred_language", 64),
)


def upgrade() -> None:
    with op.batch_alter_table("ws_patients") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        for name, length in _CHART:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))
        batch.add_column(sa.Column("merged_into_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("merged_at", UTCDateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_ws_patients_merged_into", "ws_patients", ["merged_into_id"], ["id"]
        )
        batch.create_unique_constraint("uq_ws_patients_clinic_mrn", ["clinic_id", "mrn"])
    with op.batch_alter_table("ws_medication_trials") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("ws_consultation_triage") as batch:
        batch.add_column(sa.Column("consult_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("first_contact_at", UTCDateTime(), nullable=True))
    op.create_table(
        "ws_record_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "patient_id", sa.String(36), sa.ForeignKey("ws_patients.id"), nullable=False, index=True
        ),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("target", sa.String(64), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("changed_by", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "ws_plan_choices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "patient_id", sa.String(36), sa.ForeignKey("ws_patients.id"), nullable=False, index=True
        ),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
        sa.Column("option_id", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "ws_invitations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=False, index=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("invited_by", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("ws_invitations")
    op.drop_table("ws_plan_choices")
    op.drop_table("ws_record_changes")
    with op.batch_alter_table("ws_consultation_triage") as batch:
        batch.drop_column("first_contact_at")
        batch.drop_column("consult_at")
    with op.batch_alter_table("ws_medication_trials") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("ws_patients") as batch:
        batch.drop_constraint("uq_ws_patients_clinic_mrn", type_="unique")
        batch.drop_constraint("fk_ws_patients_merged_into", type_="foreignkey")
        for name in ("merged_at", "merged_into_id", *(n for n, _ in reversed(_CHART)), "version"):
            batch.drop_column(name)
