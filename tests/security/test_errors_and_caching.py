"""Issue 14 item 13: no 500 for extreme audit filter dates; pages that repeat personal data are
never cached (the consultation form's 422 page repeats the person's name and message).

The cast: Alice, the admin, types odd dates into the audit filters; Zelda fills the consultation
form with a mistake in it, on a shared library computer.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.cast import Member

EXTREME = [
    ("since", "0001-01-01"),
    ("until", "9999-12-31"),
    ("since", "9999-12-31"),
    ("until", "0001-01-01"),
    ("since", "2026-02-30"),
    ("until", "99999-01-01"),
    ("since", "yesterday"),
]


@pytest.mark.parametrize(("field", "value"), EXTREME)
def test_extreme_audit_dates_are_a_422_naming_the_field(
    cast: dict[str, Member], field: str, value: str
) -> None:
    alice = cast["alice"]
    for url in ("/workspace/audit", "/workspace/audit/export.csv"):
        response = alice.get(f"{url}?{field}={value}")
        assert response.status_code == 422, (url, response.status_code)
        assert f'id="{field}-error"' in response.text
        assert response.headers["cache-control"] == "no-store"


def test_the_widest_allowed_dates_work_on_both_databases(cast: dict[str, Member]) -> None:
    alice = cast["alice"]
    page = alice.get("/workspace/audit?since=1970-01-01&until=9998-12-31")
    assert page.status_code == 200
    export = alice.get("/workspace/audit/export.csv?since=1970-01-01&until=9998-12-31")
    assert export.status_code == 200 and export.text.startswith("id,")


def test_the_consultation_form_422_page_is_never_cached(client: TestClient) -> None:
    client.get("/aid/consultation")
    token = next(v for k, v in client.cookies.items() if k.endswith("csrf"))
    response = client.post(
        "/aid/consultation",
        data={
            "csrf_token": token,
            "name": "Zelda Quarry",
            "email": "not an address",
            "message": "I have been feeling low",
            "consent_to_contact": "yes",
        },
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "Zelda Quarry" in response.text and "feeling low" in response.text
    assert response.headers["cache-control"] == "no-store"
    # The empty form, the API's answers and its problem documents are not cached either.
    assert client.get("/aid/consultation").headers["cache-control"] == "no-store"
    problem = client.post("/api/v1/consultation-requests", json={"name": "Zelda"})
    assert problem.status_code == 422 and problem.headers["cache-control"] == "no-store"


def test_static_assets_stay_cacheable(client: TestClient) -> None:
    page = client.get("/aid/consultation").text
    href = page.split('href="/static/', 1)[1].split('"', 1)[0]
    asset = client.get(f"/static/{href}")
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("cache-control", "")
