"""Prior-authorization requests and their status history (issue 11).

Revision ID: v001
Revises: c001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trdnav.storage.types import UTCDateTime

revision: str = "v001"
down_revision: str | Sequence[str] | None = "c001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ws_prior_authorizations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False, index=True),
        sa.Column(
            "patient_id", sa.String(36), sa.ForeignKey("ws_patients.id"), nullable=False, index=True
        ),
        sa.Column("option_id", sa.String(32), nullable=False),
        sa.Column("policy_id", sa.String(48), nullable=False),
        sa.Column("payer", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("status_on", sa.Date, nullable=False),
        sa.Column(
            "continuation_of",
            sa.String(36),
            sa.ForeignKey("ws_prior_authorizations.id"),
            nullable=True,
        ),
        sa.Column("requested_units", sa.Integer, nullable=True),
        sa.Column("planned_codes", sa.JSON, nullable=False),
        sa.Column("diagnosis_codes", sa.JSON, nullable=False),
        sa.Column("ordering_clinician", sa.String(200), nullable=True),
        sa.Column("ordering_psychiatrist", sa.Boolean, nullable=True),
        sa.Column("pdmp_checked_on", sa.Date, nullable=True),
        sa.Column("course_start", sa.Date, nullable=True),
        sa.Column("reference_number", sa.String(64), nullable=True),
        sa.Column("authorized_units", sa.Integer, nullable=True),
        sa.Column("period_start", sa.Date, nullable=True),
        sa.Column("period_end", sa.Date, nullable=True),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "ws_authorization_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "authorization_id",
            sa.String(36),
            sa.ForeignKey("ws_prior_authorizations.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("recorded_by", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ws_authorization_events")
    op.drop_table("ws_prior_authorizations")
