"""Alembic environment: run against the connection handed over by `trdnav.storage.db.upgrade`.

`trdnav.storage.models` imports every table, so autogenerate compares the whole schema.
For the `alembic` command line, the URL comes from TRDNAV_DATABASE_URL (`trdnav db upgrade`
is the supported way to migrate).
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from trdnav.storage.db import normalize_url
from trdnav.storage.models import Base

target_metadata = Base.metadata
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = os.environ.get("TRDNAV_DATABASE_URL", "sqlite:///var/trdnav.db")
        with create_engine(normalize_url(url)).begin() as conn:
            context.configure(
                connection=conn, target_metadata=target_metadata, render_as_batch=True
            )
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    context.run_migrations()


run()
