"""Whether the configured file storage answers (the readiness check asks)."""

from __future__ import annotations

import os

from app.services.files.storage import LocalStorage, file_storage


def storage_reachable() -> bool:
    """True when files can be written where the storage keeps them."""
    storage = file_storage()
    if isinstance(storage, LocalStorage):
        root = storage.root
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        return os.access(root, os.W_OK)
    reachable = getattr(storage, "reachable", None)
    return bool(reachable()) if reachable is not None else True
