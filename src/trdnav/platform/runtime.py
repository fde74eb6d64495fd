"""What a running process needs, built once from Settings: database, clinic, assessment engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine as DbEngine
from sqlalchemy.orm import Session, sessionmaker

from trdnav.domain.assessment import Engine
from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.evidence.loader import default_evidence
from trdnav.platform.clinics import DEMO_CLINIC, ensure_clinic, load_clinic
from trdnav.platform.settings import Settings
from trdnav.storage import sealed
from trdnav.storage.db import make_engine, session_factory, upgrade


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
    sealed.configure(settings.secret_key.get_secret_value())
    database = make_engine(settings.database_url)
    if migrate:
        upgrade(database)
    units = session_factory(database)
    with units.begin() as db:
        clinic_id = ensure_clinic(db, clinic, datetime.now(UTC)).id
    engine = Engine(default_evidence(), clinic)
    return Runtime(settings, database, units, clinic, clinic_id, engine)
