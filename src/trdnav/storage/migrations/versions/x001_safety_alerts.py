"""Safety alerts: open until a clinician records the follow-up.

Revision ID: x001
Revises: v001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trdnav.storage.types import UTCDateTime

revision: str = "x001"
down_revision: str | Sequence[str] | None = "v001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ws_safety_alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False),
        sa.Column(
            "patient_id", sa.String(36), sa.ForeignKey("ws_patients.id"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.Column("raised_by", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=True),
        sa.Column("follow_up", sa.Text, nullable=True),
    )
    op.create_index("ix_ws_safety_alerts_open", "ws_safety_alerts", ["clinic_id", "closed_at"])


def downgrade() -> None:
    op.drop_table("ws_safety_alerts")
