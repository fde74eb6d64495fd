"""The OpenAPI document tells the truth (issue 13): schemathesis, as `schemathesis run --checks
all` would run it (examples, coverage, fuzzing and stateful phases, every check), against the
ASGI app on a real database (SQLite, and PostgreSQL when configured).

The operations come from the live schema, so endpoints that arrive later (sessions, measurement,
FHIR) are tested without touching this file. Token routes are called as a real coordinator of
the clinic (every clinic-API permission) with a real staff token; schemathesis' own checks also
call them without it. The seed is fixed: the same cases every run.

One allowance, read from the schema itself: an operation that lists `x-domain-rules` (rules the
JSON Schema cannot state, such as "the policy must be one this deployment knows") may answer a
schema-valid body with 422. Every other operation must accept every schema-valid request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from tests.cast import add_user, now
from trdnav.app import create_app
from trdnav.features.tokens.service import create_token
from trdnav.platform.runtime import Runtime, build_runtime
from trdnav.platform.settings import Settings

SEED = 20261124
# Small enough for well under 90 s per database on a shared machine; raise it to dig deeper.
EXAMPLES = 25
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[FastAPI, str]]:
    """A fresh app on a real database, and a coordinator's staff token."""
    settings = Settings(environment="test", database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    rt: Runtime = build_runtime(settings)
    try:
        _, email, _ = add_user(rt, "cora", "coordinator", rt.clinic.slug)
        with rt.db.begin() as db:
            _, token = create_token(db, email, rt.clinic.slug, "schemathesis", now())
        yield create_app(settings, rt), token
    finally:
        rt.close()


def _config(document: dict[str, Any], token: str) -> SchemathesisConfig:
    with_rules = [
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("x-domain-rules")
    ]
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "cache": {"enabled": False},  # nothing learned in one run steers the next
            "generation": {"max-examples": EXAMPLES},
            "headers": {"Authorization": f"Bearer {token}"},
            "checks": {"enabled": True},
            "operations": [
                {
                    "include-operation-id": operation_id,
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}
                    },
                }
                for operation_id in with_rules
            ],
        }
    )


def _run(app: FastAPI, token: str) -> tuple[list[str], list[str], int]:
    """Run every phase; returns (failures, errors, operations tested)."""
    document = app.openapi()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=_config(document, token))
    failures: dict[tuple[str, str, str], str] = {}
    errors: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for nodes in event.recorder.checks.values():
                for node in nodes:
                    if node.failure_info is not None:
                        failure = node.failure_info.failure
                        key = (str(event.label), node.name, failure.title)
                        failures.setdefault(
                            key, f"{failure.message}\n{node.failure_info.code_sample}"
                        )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(f"{getattr(event, 'label', '')}: {event.info.message}")
    described = [
        f"{label} [{check}] {title}:\n{detail}"
        for (label, check, title), detail in failures.items()
    ]
    operations = sum(1 for item in document["paths"].values() for _ in item)
    return described, errors, operations


def test_schemathesis_finds_nothing(served: tuple[FastAPI, str]) -> None:
    app, token = served
    failures, errors, operations = _run(app, token)
    assert operations >= 19
    assert errors == [], "\n".join(errors)
    assert failures == [], "\n\n".join(failures)
