"""Extension instances, bound to the app in ``create_app``."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.pool import ConnectionPoolEntry

from app.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def login_email_key() -> str:
    """Throttle key for the account being tried, whoever tries it."""
    return "login-account:" + (request.form.get("email") or "").strip().lower()


# SQLite read tuning per connection (see _sqlite_on_connect): a 2 GiB map covers a
# catalogue of a million listings; 32 MiB of page cache per pooled connection.
SQLITE_MMAP_BYTES = 2 * 1024**3
SQLITE_CACHE_KIB = 32 * 1024


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, connection_record: object) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling breaks SAVEPOINT and BEGIN IMMEDIATE: take it
    # over (the recipe from SQLAlchemy's SQLite dialect docs) and emit BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA journal_mode = WAL")
    # Read pages through a memory map and keep more of them per connection: without
    # these every page a query visits is a read() system call into a 2 MB cache, and
    # a catalogue filter that visits 5,000 listings took 60 ms instead of 12 (issue
    # #24). The map is address space, not memory: the OS pages the file in as read.
    cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    cursor.close()


# SQLite takes a transaction's write lock only at its first write; two transactions that
# both read first then cannot both write, and one fails with "database is locked" instead
# of waiting. Units of work that will write declare it, and on SQLite their transaction
# then begins IMMEDIATE: it takes the write lock up front and waits its turn (busy
# timeout). PostgreSQL ignores this: row locks and conditional UPDATEs do the work there.
_write_intent: ContextVar[bool] = ContextVar("corridor_write_intent", default=False)


def wants_write_lock() -> bool:
    return _write_intent.get()


@contextmanager
def write_intent() -> Iterator[None]:
    """Transactions begun inside take SQLite's write lock at once (see above)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection: Any) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if wants_write_lock() else "BEGIN")


# A connection handed back moments ago is alive: pinging it before every request (what
# pool_pre_ping does) cost a round trip on every page. One idle longer than this is pinged
# before use and, if the server has gone away meanwhile, replaced by the pool.
PING_AFTER_IDLE_SECONDS = 10.0


def ping_idle_connections(engine: Engine) -> None:
    """Ping ``engine``'s pooled connections that sat idle, before they are used again."""

    @event.listens_for(engine, "checkin")
    def _note_idle(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # As pool_pre_ping does: the server went away, so every pooled connection is
            # stale; the pool drops them all and checks out a new one.
            raise InvalidatePoolError("idle connection no longer answers") from error
