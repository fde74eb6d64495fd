"""Command line for the clinic workspace: `trdnav users ...` and `trdnav audit ...`."""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

users_app = typer.Typer(help="Staff accounts of the clinic workspace.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)

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


def _read_password() -> str:
    # From standard input so it never shows in the process list or shell history.
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Argument(help="The staff member's email address.")],
    role: Annotated[
        str, typer.Option("--role", help="admin, prescriber, coordinator, technician or nurse.")
    ],
    clinic: Annotated[
        str | None, typer.Option("--clinic", help="Clinic slug (default: the configured clinic).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    database: DatabaseOpt = None,
) -> None:
    """Create an account (password read from standard input) or add a clinic membership."""
    from trdnav.features.accounts.passwords import WeakPassword
    from trdnav.features.accounts.users import UserError, clinic_by_slug, create_user

    rt = _runtime(database)
    try:
        with rt.db.begin() as db:
            target = clinic_by_slug(db, clinic or rt.clinic.slug)
            password = _read_password()
            create_user(db, email, role, target, password, datetime.now(UTC), display_name=name)
    except UserError as exc:
        raise _fail(str(exc)) from exc
    except WeakPassword as exc:
        raise _fail(f"password: {exc}") from exc
    finally:
        rt.close()
    typer.echo(f"created {email.strip().lower()} as {role} in {clinic or rt.clinic.slug}")


@users_app.command("list")
def users_list(database: DatabaseOpt = None) -> None:
    """List every account with its clinic, role, state and two-factor status."""
    from trdnav.features.accounts.users import list_users

    rt = _runtime(database)
    try:
        with rt.db() as db:
            rows = list_users(db)
    finally:
        rt.close()
    typer.echo("email\tclinic\trole\tactive\ttwo_factor")
    for r in rows:
        typer.echo(f"{r.email}\t{r.clinic}\t{r.role}\t{r.active}\t{r.two_factor}")


@users_app.command("disable")
def users_disable(
    email: Annotated[str, typer.Argument(help="The account to disable.")],
    database: DatabaseOpt = None,
) -> None:
    """Disable an account; its logins end at once."""
    from trdnav.features.accounts.users import UserError, disable_user

    rt = _runtime(database)
    try:
        with rt.db.begin() as db:
            disable_user(db, email, datetime.now(UTC))
    except UserError as exc:
        raise _fail(str(exc)) from exc
    finally:
        rt.close()
    typer.echo(f"disabled {email.strip().lower()}")


@users_app.command("unlock")
def users_unlock(
    email: Annotated[str, typer.Argument(help="The account whose sign-in is paused.")],
    database: DatabaseOpt = None,
) -> None:
    """End an account's sign-in pause (after too many failed passwords or codes)."""
    from trdnav.features.accounts.users import UserError, unlock_user

    rt = _runtime(database)
    try:
        with rt.db.begin() as db:
            unlock_user(db, email, datetime.now(UTC))
    except UserError as exc:
        raise _fail(str(exc)) from exc
    finally:
        rt.close()
    typer.echo(f"unlocked {email.strip().lower()}")


@users_app.command("reset-2fa")
def users_reset_2fa(
    email: Annotated[str, typer.Argument(help="The account whose authenticator was lost.")],
    database: DatabaseOpt = None,
) -> None:
    """Remove an account's two-factor setup; it enrolls again at the next sign-in."""
    from trdnav.features.accounts.users import UserError, reset_two_factor

    rt = _runtime(database)
    try:
        with rt.db.begin() as db:
            reset_two_factor(db, email, datetime.now(UTC))
    except UserError as exc:
        raise _fail(str(exc)) from exc
    finally:
        rt.close()
    typer.echo(f"two-factor reset for {email.strip().lower()}; they enroll at next sign-in")


@audit_app.command("verify")
def audit_verify(
    database: DatabaseOpt = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            help="A checkpoint file (from `trdnav audit checkpoint`): every head it saw must "
            "still be in the chain, unchanged.",
        ),
    ] = None,
) -> None:
    """Check the keyed hash chain (and checkpoints); exit 1 naming the first bad entry."""
    from trdnav.platform import audit_anchor
    from trdnav.platform.audit import LEGACY, verify

    rt = _runtime(database)
    try:
        with rt.db() as db:
            result = verify(db)
            try:
                points = audit_anchor.read(checkpoint) if checkpoint else []
            except (OSError, ValueError) as exc:
                raise _fail(f"--checkpoint: {exc}") from exc
            anchored = audit_anchor.check(db, points) if result.ok else None
    finally:
        rt.close()
    if not result.ok:
        typer.echo(
            f"audit chain BROKEN at entry {result.first_bad_id}: {result.problem} "
            f"({result.checked} entries verified before it)",
            err=True,
        )
        raise typer.Exit(1)
    if anchored:
        typer.echo(f"audit chain BROKEN against the checkpoints: {anchored}", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit chain OK: {result.checked} entries")
    if result.legacy:
        typer.echo(f"note: entries 1..{result.legacy} are {LEGACY}")
    if points:
        typer.echo(f"checkpoints OK: {len(points)} (newest: entry {points[-1].last_id})")


@audit_app.command("checkpoint")
def audit_checkpoint(
    database: DatabaseOpt = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="Append here [default: TRDNAV_AUDIT_CHECKPOINT_FILE or beside the DB]."
        ),
    ] = None,
) -> None:
    """Sign the chain head now, append it to the checkpoint file and print it (run from cron)."""
    from trdnav.platform import audit_anchor

    rt = _runtime(database)
    try:
        with rt.db() as db:
            point = audit_anchor.current(db, datetime.now(UTC))
        path = file or audit_anchor.checkpoint_path(rt.settings)
        audit_anchor.append(path, point)
    finally:
        rt.close()
    typer.echo(point.line())


@audit_app.command("export")
def audit_export(database: DatabaseOpt = None) -> None:
    """Write every audit entry as CSV on standard output (the export is itself audited)."""
    from trdnav.platform import audit

    rt = _runtime(database)
    try:
        with rt.db.begin() as db:
            audit.record(db, datetime.now(UTC), "audit.export", audit.Who(), detail={"via": "cli"})
        with rt.db() as db:
            writer = csv.writer(sys.stdout)
            writer.writerow(audit.CSV_COLUMNS)
            writer.writerows(audit.export_rows(db, audit.AuditFilter()))
    finally:
        rt.close()
