"""The one place a unit of work ends: commit, then hand its queued jobs to the queue.

Services queue jobs with ``after_commit_job``; they must not run before the data they
read is committed (a worker on another process would not see it), and must not run at
all when the transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from app.extensions import db

_PENDING_KEY = "corridor_pending_jobs"

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


def after_commit_job(task: Callable[..., Any], *args: Any) -> None:
    """Enqueue ``task(*args)`` once the current transaction commits."""
    db.session.info.setdefault(_PENDING_KEY, []).append((task, args))


def commit() -> None:
    """Commit the session, then enqueue the jobs the transaction asked for."""
    db.session.commit()
    pending = db.session.info.pop(_PENDING_KEY, [])
    for task, args in pending:
        task(*args)


def rollback() -> None:
    """Roll back and forget any jobs the abandoned transaction queued."""
    db.session.rollback()
    db.session.info.pop(_PENDING_KEY, None)


def database_reachable() -> bool:
    """Whether the database answers a trivial query (for the health check)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        rollback()
        return False
    return True
