"""Command line for scheduling: `trdnav tokens ...`, `trdnav clinics ...`, `trdnav plan`,
`trdnav jobs run`."""

from __future__ import annotations

import json
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

tokens_app = typer.Typer(help="Staff API tokens (hashed at rest, expiring).", no_args_is_help=True)
clinics_app = typer.Typer(help="Clinics (tenants) of this deployment.", no_args_is_help=True)
jobs_app = typer.Typer(help="Background jobs kept in the database.", no_args_is_help=True)

DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database", help="Database URL (default: TRDNAV_DATABASE_URL or the SQLite file)."
    ),
]


def _runtime(database: str | None):  # type: ignore[no-untyped-def]
    from trdnav.cli import settings_with
    from trdnav.platform.runtime import build_runtime

    return build_runtime(settings_with(database))


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@tokens_app.command("create")
def tokens_create(
    email: Annotated[str, typer.Argument(help="The staff member the token acts as.")],
    clinic: Annotated[str, typer.Option("--clinic", help="Clinic slug.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")],
    expires_days: Annotated[
        int, typer.Option("--expires-days", help="Days until it expires.")
    ] = 90,
    database: DatabaseOpt = None,
) -> None:
    """Create a token; it is printed alone on standard output, once."""
    from trdnav.features.tokens.service import TokenError, create_token

    rt = _runtime(database)
    try:
        with rt.db.begin() as db:
            _, raw = create_token(db, email, clinic, name, datetime.now(UTC), expires_days)
    except TokenError as exc:
        raise _fail(str(exc)) from exc
    finally:
        rt.close()
    typer.echo(raw)


@tokens_app.command("list")
def tokens_list(database: DatabaseOpt = None) -> None:
    """List tokens (never their values)."""
    from trdnav.features.tokens.service import list_tokens

    rt = _runtime(database)
    try:
        with rt.db() as db:
            rows = list_tokens(db)
    finally:
        rt.close()
    now = datetime.now(UTC)
    typer.echo("id\tname\temail\tclinic\texpires_at\tstate")
    for t in rows:
        expires = t.expires_at.isoformat(timespec="seconds")
        typer.echo(f"{t.id}\t{t.name}\t{t.email}\t{t.clinic}\t{expires}\t{t.state(now)}")


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's id (tokens list).")],
    database: DatabaseOpt = None,
) -> None:
    """Revoke a token; requests with it get 401 at once."""
    from trdnav.features.tokens.service import TokenError, revoke_token

    rt = _runtime(database)
    try:
        with rt.db.begin() as db:
            revoke_token(db, token_id, datetime.now(UTC))
    except TokenError as exc:
        raise _fail(str(exc)) from exc
    finally:
        rt.close()
    typer.echo(f"revoked token {token_id}")


@clinics_app.command("add")
def clinics_add(
    file: Annotated[Path, typer.Argument(help="The clinic's TOML (the demo clinic's format).")],
    database: DatabaseOpt = None,
) -> None:
    """Register another clinic, or refresh one, from its configuration file."""
    from trdnav.platform.clinics import ClinicConfigError, ensure_clinic, load_clinic

    try:
        config = load_clinic(file)
    except ClinicConfigError as exc:
        raise _fail(str(exc)) from exc
    rt = _runtime(database)
    try:
        with rt.db.begin() as db:
            clinic = ensure_clinic(db, config, datetime.now(UTC))
            slug, resources = clinic.slug, len(config.resources)
    finally:
        rt.close()
    typer.echo(f"registered clinic {slug} with {resources} resource(s)")


@clinics_app.command("list")
def clinics_list(database: DatabaseOpt = None) -> None:
    """List the clinics of this deployment."""
    from sqlalchemy import select

    from trdnav.storage.models import Clinic

    rt = _runtime(database)
    try:
        with rt.db() as db:
            rows = db.execute(
                select(Clinic.slug, Clinic.name, Clinic.time_zone).order_by(Clinic.slug)
            )
            found = list(rows)
    finally:
        rt.close()
    typer.echo("slug\tname\ttime_zone")
    for slug, name, tz in found:
        typer.echo(f"{slug}\t{name}\t{tz}")


def plan_command(
    file: Annotated[str, typer.Argument(help="Instance JSON (contract planner-v1), or '-'.")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds the solver may search.", min=0.1)
    ] = 10.0,
    solver: Annotated[str, typer.Option("--solver", help="cpsat or greedy.")] = "cpsat",
) -> None:
    """Plan a waitlist; print the plan JSON. Invalid input exits 2, one line per problem."""
    from pydantic import ValidationError

    from trdnav.domain.scheduling.planner import Instance, plan
    from trdnav.platform.errors import field_errors

    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise _fail(f"{file}: {exc.strerror}") from exc
    if solver not in ("cpsat", "greedy"):
        raise _fail("--solver: cpsat or greedy")
    try:
        instance = Instance.model_validate_json(raw)
    except ValidationError as exc:
        for problem in field_errors(exc.errors()):
            typer.echo(f"error: {problem['field']}: {problem['message']}", err=True)
        raise typer.Exit(2) from exc
    result = plan(instance, time_limit=time_limit, solver=solver)  # type: ignore[arg-type]
    typer.echo(json.dumps(result.model_dump(mode="json"), indent=2))


@jobs_app.command("run")
def jobs_run(database: DatabaseOpt = None) -> None:
    """Run the due jobs once (reminders, safety-alert emails, ...); safe on several hosts."""
    from trdnav.features import job_handlers
    from trdnav.platform.jobs import run_due

    rt = _runtime(database)
    try:
        worker = f"{socket.gethostname()}:{id(rt)}"
        done = run_due(rt.db, job_handlers(rt), worker, datetime.now(UTC))
        _checkpoint_if_moved(rt)
    finally:
        rt.close()
    typer.echo(f"{done} job(s) done")


def _checkpoint_if_moved(rt) -> None:  # type: ignore[no-untyped-def]
    """The periodic audit checkpoint: cron runs `jobs run`, so the head is anchored as often."""
    from trdnav.platform import audit_anchor

    path = audit_anchor.checkpoint_path(rt.settings)
    with rt.db() as db:
        point = audit_anchor.current(db, datetime.now(UTC))
    last = audit_anchor.last_written(path)
    if last is None or (last.last_id, last.last_hash) != (point.last_id, point.last_hash):
        audit_anchor.append(path, point)
