"""Command line for measurement: `trdnav demo seed-outcomes` (a synthetic clinic at scale)."""

from __future__ import annotations

from typing import Annotated

import typer

demo_app = typer.Typer(help="Synthetic demo data (never real patients).", no_args_is_help=True)


@demo_app.command("seed-outcomes")
def seed_outcomes(
    administrations: Annotated[
        int, typer.Option("--administrations", min=8, help="About how many PHQ-9s to add.")
    ] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same data each time).")] = 10,
    database: Annotated[
        str | None,
        typer.Option("--database", help="Database URL (default: TRDNAV_DATABASE_URL)."),
    ] = None,
) -> None:
    """Add synthetic patients, courses and PHQ-9s to the demo clinic for the outcomes dashboard."""
    from trdnav.cli import settings_with
    from trdnav.features.measurement.seed import seed_outcomes as seed_
    from trdnav.platform.runtime import build_runtime

    rt = build_runtime(settings_with(database))
    try:
        done = seed_(rt.db, rt.clinic_id, administrations, seed)
    finally:
        rt.close()
    typer.echo(
        f"added {done.patients} patients, {done.courses} courses and {done.administrations} "
        f"administrations in {done.seconds:.1f} s"
    )
