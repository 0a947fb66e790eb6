"""``flask storage``: move old files into the file storage, sweep orphans now."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.cli import unit_of_work
from app.models.base import utcnow
from app.services.files.moving import adopt_media, move_proofs
from app.services.files.sweep import sweep_orphans

storage_cli = AppGroup("storage", help="The file storage (local directory or S3 bucket).")


@storage_cli.command("move-proofs")
@click.option("--batch", default=200, show_default=True, help="Proofs per transaction.")
def move_proofs_command(batch: int) -> None:
    """Move transfer proofs kept in the database (before 0019) into the file storage."""
    moved = 0
    while count := unit_of_work(move_proofs)(batch):
        moved += count
    click.echo(f"moved {moved} transfer proofs into the file storage")


@storage_cli.command("adopt-media")
@click.option(
    "--from",
    "media_root",
    type=click.Path(file_okay=False, path_type=Path),
    help="The old listing photo directory (default: MEDIA_ROOT).",
)
def adopt_media_command(media_root: Path | None) -> None:
    """Copy listing photos from the old MEDIA_ROOT directory into the file storage."""
    root = media_root or Path(current_app.config["MEDIA_ROOT"])
    click.echo(f"copied {adopt_media(root)} listing photos from {root} into the file storage")


@storage_cli.command("sweep")
def sweep_command() -> None:
    """Remove stored files that nothing refers to (as the nightly job does)."""
    removed = unit_of_work(sweep_orphans)(utcnow())
    click.echo(f"removed {len(removed)} orphaned files")
