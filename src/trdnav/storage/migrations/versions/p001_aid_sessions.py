"""Patient decision aid: anonymous aid sessions.

Revision ID: p001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trdnav.storage.types import UTCDateTime

revision: str = "p001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "aid_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("aid_sessions")
