"""Seal TOTP seeds at rest: widen the column for the encrypted form.

Existing plain values keep working and are sealed the next time they are written.

Revision ID: w002
Revises: w001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "w002"
down_revision: str | Sequence[str] | None = "w001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return  # SQLite does not enforce VARCHAR lengths; no table rebuild needed
    op.alter_column("ws_users", "totp_secret", type_=sa.String(255), existing_type=sa.String(64))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column("ws_users", "totp_secret", type_=sa.String(64), existing_type=sa.String(255))
