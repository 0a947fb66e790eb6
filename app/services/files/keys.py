"""What every storage backend shares: the shape of a key, the chunk size, a listed entry.

Apart from ``storage`` so that a backend module (``s3``) and the chooser
(``storage.file_storage``) need not import each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

KEY = re.compile(r"^[A-Za-z0-9_-]{8,120}(\.[a-z0-9]{1,8})?$")
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class StoredEntry:
    """One file as the storage lists it: the sweep keeps the young ones (maybe uncommitted)."""

    key: str
    byte_size: int
    modified_at: datetime


def checked_key(key: str) -> str:
    if not KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key
