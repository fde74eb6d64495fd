"""Security hardening (issue 14): a keyed audit chain and a guard against TRUNCATE.

Revision ID: s001
Revises: x001
Create Date: 2026-11-24

Audit entries gain `key_id`: the id of the HMAC key (kept outside the database) that signs the
entry. Entries written before this revision keep `key_id` NULL: they were hashed with plain
SHA-256 and `trdnav audit verify` reports them as such ("legacy, unkeyed") instead of
pretending they were signed. PostgreSQL's TRUNCATE skips row triggers, so a statement trigger
refuses it on the audit tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s001"
down_revision: str | Sequence[str] | None = "x001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GUARDED = ("ws_audit_events", "ws_audit_head")


def upgrade() -> None:
    op.add_column("ws_audit_events", sa.Column("key_id", sa.String(16), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ws_no_truncate() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME; END $$"
        )
        for table in _GUARDED:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION ws_no_truncate()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ws_no_truncate()")
    with op.batch_alter_table("ws_audit_events") as batch:
        batch.drop_column("key_id")
