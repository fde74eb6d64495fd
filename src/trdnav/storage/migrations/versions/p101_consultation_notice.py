"""Consultation requests: whether the clinic's email notice is still to be sent (retries).

Revision ID: p101
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "p101"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only requests received through the API or the aid's form set it; rows made any other way
    # (or before this revision) are never mailed about.
    op.add_column(
        "consultation_requests",
        sa.Column("clinic_notice_pending", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("consultation_requests") as batch:
        batch.drop_column("clinic_notice_pending")
