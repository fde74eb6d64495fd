"""API tokens for the cast, and a patient to book for."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.cast import CAST, OUTSIDER, Member, now
from trdnav.features.tokens.service import create_token
from trdnav.platform.runtime import Runtime


class Api:
    """One cast member's API client (bearer token, no cookies)."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, headers=self.headers)

    def post(self, url: str, body: Any) -> Any:
        return self.client.post(url, json=body, headers=self.headers)


@pytest.fixture
def api(cast: dict[str, Member], runtime: Runtime, app: Any) -> dict[str, Api]:
    """Every cast member with a token of their own clinic."""
    out = {}
    for name in [*CAST, OUTSIDER]:
        slug = "northside" if name == OUTSIDER else runtime.clinic.slug
        with runtime.db.begin() as db:
            _, raw = create_token(db, cast[name].email, slug, f"{name} tests", now())
        out[name] = Api(TestClient(app), raw)
    return out


def new_patient(api: Api, given: str = "Ana", family: str = "Diaz") -> str:
    r = api.post(
        "/api/v1/patients",
        {
            "given_name": given,
            "family_name": family,
            "birth_date": "1980-02-03",
            "email": f"{given.lower()}@example.org",
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])
