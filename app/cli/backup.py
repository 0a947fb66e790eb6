"""``flask backup`` and ``flask restore``: the whole deployment in one archive and back.

Both work outside any unit of work: the backup reads through pg_dump's own snapshot (or
SQLite's online backup), and the restore writes into an empty database with pg_restore.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.operations.backup import BackupError, restore_backup, write_backup
from app.services.files.storage import file_storage


def _default_target() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(current_app.instance_path) / "backups" / f"corridor-{stamp}.tar.gz"


@click.command("backup")
@with_appcontext
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the archive (default: instance/backups/corridor-<time>.tar.gz).",
)
def backup_command(output: Path | None) -> None:
    """Write the database and every stored file, with their SHA-256s, to one archive."""
    target = output or _default_target()
    try:
        summary = write_backup(db.engine, file_storage(), target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"backup written: {target} ({summary.database} database, {summary.files} files,"
        f" {summary.byte_size} bytes of files)"
    )


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """Restore an archive from ``flask backup`` into an empty database and file storage."""
    db.session.remove()  # no open transaction may hold the database while it is replaced
    try:
        summary = restore_backup(db.engine, file_storage(), archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"restored: {archive} ({summary.database} database, {summary.files} files);"
        " run `flask db upgrade` if this release is newer than the backup"
    )
