"""Scratch PostgreSQL databases under BENCH_PG_URL: created for one run, migrated, and
dropped on the way out whatever happens."""

from __future__ import annotations

import contextlib
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from bench.harness import BIN, PG_URL, flask_env, note, run


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database under BENCH_PG_URL, for one run: yields its
    SQLAlchemy URL and drops it on the way out, whatever happens."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(PG_URL)
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        note(f"pg: dropped database {name}")


class Scratch(NamedTuple):
    """A migrated scratch database and the work directory of one bench run."""

    database_url: str
    workdir: Path
    instance: Path
    env: dict[str, str]


@contextlib.contextmanager
def migrated_scratch(name: str) -> Iterator[Scratch]:
    """A new PostgreSQL database migrated to head, a work directory (its instance folder
    and exports inside), and the Flask environment for both; all gone afterwards."""
    with (
        scratch_database(f"corridor_{name}") as database_url,
        tempfile.TemporaryDirectory(prefix=f"corridor-{name}-") as work,
    ):
        workdir = Path(work)
        instance = workdir / "instance"
        env = flask_env(database_url, instance)
        env["EXPORT_ROOT"] = str(workdir / "exports")
        run([str(BIN / "flask"), "db", "upgrade"], env, "migrate")
        yield Scratch(database_url, workdir, instance, env)


def checkpoint(database_url: str) -> None:
    """Write out what seeding dirtied (a PostgreSQL CHECKPOINT) before anything is timed.

    Otherwise the checkpointer flushes the seed's pages, and those of the benchmarks run
    before this one, in the middle of the measurements: downloads ran 25 % slower then.
    """
    import psycopg

    started = time.monotonic()
    with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("CHECKPOINT")
    note(f"pg: CHECKPOINT after seeding took {time.monotonic() - started:.1f} s")
