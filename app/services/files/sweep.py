"""Removing files nothing refers to: uploads whose transaction rolled back, stray halves.

A file is written before the row that names it commits, so a young unreferenced file
may be an upload in flight: only files older than ``GRACE`` are considered. Keys are
looked up in batches, so memory stays bounded whatever the number of files. Register
ZIPs are not touched here (``register_zip.remove_old_zips`` keeps them a week).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import ProductImage
from app.models.finance import RegisterExport
from app.models.stored_file import StoredFile
from app.services.files.keys import KEY, StoredEntry
from app.services.files.storage import LocalStorage, file_storage

GRACE = timedelta(hours=6)
BATCH = 500
_EXPORT_ZIP = re.compile(r"([A-Za-z0-9]{8,40})\.zip")


def _referenced(keys: list[str]) -> set[str]:
    found: set[str] = set()
    found.update(
        db.session.scalars(select(StoredFile.storage_key).where(StoredFile.storage_key.in_(keys)))
    )
    found.update(
        db.session.scalars(
            select(ProductImage.storage_key).where(ProductImage.storage_key.in_(keys))
        )
    )
    found.update(
        db.session.scalars(
            select(ProductImage.thumbnail_key).where(ProductImage.thumbnail_key.in_(keys))
        )
    )
    exports = {match.group(1): key for key in keys if (match := _EXPORT_ZIP.fullmatch(key))}
    if exports:
        found.update(
            exports[public_id]
            for public_id in db.session.scalars(
                select(RegisterExport.public_id).where(RegisterExport.public_id.in_(exports))
            )
        )
    return found


def _batches(entries: Iterable[StoredEntry]) -> Iterable[list[StoredEntry]]:
    batch: list[StoredEntry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def sweep_orphans(now: datetime) -> list[str]:
    """Delete stored files older than ``GRACE`` that no row names; returns their keys."""
    storage = file_storage()
    removed: list[str] = []
    old = (entry for entry in storage.inventory() if now - entry.modified_at > GRACE)
    for batch in _batches(old):
        shaped = [entry.key for entry in batch if KEY.fullmatch(entry.key)]
        keep = _referenced(shaped) if shaped else set()
        for entry in batch:
            if entry.key in keep:
                continue
            if KEY.fullmatch(entry.key):
                storage.delete(entry.key)
            elif isinstance(storage, LocalStorage):
                # A temporary ".upload-*" file a crashed write left behind: not a key.
                (storage.root / entry.key).unlink(missing_ok=True)
            else:
                continue
            removed.append(entry.key)
    return removed


__all__ = ["GRACE", "sweep_orphans"]
