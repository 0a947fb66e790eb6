"""Where facet counts and page orders are kept between requests, for every process.

Two levels, both keyed by the filter set and the catalogue version (read from the
database by every page, see app/services/catalog/facets.py), so neither can answer for a
catalogue that has moved on:

- ``SHARED_FACETS``: the counts, shared by every process: Redis when ``REDIS_URL`` is
  configured, else a small SQLite file in the instance folder (WAL: readers never wait),
  so a filter set counted by one gunicorn worker is not counted again by the next.
  Values are pickled ``Facets``; the store is ours and trusted like the database.
- ``CATALOG_CACHE``: this process's copy of recent entries and the listing ids of the
  pages it served, least recently used first out. Only a copy: an entry is used only when
  its version is the one just read.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from flask import current_app

from app.services.catalog.facets import Facets

CACHE_ENTRIES = 2048
CACHE_SECONDS = 600.0
PAGES_PER_ENTRY = 32


@dataclass
class CacheEntry:
    """What one filter set showed at one catalogue version: counts and page orders."""

    version: Hashable
    stored_at: float
    facets: Facets
    # (sort, page) -> the listing ids of that page, in order.
    pages: dict[Hashable, tuple[int, ...]] = field(default_factory=dict)


class CatalogCache:
    """Least-recently-used results per filter set, each valid for one catalogue version."""

    def __init__(self, max_entries: int = CACHE_ENTRIES, seconds: float = CACHE_SECONDS) -> None:
        self.max_entries = max_entries
        self.seconds = seconds
        self._entries: OrderedDict[Hashable, CacheEntry] = OrderedDict()
        # gthread workers share the cache between threads.
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> CacheEntry | None:
        """The entry of ``key`` if younger than the time limit (its version is not checked)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry.stored_at > self.seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def store(self, key: Hashable, version: Hashable, facets: Facets) -> CacheEntry:
        """A fresh entry (no page orders yet) replacing whatever ``key`` had."""
        entry = CacheEntry(version, time.monotonic(), facets)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return entry

    def remember_page(
        self, key: Hashable, version: Hashable, page: Hashable, ids: tuple[int, ...]
    ) -> None:
        """Keep the order of one page, if the entry of ``key`` is still at ``version``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version:
                return
            if len(entry.pages) >= PAGES_PER_ENTRY:
                entry.pages.pop(next(iter(entry.pages)))
            entry.pages[page] = ids

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
        SHARED_FACETS.clear()


CATALOG_CACHE = CatalogCache()


class _Store(Protocol):
    def get(self, key: str) -> bytes | None: ...
    def put(self, key: str, value: bytes, seconds: int) -> None: ...
    def clear(self) -> None: ...


class _RedisStore:
    PREFIX = "corridor:facets:"

    def __init__(self, url: str) -> None:
        import redis

        self._client: Any = redis.Redis.from_url(url)

    def get(self, key: str) -> bytes | None:
        value = self._client.get(self.PREFIX + key)
        return value if isinstance(value, bytes) else None

    def put(self, key: str, value: bytes, seconds: int) -> None:
        self._client.set(self.PREFIX + key, value, ex=seconds)

    def clear(self) -> None:
        keys = list(self._client.scan_iter(self.PREFIX + "*"))
        if keys:
            self._client.delete(*keys)


class _FileStore:
    """A key-value table in its own SQLite file, apart from the catalogue's database, so
    writing the cache never takes the catalogue's write lock or joins its transaction."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self._path, timeout=5, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS facets"
                " (key TEXT PRIMARY KEY, value BLOB NOT NULL, expires REAL NOT NULL)"
            )
            self._local.connection = connection
        return connection

    def get(self, key: str) -> bytes | None:
        row = (
            self._db()
            .execute("SELECT value FROM facets WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return row[0] if row else None

    def put(self, key: str, value: bytes, seconds: int) -> None:
        now = time.time()
        connection = self._db()
        try:
            connection.execute(
                "INSERT OR REPLACE INTO facets (key, value, expires) VALUES (?, ?, ?)",
                (key, value, now + seconds),
            )
            # Expired entries go a few at a time, so the file stays the size of an hour's use.
            connection.execute(
                "DELETE FROM facets WHERE key IN"
                " (SELECT key FROM facets WHERE expires < ? LIMIT 20)",
                (now,),
            )
        except sqlite3.OperationalError:
            # Busy beyond the timeout: the counts are merely not shared this once.
            return

    def clear(self) -> None:
        self._db().execute("DELETE FROM facets")


class SharedFacets:
    """Facet counts per (filter set, catalogue version), shared by all processes."""

    def __init__(self) -> None:
        self._stores: dict[str, _Store] = {}
        self._lock = threading.Lock()

    def _store(self) -> tuple[_Store, str]:
        config = current_app.config
        database = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
        url = config.get("REDIS_URL") or ""
        name = url or str(Path(current_app.instance_path) / "catalog_facets.sqlite3")
        with self._lock:
            store = self._stores.get(name)
            if store is None:
                store = _RedisStore(url) if url else _FileStore(Path(name))
                self._stores[name] = store
        return store, database

    @staticmethod
    def _key(database: str, filters: Hashable, version: Hashable) -> str:
        return hashlib.sha256(repr((database, filters, version)).encode()).hexdigest()

    def get(self, filters: Hashable, version: Hashable) -> Facets | None:
        store, database = self._store()
        value = store.get(self._key(database, filters, version))
        # Written only by this class into our own store, trusted like the database.
        facets = pickle.loads(value) if value is not None else None  # noqa: S301
        return facets if isinstance(facets, Facets) else None

    def put(self, filters: Hashable, version: Hashable, facets: Facets) -> None:
        store, database = self._store()
        value = pickle.dumps(facets, protocol=pickle.HIGHEST_PROTOCOL)
        store.put(self._key(database, filters, version), value, int(CACHE_SECONDS))

    def clear(self) -> None:
        with self._lock:
            stores = list(self._stores.values())
        for store in stores:
            store.clear()


SHARED_FACETS = SharedFacets()
