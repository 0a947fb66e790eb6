"""A backup an operator can restore: the database and every stored file, with SHA-256s.

The archive (a gzipped tar) holds ``manifest.json``, the database (``pg_dump``'s custom
format on PostgreSQL, SQLite's online backup otherwise) and ``files/<key>`` for each file
in the storage. The database is dumped first, the files listed after: a file is written
before the row that names it is committed and removed only once unreferenced, so every
file the dump names is in the storage when the listing runs. (Files added after the dump
come along as orphans; the sweep removes them after a restore.)

Restore goes into an empty deployment only (no tables, no files) and checks every SHA-256
in the manifest before it writes anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from app.services.files.storage import Storage, checked_key

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """The backup or restore cannot go on; the message says why, in one line."""


@dataclass(frozen=True)
class Summary:
    database: str
    files: int
    byte_size: int


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore arguments and environment for ``url`` (the password stays out
    of the process list)."""
    arguments = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        arguments += ["--username", url.username]
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    return arguments, environment


def _dump_database(engine: Engine, work: Path) -> dict[str, str]:
    url = engine.url
    if url.get_backend_name() == "postgresql":
        target = work / "database.dump"
        arguments, environment = _libpq(url)
        # One snapshot for the whole dump (pg_dump's own transaction): consistent.
        _run(
            [
                "pg_dump",
                *arguments,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                url.database or "",
            ],
            environment,
        )
        engine_name = "postgresql"
    elif url.get_backend_name() == "sqlite" and url.database:
        target = work / "database.sqlite3"
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # SQLite's online backup: a consistent copy while in use
        finally:
            copy.close()
            source.close()
        engine_name = "sqlite"
    else:
        raise BackupError(f"cannot back up a database at {url.render_as_string()}")
    return {"engine": engine_name, "file": target.name, "sha256": _sha256_of(target)}


def _run(command: list[str], environment: dict[str, str]) -> None:
    # The programs are fixed (pg_dump, pg_restore); only our own settings are arguments.
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{command[0]} failed: {last}")


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def write_backup(engine: Engine, storage: Storage, target: Path) -> Summary:
    """Write the archive to ``target`` (replaced only once complete)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as scratch:
        work = Path(scratch)
        database = _dump_database(engine, work)
        files: list[dict[str, Any]] = []
        (work / "files").mkdir()
        for entry in sorted(storage.inventory(), key=lambda entry: entry.key):
            if entry.key.startswith("."):
                continue  # a write in progress (or left by a crash): not a file yet
            copy = work / "files" / checked_key(entry.key)
            with copy.open("wb") as handle:
                for chunk in storage.stream(entry.key):
                    handle.write(chunk)
            files.append(
                {"key": entry.key, "sha256": _sha256_of(copy), "byte_size": copy.stat().st_size}
            )
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "alembic_revision": _revision(engine),
            "database": database,
            "files": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, MANIFEST)
            archive.add(work / database["file"], database["file"])
            for item in files:
                archive.add(work / "files" / item["key"], f"files/{item['key']}")
        os.replace(partial, target)
    return Summary(database["engine"], len(files), sum(item["byte_size"] for item in files))


@contextmanager
def _unpacked(archive_path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    with tempfile.TemporaryDirectory(prefix="corridor-restore-") as scratch:
        work = Path(scratch)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(work, filter="data")  # no links or paths out of work
            manifest = json.loads((work / MANIFEST).read_text())
        except (OSError, tarfile.TarError, ValueError) as error:
            raise BackupError(
                f"{archive_path} is not a readable Corridor backup: {error}"
            ) from error
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{archive_path} has backup format {manifest.get('format')!r}")
        yield work, manifest


def _verify(work: Path, manifest: dict[str, Any]) -> None:
    database = manifest["database"]
    if _sha256_of(work / database["file"]) != database["sha256"]:
        raise BackupError(f"the database dump {database['file']} does not match its SHA-256")
    for item in manifest["files"]:
        path = work / "files" / checked_key(item["key"])
        if not path.is_file() or _sha256_of(path) != item["sha256"]:
            raise BackupError(f"stored file {item['key']} is missing or does not match its SHA-256")


def _require_empty(engine: Engine, storage: Storage) -> None:
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
    if tables:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables): restore needs an empty one"
        )
    if next(iter(storage.inventory()), None) is not None:
        raise BackupError("the file storage is not empty: restore needs an empty one")


def _restore_database(engine: Engine, work: Path, database: dict[str, str]) -> None:
    url = engine.url
    if database["engine"] != url.get_backend_name():
        raise BackupError(
            f"the backup holds a {database['engine']} database, this deployment uses"
            f" {url.get_backend_name()}"
        )
    engine.dispose()
    if database["engine"] == "postgresql":
        arguments, environment = _libpq(url)
        _run(
            [
                "pg_restore",
                *arguments,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                url.database or "",
                str(work / database["file"]),
            ],
            environment,
        )
        return
    source = sqlite3.connect(work / database["file"])
    target = sqlite3.connect(make_url(str(url)).database or "")
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def restore_backup(engine: Engine, storage: Storage, archive_path: Path) -> Summary:
    """Bring the archive back into an empty deployment, after checking every SHA-256."""
    with _unpacked(archive_path) as (work, manifest):
        _verify(work, manifest)
        _require_empty(engine, storage)
        for item in manifest["files"]:
            storage.put_file(item["key"], work / "files" / item["key"], "application/octet-stream")
        _restore_database(engine, work, manifest["database"])
        files = manifest["files"]
        return Summary(
            manifest["database"]["engine"], len(files), sum(item["byte_size"] for item in files)
        )
