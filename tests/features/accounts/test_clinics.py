"""One deployment, several clinics: a member of two clinics acts in one at a time."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.cast import PASSWORD, Member, make_request, now, sign_in
from trdnav.features.accounts.users import clinic_by_slug, create_user
from trdnav.platform.runtime import Runtime
from trdnav.platform.web.csrf import COOKIE as CSRF_COOKIE


def test_switching_clinic_changes_what_is_visible(
    cast: dict[str, Member], app: FastAPI, runtime: Runtime, clinic_b: int
) -> None:
    a_request = make_request(runtime, name="Ana Diaz")
    make_request(runtime, clinic_id=clinic_b, name="Zed Outside")
    with runtime.db.begin() as s:
        user = create_user(
            s, "max@both.example", "coordinator", clinic_by_slug(s, "demo"), PASSWORD, now()
        )
        create_user(s, "max@both.example", "nurse", clinic_by_slug(s, "northside"), "", now())
        user_id = user.id
    client = TestClient(app)
    sign_in(runtime, client, user_id)
    client.get("/workspace/login")
    headers = {"X-CSRF-Token": client.cookies[CSRF_COOKIE]}
    inbox = client.get("/workspace/consultations")
    assert "Ana Diaz" in inbox.text and "Zed Outside" not in inbox.text
    home = client.get("/workspace")
    assert "Work in clinic" in home.text and "Northside" in home.text
    refused = client.post(
        "/workspace/clinic", data={"clinic": "nowhere"}, headers=headers, follow_redirects=False
    )
    assert refused.status_code == 422
    switched = client.post(
        "/workspace/clinic", data={"clinic": "northside"}, headers=headers, follow_redirects=False
    )
    assert switched.status_code == 303
    # Now a nurse of clinic B: B's inbox only; clinic A's records are not found.
    inbox_b = client.get("/workspace/consultations")
    assert "Zed Outside" in inbox_b.text and "Ana Diaz" not in inbox_b.text
    assert "nurse" in inbox_b.text
    assert client.get(f"/workspace/consultations/{a_request}").status_code == 404
