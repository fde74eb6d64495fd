"""Schema changes for workspace essentials (issue 15).

Revision ID: e001
Revises: s001
Create Date: 2026-11-24

The chain x001 → s001 → e001 → a001 → n001 → m001 is fixed in advance so that work on each
issue lands without re-chaining; a revision with nothing to change is a no-op.
"""

from collections.abc import Sequence

revision: str = "e001"
down_revision: str | Sequence[str] | None = "s001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
