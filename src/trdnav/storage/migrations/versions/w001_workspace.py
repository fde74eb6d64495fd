"""Workspace: staff accounts, sessions, audit chain, inbox triage, patient records.

Revision ID: w001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trdnav.storage.types import UTCDateTime

revision: str = "w001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _fk(name: str, target: str, nullable: bool = False, index: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target), nullable=nullable, index=index)


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _patient_fk() -> sa.Column[str]:
    return sa.Column(
        "patient_id", sa.String(36), sa.ForeignKey("ws_patients.id"), nullable=False, index=True
    )


def _append_only(table: str) -> None:
    # Defence in depth: the database itself refuses UPDATE and DELETE on the audit trail; the
    # hash chain still catches anyone who drops these triggers first.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ws_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ws_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def upgrade() -> None:
    op.create_table(
        "ws_users",
        _id(),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("totp_secret", sa.String(64)),
        sa.Column("totp_enabled", sa.Boolean, nullable=False),
        sa.Column("totp_last_step", sa.Integer),
        _at("password_changed_at"),
        _at("created_at"),
    )
    op.create_table(
        "ws_memberships",
        _id(),
        _fk("user_id", "ws_users.id", index=True),
        _fk("clinic_id", "clinics.id", index=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.UniqueConstraint("user_id", "clinic_id"),
    )
    op.create_table(
        "ws_recovery_codes",
        _id(),
        _fk("user_id", "ws_users.id", index=True),
        sa.Column("code_hash", sa.String(255), nullable=False),
        _at("used_at", nullable=True),
    )
    op.create_table(
        "ws_sessions",
        _id(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _fk("user_id", "ws_users.id", index=True),
        _fk("clinic_id", "clinics.id", nullable=True),
        sa.Column("mfa_done", sa.Boolean, nullable=False),
        _at("created_at"),
        _at("last_seen_at"),
        _at("expires_at"),
        _at("revoked_at", nullable=True),
    )
    op.create_table(
        "ws_reset_tokens",
        _id(),
        _fk("user_id", "ws_users.id", index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _at("created_at"),
        _at("expires_at"),
        _at("used_at", nullable=True),
    )
    op.create_table(
        "ws_audit_events",
        _id(),
        _at("at"),
        sa.Column("actor_user_id", sa.Integer, index=True),
        sa.Column("actor_email", sa.String(320)),
        sa.Column("role", sa.String(32)),
        sa.Column("clinic_id", sa.Integer, index=True),
        sa.Column("patient_id", sa.String(36), index=True),
        sa.Column("action", sa.String(64), nullable=False, index=True),
        sa.Column("target", sa.String(100)),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("ip", sa.String(64)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_ws_audit_events_at", "ws_audit_events", ["at"])
    _append_only("ws_audit_events")
    op.create_table(
        "ws_audit_head",
        _id(),
        sa.Column("last_id", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.execute(
        "INSERT INTO ws_audit_head (id, last_id, last_hash) VALUES (1, 0, '" + "0" * 64 + "')"
    )
    op.create_table(
        "ws_patients",
        sa.Column("id", sa.String(36), primary_key=True),
        _fk("clinic_id", "clinics.id", index=True),
        sa.Column(
            "consultation_request_id", sa.String(36), sa.ForeignKey("consultation_requests.id")
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("date_of_birth", sa.Date),
        sa.Column("age_reported", sa.Integer),
        sa.Column("sex_at_birth", sa.String(16)),
        sa.Column("email", sa.String(320)),
        sa.Column("phone", sa.String(32)),
        sa.Column("address", sa.Text),
        sa.Column("reported_conditions", sa.JSON),
        sa.Column("baseline_phq9_items", sa.JSON),
        sa.Column("baseline_phq9_total", sa.Integer),
        sa.Column("baseline_phq9_source", sa.String(16)),
        sa.Column("preferences", sa.JSON),
        sa.Column("insurance", sa.JSON),
        sa.Column("logistics", sa.JSON),
        _at("created_at"),
        _at("updated_at"),
    )
    op.create_table(
        "ws_consultation_triage",
        sa.Column(
            "request_id",
            sa.String(36),
            sa.ForeignKey("consultation_requests.id"),
            primary_key=True,
        ),
        _fk("clinic_id", "clinics.id", index=True),
        _fk("assigned_user_id", "ws_users.id", nullable=True),
        sa.Column("patient_id", sa.String(36)),
        _at("updated_at"),
    )
    op.create_table(
        "ws_consultation_notes",
        _id(),
        sa.Column(
            "request_id",
            sa.String(36),
            sa.ForeignKey("consultation_requests.id"),
            nullable=False,
            index=True,
        ),
        _fk("clinic_id", "clinics.id"),
        _fk("author_user_id", "ws_users.id"),
        sa.Column("body", sa.Text, nullable=False),
        _at("created_at"),
    )
    op.create_table(
        "ws_diagnoses",
        _id(),
        _patient_fk(),
        _fk("clinic_id", "clinics.id"),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        _fk("created_by", "ws_users.id", nullable=True),
        _at("created_at"),
    )
    op.create_table(
        "ws_medication_trials",
        _id(),
        _patient_fk(),
        _fk("clinic_id", "clinics.id"),
        sa.Column("drug", sa.String(100), nullable=False),
        sa.Column("dose", sa.String(100)),
        sa.Column("dose_mg_per_day", sa.Float),
        sa.Column("therapeutic_dose", sa.Boolean),
        sa.Column("weeks", sa.Integer),
        sa.Column("adherence", sa.String(16)),
        sa.Column("outcome", sa.String(32)),
        sa.Column("reported_adequate", sa.Boolean),
        sa.Column("source", sa.String(16), nullable=False),
        _at("created_at"),
    )
    op.create_table(
        "ws_screening_answers",
        _id(),
        _patient_fk(),
        _fk("clinic_id", "clinics.id"),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("reported", sa.JSON),
        sa.Column("confirmed", sa.JSON),
        _fk("confirmed_by", "ws_users.id", nullable=True),
        _at("confirmed_at", nullable=True),
        sa.UniqueConstraint("patient_id", "key"),
    )
    op.create_table(
        "ws_candidacy_decisions",
        _id(),
        _patient_fk(),
        _fk("clinic_id", "clinics.id"),
        sa.Column("option_id", sa.String(32), nullable=False),
        sa.Column("engine_candidacy", sa.String(32), nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("overrides_engine", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("evidence_version", sa.String(16), nullable=False),
        _fk("decided_by", "ws_users.id"),
        _at("decided_at"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ws_audit_events_append_only ON ws_audit_events")
        op.execute("DROP FUNCTION IF EXISTS ws_append_only()")
    for table in (
        "ws_candidacy_decisions",
        "ws_screening_answers",
        "ws_medication_trials",
        "ws_diagnoses",
        "ws_consultation_notes",
        "ws_consultation_triage",
        "ws_patients",
        "ws_audit_head",
        "ws_audit_events",
        "ws_reset_tokens",
        "ws_sessions",
        "ws_recovery_codes",
        "ws_memberships",
        "ws_users",
    ):
        op.drop_table(table)
