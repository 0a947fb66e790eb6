"""Services ask for background work by name; it starts only once their transaction commits.

A job must not run before the data it reads is committed (a worker in another process
would not see it), and must not run at all when the transaction rolls back. Services
therefore never import tasks: they name the job here, and the unit of work
(``app.database``) hands the names to the queue after its commit. The app factory maps
names to Huey tasks (``app.tasks.dispatch``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.extensions import db

_PENDING_KEY = "corridor_pending_jobs"


class AfterCommit:
    """One thing to do after the commit: a named job, or a plain call (removing files)."""

    __slots__ = ("args", "call", "job")

    def __init__(self, job: str | None, call: Callable[..., Any] | None, args: tuple[Any, ...]):
        self.job, self.call, self.args = job, call, args


def enqueue(job: str, *args: Any) -> None:
    """Run the job named ``job`` with ``args`` once the current transaction commits."""
    db.session.info.setdefault(_PENDING_KEY, []).append(AfterCommit(job, None, args))


def after_commit(call: Callable[..., Any], *args: Any) -> None:
    """Call ``call(*args)`` in this process once the current transaction commits."""
    db.session.info.setdefault(_PENDING_KEY, []).append(AfterCommit(None, call, args))


def take_pending() -> list[AfterCommit]:
    """What the committed transaction asked for, in order; the list is emptied."""
    pending: list[AfterCommit] = db.session.info.pop(_PENDING_KEY, [])
    return pending


def pending_count() -> int:
    """How many things the transaction has asked for so far (to undo a savepoint's)."""
    return len(db.session.info.get(_PENDING_KEY, []))


def drop_pending(keep: int = 0) -> None:
    """Forget what an abandoned transaction (or savepoint) asked for: all but the first
    ``keep`` requests."""
    pending = db.session.info.get(_PENDING_KEY)
    if pending is not None:
        del pending[keep:]
