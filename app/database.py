"""The one place a unit of work ends: commit, then hand its queued jobs to the queue.

Services queue jobs with ``after_commit_job``; they must not run before the data they
read is committed (a worker on another process would not see it), and must not run at
all when the transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.extensions import db

_PENDING_KEY = "corridor_pending_jobs"


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
