"""The catalogue bench's databases: a seeded SQLite file (cached across runs, keyed by
the product count, the migration head and the seeding code) and a fresh PostgreSQL one,
each with BENCH_SETUP_SQL applied for what-if runs."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.harness import BIN, ROOT, BenchError, flask_env, migration_head, note, run
from bench.scratch import scratch_database

CACHE_DIR = ROOT / "instance" / "bench"
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "100000"))
# What-if only: SQL run on each seeded database before serving (e.g. an index the
# catalogue might want, or ANALYZE). Figures then describe a schema the app does not have.
SETUP_SQL = os.environ.get("BENCH_SETUP_SQL", "").strip()
# The modules whose code decides what the seeded catalogue holds.
SEED_MODULES = (
    "seed.py",
    "seed_catalog.py",
    "seed_catalog_data.py",
    "seed_catalog_zh.py",
    "seed_listings.py",
    "seed_sellers.py",
)


@dataclass(frozen=True)
class Database:
    """One database the catalogue is served from."""

    label: str  # "sqlite" or "pg"
    url: str
    suffix: str  # appended to figure names


def seed_code_digest() -> str:
    """Changes when the seeding code or the schema it writes changes (even in place)."""
    digest = hashlib.sha256()
    paths = [ROOT / "bench" / name for name in SEED_MODULES]
    catalog = ROOT / "app" / "services" / "catalog"
    # The index words are made by the catalogue's own code.
    paths += [catalog / name for name in ("categories.py", "index.py", "text_index.py")]
    paths += sorted((ROOT / "migrations" / "versions").glob("*.py"))
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def seed(database_url: str, instance: Path) -> None:
    """Migrate ``database_url`` and seed ``BENCH_PRODUCTS`` listings, each in a process of
    its own, as an operator would from the command line."""
    env = flask_env(database_url, instance)
    run([str(BIN / "flask"), "db", "upgrade"], env, "flask db upgrade")
    started = time.perf_counter()
    output = run(
        [sys.executable, "-m", "bench.seed", "catalog", "--products", str(PRODUCTS)],
        env,
        "python -m bench.seed catalog",
    )
    note(f"{output.strip()} (command took {time.perf_counter() - started:.1f} s)")


def sample_product_ids(database: Database, count: int = 200) -> list[str]:
    """Public ids of published listings spread evenly over the id range."""
    sql = (
        "SELECT p.public_id FROM products p JOIN companies c ON c.id = p.seller_id"
        " WHERE p.status = 'published' AND c.verification_status <> 'suspended'"
        " ORDER BY p.id"
    )
    if database.label == "sqlite":
        path = database.url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path)) as connection:
            ids = [row[0] for row in connection.execute(sql)]
    else:
        import psycopg

        with psycopg.connect(database.url.replace("postgresql+psycopg", "postgresql")) as conn:
            ids = [row[0] for row in conn.execute(sql)]
    if not ids:
        raise BenchError("the seeded database holds no published listings")
    step = max(1, len(ids) // count)
    return ids[::step][:count]


def sqlite_database(instance: Path, workdir: Path) -> Database:
    """A copy of the cached seeded SQLite file (seeded first when there is none)."""
    key = f"catalog-{PRODUCTS}-{migration_head()}-{seed_code_digest()}"
    cached = CACHE_DIR / f"{key}.sqlite3"
    if cached.exists():
        note(f"sqlite: using cached {cached.relative_to(ROOT)}")
    else:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        for stale in CACHE_DIR.glob(f"catalog-{PRODUCTS}-*.sqlite3*"):
            stale.unlink()
        building = workdir / "seeding.sqlite3"
        seed(f"sqlite:///{building}", instance)
        with contextlib.closing(sqlite3.connect(building)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode = DELETE")
        partial = cached.with_suffix(".partial")
        shutil.copyfile(building, partial)
        partial.replace(cached)
        note(f"sqlite: cached the seeded database as {cached.relative_to(ROOT)}")
    copy = workdir / "catalog.sqlite3"
    shutil.copyfile(cached, copy)
    database = Database("sqlite", f"sqlite:///{copy}", "")
    setup(database)
    return database


def setup(database: Database) -> None:
    """Run BENCH_SETUP_SQL on ``database`` (what-if runs only)."""
    if not SETUP_SQL:
        return
    if database.label == "sqlite":
        with contextlib.closing(sqlite3.connect(database.url.removeprefix("sqlite:///"))) as conn:
            conn.executescript(SETUP_SQL)
            conn.commit()
    else:
        import psycopg

        url = database.url.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(url, autocommit=True) as connection:
            for statement in filter(None, (part.strip() for part in SETUP_SQL.split(";"))):
                connection.execute(statement.encode())
    note(f"{database.label}: WHAT-IF run, BENCH_SETUP_SQL applied first: {SETUP_SQL}")


@contextlib.contextmanager
def postgres_database(instance: Path) -> Iterator[Database]:
    """A fresh PostgreSQL database, seeded; dropped on the way out whatever happens."""
    with scratch_database("corridor_bench") as url:
        seed(url, instance)
        database = Database("pg", url, "_pg")
        setup(database)
        yield database
