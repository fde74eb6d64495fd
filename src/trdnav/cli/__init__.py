"""Command line: serve the app, run an assessment, manage the database and benchmarks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from trdnav.cli.measurement import demo_app
from trdnav.cli.scheduling import clinics_app, jobs_app, plan_command, tokens_app
from trdnav.cli.workspace import audit_app, users_app
from trdnav.platform.settings import Settings, get_settings

app = typer.Typer(
    help=(
        "TRD Navigator: compare TMS, ketamine, esketamine and ECT for hard-to-treat depression.\n\n"
        "It supports, and does not replace, a clinician's judgment. Start with:\n\n"
        "  trdnav serve              run the web app (decision aid, API, workspace)\n\n"
        "  trdnav assess FILE        assess one person from a JSON file ('-' reads stdin)"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: create or upgrade it.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(tokens_app, name="tokens")
app.add_typer(clinics_app, name="clinics")
app.add_typer(jobs_app, name="jobs")
app.add_typer(demo_app, name="demo")
app.command("plan")(plan_command)

DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database", help="Database URL (default: TRDNAV_DATABASE_URL or the SQLite file)."
    ),
]
ClinicOpt = Annotated[
    Path | None,
    typer.Option(
        "--clinic-config", help="Clinic TOML (default: TRDNAV_CLINIC_CONFIG or the demo clinic)."
    ),
]


def settings_with(database: str | None = None, clinic: Path | None = None) -> Settings:
    """Settings from the environment, with command-line overrides."""
    base = get_settings()
    updates: dict[str, object] = {}
    if database:
        updates["database_url"] = database
    if clinic:
        updates["clinic_config"] = clinic
    return base.model_copy(update=updates)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on [default: 127.0.0.1].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: $PORT or 8000].")] = None,
    database: DatabaseOpt = None,
    clinic_config: ClinicOpt = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web app; the database is created or upgraded first."""
    import uvicorn

    from trdnav.platform.install_secret import ensure_secret, exposure_warning, is_loopback
    from trdnav.platform.runtime import build_runtime

    settings = ensure_secret(settings_with(database, clinic_config))
    host = host or settings.host
    port = port or settings.port
    if settings.plain_http and not is_loopback(host):
        typer.echo(
            "error: TRDNAV_PLAIN_HTTP is for development on a loopback address; "
            f"serve {host} over HTTPS (a TLS-terminating proxy) instead",
            err=True,
        )
        raise typer.Exit(2)
    if warning := exposure_warning(settings, host):
        line = "!" * 78
        typer.echo(f"{line}\n{warning}\n{line}", err=True)
    # Upgrade once here so that several workers never race on a fresh database.
    build_runtime(settings).close()
    typer.echo(
        f"TRD Navigator for {settings.clinic_config or 'the demo clinic'}: http://{host}:{port}"
    )
    if workers == 1:
        from trdnav.app import create_app

        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level=settings.log_level,
            forwarded_allow_ips=settings.forwarded_allow_ips,
        )
    else:
        import os

        os.environ["TRDNAV_DATABASE_URL"] = settings.database_url
        if settings.clinic_config:
            os.environ["TRDNAV_CLINIC_CONFIG"] = str(settings.clinic_config)
        uvicorn.run(
            "trdnav.asgi:app",
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level,
            forwarded_allow_ips=settings.forwarded_allow_ips,
        )


@app.command()
def assess(
    file: Annotated[
        str, typer.Argument(help="JSON request file (contract assessment-v1), or '-' for stdin.")
    ],
    clinic_config: ClinicOpt = None,
) -> None:
    """Assess one request; print the result JSON. Invalid input exits 2, one line per problem."""
    from trdnav.domain.assessment import Engine
    from trdnav.domain.evidence.loader import default_evidence
    from trdnav.features.assessments.service import parse_request, render
    from trdnav.platform.clinics import DEMO_CLINIC, load_clinic
    from trdnav.platform.errors import InvalidRequest

    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        typer.echo(f"error: {file}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    try:
        request = parse_request(raw)
    except InvalidRequest as exc:
        for problem in exc.errors:
            typer.echo(f"error: {problem['field']}: {problem['message']}", err=True)
        raise typer.Exit(2) from exc
    settings = settings_with(clinic=clinic_config)
    engine = Engine(default_evidence(), load_clinic(settings.clinic_config or DEMO_CLINIC))
    typer.echo(render(engine.assess(request), engine).decode())


@app.command("send-notices")
def send_notices(database: DatabaseOpt = None, clinic_config: ClinicOpt = None) -> None:
    """Retry clinic emails about consultation requests that could not be sent (cron-friendly)."""
    from datetime import UTC, datetime

    from trdnav.features.consultations.service import notify_pending
    from trdnav.platform.runtime import build_runtime

    runtime = build_runtime(settings_with(database, clinic_config))
    try:
        sent = notify_pending(runtime, datetime.now(UTC))
    finally:
        runtime.close()
    typer.echo(f"{sent} notice(s) sent")


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None) -> None:
    """Create the database or bring it to the newest schema."""
    from trdnav.storage.db import make_engine, upgrade

    engine = make_engine(settings_with(database).database_url)
    upgrade(engine)
    engine.dispose()
    typer.echo("database is up to date")


@app.command()
def bench(
    quick: Annotated[bool, typer.Option(help="Fewer iterations (a smoke run).")] = False,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only these benchmarks (repeatable).")
    ] = None,
) -> None:
    """Run the benchmarks (assessments, the aid, booking under concurrency, the planner) and
    write var/bench.json. Booking runs on PostgreSQL when TRDNAV_BENCH_POSTGRES_URL is set."""
    from trdnav.bench import run_all

    run_all(quick=quick, only=only or None)
