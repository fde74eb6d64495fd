"""Load clinic configurations (TOML) from disk."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.clinic import ClinicConfig
from trdnav.storage.models import Clinic, ClinicSettings, Resource

DEMO_CLINIC = Path(__file__).resolve().parent.parent / "clinics" / "demo.toml"


class ClinicConfigError(ValueError):
    """The clinic file is missing or invalid; the message names the file and key."""


def load_clinic(path: Path = DEMO_CLINIC) -> ClinicConfig:
    """Read and validate one clinic configuration file."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ClinicConfigError(f"{path}: file is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ClinicConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return ClinicConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ClinicConfigError(f"{path.name}: {key}: {first['msg']}") from exc


def ensure_clinic(db: Session, config: ClinicConfig, now: datetime) -> Clinic:
    """The clinic's row, created or refreshed from its configuration."""
    clinic = db.scalar(select(Clinic).where(Clinic.slug == config.slug))
    if clinic is None:
        clinic = Clinic(
            slug=config.slug, name=config.name, time_zone=config.time_zone, created_at=now
        )
        db.add(clinic)
    else:
        clinic.name, clinic.time_zone = config.name, config.time_zone
    db.flush()
    register_scheduling(db, clinic, config, now)
    return clinic


def register_scheduling(db: Session, clinic: Clinic, config: ClinicConfig, now: datetime) -> None:
    """Store the clinic's configuration and register its resources as rows (a resource that
    left the file is deactivated, never deleted: its past sessions keep pointing at it)."""
    stored = db.get(ClinicSettings, clinic.id)
    data = config.model_dump(mode="json")
    if stored is None:
        db.add(ClinicSettings(clinic_id=clinic.id, config=data, updated_at=now))
    elif stored.config != data:
        stored.config, stored.updated_at = data, now
    rows = {r.key: r for r in db.scalars(select(Resource).where(Resource.clinic_id == clinic.id))}
    for res in config.resources:
        row = rows.pop(res.id, None)
        if row is None:
            row = Resource(clinic_id=clinic.id, key=res.id, capacity=1)
            db.add(row)
        row.name, row.kind, row.coil, row.options = res.name, res.kind, res.coil, list(res.options)
        row.active = True
    for gone in rows.values():
        gone.active = False
    db.flush()
