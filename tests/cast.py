"""The workspace cast, on a real database (SQLite, and PostgreSQL when configured).

Clinic A is the demo clinic the runtime registers; clinic B ("northside") is a second clinic in
the same deployment. Who is who:
- alice  — admin of clinic A (accounts, audit log, inbox, reads records)
- priya  — prescriber of clinic A (decides candidacy)
- cora   — coordinator of clinic A (triages the inbox, converts requests)
- ted    — technician of clinic A (delivers sessions: reads records, no inbox)
- nina   — nurse of clinic A (confirms health history, trials, PHQ-9)
- oscar  — the outsider: prescriber of clinic B; must never see anything of clinic A
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from trdnav.app import create_app
from trdnav.domain.clinic import ClinicConfig
from trdnav.features.accounts import auth
from trdnav.features.accounts.guard import COOKIE
from trdnav.features.accounts.users import create_user
from trdnav.platform.clinics import ensure_clinic
from trdnav.platform.runtime import Runtime
from trdnav.platform.settings import Settings
from trdnav.platform.web.csrf import COOKIE as CSRF_COOKIE
from trdnav.storage.models import Clinic, ConsultationRequest, User

PASSWORD = "correct horse battery staple"
CAST = {
    "alice": "admin",
    "priya": "prescriber",
    "cora": "coordinator",
    "ted": "technician",
    "nina": "nurse",
}
OUTSIDER = "oscar"

ASSESSMENT: dict[str, Any] = {
    "age": 42,
    "conditions": ["major_depressive_disorder"],
    "phq9_items": [2, 3, 2, 2, 1, 2, 2, 1, 0],
    "suicidal_thoughts": "none",
    "episode_months": 14,
    "antidepressant_trials": [
        {"name": "sertraline", "adequate": True, "outcome": "no_response"},
        {"name": "bupropion", "adequate": True, "outcome": "partial_response"},
    ],
    "medical_history": {"seizure_history": False, "metal_in_head": False},
    "pregnancy": "no",
}

NORTHSIDE = ClinicConfig(
    slug="northside",
    name="Northside Psychiatry (test clinic B)",
    time_zone="America/Chicago",
    contact={"phone": "+1 312 555 0100", "email": "care@northside.example"},
    offered=["rtms"],
    conflict_of_interest="Test clinic.",
    funding="Test.",
)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Member:
    """One cast member: their account, a signed-in client and their TOTP secret."""

    name: str
    email: str
    role: str
    user_id: int
    client: TestClient
    totp: str

    def csrf(self) -> dict[str, str]:
        """Headers carrying this browser's CSRF token."""
        if CSRF_COOKIE not in self.client.cookies:
            self.client.get("/workspace/login")
        return {"X-CSRF-Token": self.client.cookies[CSRF_COOKIE]}

    def post(self, url: str, data: dict[str, Any] | None = None) -> Any:
        """A form POST with the CSRF token, redirects not followed."""
        return self.client.post(url, data=data or {}, headers=self.csrf(), follow_redirects=False)

    def get(self, url: str) -> Any:
        return self.client.get(url, follow_redirects=False)


def add_user(rt: Runtime, name: str, role: str, clinic_slug: str) -> tuple[int, str, str]:
    """Create an enrolled account; returns (user id, email, totp secret)."""
    email = f"{name}@{clinic_slug}.example"
    secret = pyotp.random_base32()
    with rt.db.begin() as s:
        clinic = s.query(Clinic).filter_by(slug=clinic_slug).one()
        user = create_user(s, email, role, clinic, PASSWORD, now(), display_name=name.title())
        user.totp_secret, user.totp_enabled = secret, True
        return user.id, email, secret


def sign_in(rt: Runtime, client: TestClient, user_id: int) -> None:
    """Give the client a full (two-factor) session, as the sign-in flow would."""
    with rt.db.begin() as s:
        user = s.get(User, user_id)
        assert user is not None
        token = auth.open_login(s, rt.settings, user, now(), mfa_done=True)
    # Same domain and path as the server sets, so a rotated cookie replaces this one.
    client.cookies.set(COOKIE, token, domain="testserver.local", path="/")


@pytest.fixture
def clinic_b(runtime: Runtime) -> int:
    with runtime.db.begin() as s:
        return ensure_clinic(s, NORTHSIDE, now()).id


@pytest.fixture
def app(settings: Settings, runtime: Runtime) -> Iterator[FastAPI]:
    application = create_app(settings, runtime)
    with TestClient(application):  # runs the lifespan once; the cast's clients share it
        yield application


@pytest.fixture
def cast(app: FastAPI, runtime: Runtime, clinic_b: int) -> dict[str, Member]:
    """Every cast member, signed in with their own browser (cookie jar)."""
    members = {}
    roles = {**CAST, OUTSIDER: "prescriber"}
    for name, role in roles.items():
        slug = "northside" if name == OUTSIDER else runtime.clinic.slug
        user_id, email, secret = add_user(runtime, name, role, slug)
        client = TestClient(app)
        sign_in(runtime, client, user_id)
        members[name] = Member(name, email, role, user_id, client, secret)
    return members


def make_request(
    runtime: Runtime, clinic_id: int | None = None, name: str = "Ana Diaz", **extra: Any
) -> str:
    """A stored consultation request (as the patient-side API would store it)."""
    rid = str(uuid.uuid4())
    with runtime.db.begin() as s:
        s.add(
            ConsultationRequest(
                id=rid,
                clinic_id=clinic_id or runtime.clinic_id,
                status="new",
                name=name,
                email=extra.get("email", "ana@example.org"),
                phone=extra.get("phone", "+19075550100"),
                preferred_contact="email",
                message=extra.get("message", "Please call after 5pm."),
                consent_to_contact=True,
                assessment=extra.get("assessment", ASSESSMENT),
                evidence_version="2026.11",
                received_at=now(),
                updated_at=now(),
            )
        )
    return rid
