"""One head: merge the aid, notice and workspace branches; words and drift mended.

- "session" now means only a treatment visit: `aid_sessions` becomes `aid_drafts` (a person's
  unsent questionnaire) and `ws_sessions` becomes `ws_logins` (a staff sign-in).
- The model and the database agree again: screening answers may be unknown (NULL), and the
  sealed TOTP column is 255 characters on SQLite too (w002 widened it on PostgreSQL only).

Revision ID: r001
Revises: p001, p101, w002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "r001"
down_revision: str | Sequence[str] | None = ("p001", "p101", "w002")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rename(old: str, new: str, indexed: tuple[str, ...]) -> None:
    for column in indexed:
        op.drop_index(f"ix_{old}_{column}", table_name=old)
    op.rename_table(old, new)
    for column in indexed:
        op.create_index(f"ix_{new}_{column}", new, [column])


def upgrade() -> None:
    _rename("aid_sessions", "aid_drafts", ("updated_at",))
    _rename("ws_sessions", "ws_logins", ("user_id",))
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("ws_users") as batch:
            batch.alter_column("totp_secret", type_=sa.String(255), existing_nullable=True)


def downgrade() -> None:
    _rename("ws_logins", "ws_sessions", ("user_id",))
    _rename("aid_drafts", "aid_sessions", ("updated_at",))
