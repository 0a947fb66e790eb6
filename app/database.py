"""The one place a unit of work ends: commit, then hand what it queued to the job queue.

Only the boundaries call ``commit`` and ``rollback``: the web boundary
(``app.web.boundary``) once per request, the ``@job`` decorator once per job, CLI commands
once per command. Services flush and queue jobs by name (``app.services.jobs``); the jobs
start here, after the commit, and are forgotten on rollback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.extensions import db, wants_write_lock, write_intent
from app.services.jobs import drop_pending, take_pending

__all__ = [
    "bind_job_queue",
    "commit",
    "database_reachable",
    "rollback",
    "wants_write_lock",
    "write_intent",
]

# Set by the app factory: how a job named by a service is put on the queue.
_dispatch: list[Callable[..., Any]] = []


def bind_job_queue(dispatch: Callable[..., Any]) -> None:
    """``dispatch(name, *args)`` puts the named job on the queue (``app.tasks.dispatch``)."""
    _dispatch[:] = [dispatch]


def commit() -> None:
    """Commit the session, then start the jobs and calls the transaction asked for."""
    db.session.commit()
    for pending in take_pending():
        if pending.job is not None:
            _dispatch[0](pending.job, *pending.args)
        elif pending.call is not None:
            pending.call(*pending.args)


def rollback() -> None:
    """Roll back and forget any jobs the abandoned transaction queued."""
    db.session.rollback()
    drop_pending()


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
