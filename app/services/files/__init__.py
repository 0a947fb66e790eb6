"""Uploaded files: checked once (``checks``), kept in the configured storage (``storage``).

Every feature that takes a file from a user (RFQ specifications, message attachments,
licence scans, bills of lading, claim evidence) calls ``store_upload`` and links the
returned ``StoredFile`` from its own rows; whoever serves it back decides first whether
the viewer may see it (the linking row's company scope) and then uses
``app.web.files.send_stored``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from typing import IO

from app.extensions import db
from app.models.stored_file import StoredFile
from app.models.user import User
from app.services.files.checks import EXTENSIONS, clean_upload, download_name
from app.services.files.storage import file_storage

__all__ = ["read_stored", "store_upload", "stream_stored"]


def store_upload(
    user: User, upload: bytes | IO[bytes], *, filename: str | None, purpose: str, field: str
) -> StoredFile:
    """Check, store and record one upload for ``user``'s company (flushed, not committed).

    The bytes are written before the row; if the transaction then rolls back, the file is
    an orphan that the sweep removes, never a row without its file.
    """
    if user.company_id is None:
        raise ValueError("only a company's user uploads trade files")
    content, content_type = clean_upload(upload, field)
    key = f"{secrets.token_urlsafe(24)}.{EXTENSIONS[content_type]}"
    file_storage().put(key, content, content_type)
    stored = StoredFile(
        company_id=user.company_id,
        uploaded_by_id=user.id,
        purpose=purpose,
        filename=download_name(filename, content_type, purpose.replace("_", "-")),
        content_type=content_type,
        byte_size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        storage_key=key,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def read_stored(stored: StoredFile) -> bytes:
    return file_storage().read(stored.storage_key)


def stream_stored(stored: StoredFile) -> Iterator[bytes]:
    return file_storage().stream(stored.storage_key)
