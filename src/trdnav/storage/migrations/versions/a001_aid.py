"""Schema changes for decision aid (issue 12).

Revision ID: a001
Revises: e001
Create Date: 2026-11-24

The chain x001 → s001 → e001 → a001 → n001 → m001 is fixed in advance so that work on each
issue lands without re-chaining; a revision with nothing to change is a no-op.

Decision aid: a consultation request carries the suicide-risk urgency of its answers (the inbox
puts urgent ones on top, the clinic email says "urgent") and a parent or guardian's name for
someone under 18; a draft keeps the idempotency key of the consultation form it leads to, so
Back then Send stores no duplicate.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a001"
down_revision: str | Sequence[str] | None = "e001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consultation_requests") as batch:
        batch.add_column(sa.Column("urgency", sa.String(16), nullable=True))
        batch.add_column(sa.Column("guardian_name", sa.String(200), nullable=True))
    with op.batch_alter_table("aid_drafts") as batch:
        batch.add_column(sa.Column("consultation_key", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("aid_drafts") as batch:
        batch.drop_column("consultation_key")
    with op.batch_alter_table("consultation_requests") as batch:
        batch.drop_column("guardian_name")
        batch.drop_column("urgency")
