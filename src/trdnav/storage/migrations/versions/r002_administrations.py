"""Administrations: every PHQ-9/GAD-7 of a patient is a row; the baseline columns go.

The patient row kept one "baseline" PHQ-9 (items, total, source) and a reported age beside the
screening answer for age. Scores over time need their own table, and one fact must live in one
place: existing baselines become administrations (dated when the record was last updated, the
best we know), and the reported age stays only as the screening answer `age`.

Revision ID: r002
Revises: r001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trdnav.storage.types import UTCDateTime

revision: str = "r002"
down_revision: str | Sequence[str] | None = "r001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ws_administrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "patient_id", sa.String(36), sa.ForeignKey("ws_patients.id"), nullable=False, index=True
        ),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id"), nullable=False, index=True),
        sa.Column("instrument", sa.String(16), nullable=False),
        sa.Column("items", sa.JSON, nullable=True),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("administered_at", UTCDateTime(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("entered_by", sa.Integer, sa.ForeignKey("ws_users.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.execute(
        """
        INSERT INTO ws_administrations
            (patient_id, clinic_id, instrument, items, total, administered_at, source, created_at)
        SELECT id, clinic_id, 'phq9', baseline_phq9_items, baseline_phq9_total, updated_at,
               COALESCE(baseline_phq9_source, 'reported'), updated_at
        FROM ws_patients WHERE baseline_phq9_total IS NOT NULL
        """
    )
    with op.batch_alter_table("ws_patients") as batch:
        batch.drop_column("baseline_phq9_items")
        batch.drop_column("baseline_phq9_total")
        batch.drop_column("baseline_phq9_source")
        batch.drop_column("age_reported")


def downgrade() -> None:
    with op.batch_alter_table("ws_patients") as batch:
        batch.add_column(sa.Column("age_reported", sa.Integer, nullable=True))
        batch.add_column(sa.Column("baseline_phq9_source", sa.String(16), nullable=True))
        batch.add_column(sa.Column("baseline_phq9_total", sa.Integer, nullable=True))
        batch.add_column(sa.Column("baseline_phq9_items", sa.JSON, nullable=True))
    op.drop_table("ws_administrations")
