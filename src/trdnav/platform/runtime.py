"""What a running process needs, built once from Settings: database, clinic, assessment engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine as DbEngine
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified

from trdnav.domain.assessment import Engine
from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.evidence.loader import default_evidence
from trdnav.platform import audit_anchor
from trdnav.platform.clinics import DEMO_CLINIC, ensure_clinic, load_clinic
from trdnav.platform.install_secret import ensure_secret
from trdnav.platform.settings import DEV_SECRET, Settings
from trdnav.storage import sealed
from trdnav.storage.db import make_engine, session_factory, upgrade
from trdnav.storage.models import User


@dataclass
class Runtime:
    settings: Settings
    database: DbEngine
    # Units of work (SQLAlchemy sessions): `with rt.db.begin() as db: ...`.
    db: sessionmaker[Session]
    clinic: ClinicConfig
    clinic_id: int
    engine: Engine

    def close(self) -> None:
        self.database.dispose()


def build_runtime(settings: Settings, *, migrate: bool = True) -> Runtime:
    """Open the database (upgrading it), register the clinic and load the evidence."""
    clinic = load_clinic(settings.clinic_config or DEMO_CLINIC)
    ensure_secret(settings)
    # An install that ran with the old public development key: its seeds still open, once.
    legacy = (DEV_SECRET,) if settings._generated_secret is not None else ()
    sealed.configure(settings.secret_key.get_secret_value(), *legacy)
    audit_anchor.configure_from(settings)
    database = make_engine(settings.database_url)
    if migrate:
        upgrade(database)
    units = session_factory(database)
    with units.begin() as db:
        clinic_id = ensure_clinic(db, clinic, datetime.now(UTC)).id
        if legacy:
            _reseal(db)
    engine = Engine(default_evidence(), clinic)
    return Runtime(settings, database, units, clinic, clinic_id, engine)


def _reseal(db: Session) -> None:
    """Seal again, with the current key, every TOTP seed sealed with an older one."""
    rows = db.execute(
        select(User.id, cast(User.totp_secret, String)).where(User.totp_secret.is_not(None))
    ).all()
    for user_id, stored in rows:
        if sealed.needs_resealing(stored):
            user = db.get(User, user_id)
            if user is not None and user.totp_secret is not None:
                flag_modified(user, "totp_secret")
