"""Background jobs on Huey: one code path, SQLite storage embedded, Redis when configured.

``huey`` is a module-level queue so ``@job`` can decorate at import; ``configure_queue``
points its storage at what the app's configuration names. The consumer imports
``app.worker.huey``, which builds the app once per process and configures the same queue.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from flask import Flask, has_app_context
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

from app.operations.logs import (
    current_request_id,
    new_request_id,
    reset_request_id,
    set_request_id,
)
from app.operations.metrics import JOBS_FAILED

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

huey = Huey("corridor", storage_class=SqliteStorage, filename=":memory:", immediate=True)
_queue_app: list[Flask] = []
# Every ``@job`` by its name: services ask for jobs by these names (``app.services.jobs``).
_JOBS: dict[str, Any] = {}
# Importing a task module registers its jobs under their names.
TASK_MODULES = (
    "app.tasks.catalog",
    "app.tasks.documents",
    "app.tasks.email",
    "app.tasks.exports",
    "app.tasks.reminders",
    "app.tasks.storage",
    "app.tasks.recovery",
    "app.tasks.messages",
    "app.tasks.quotations",
    "app.tasks.claims",
    "app.tasks.statistics",
    "app.tasks.licences",
    "app.tasks.webhooks",
)


def dispatch(name: str, *args: Any) -> None:
    """Put the job named ``name`` on the queue (run at once when the queue is immediate).

    The job carries the id of the request that asked for it: its log lines name it.
    """
    _JOBS[name](*args, corridor_request_id=current_request_id())


def configure_queue(app: Flask) -> None:
    """Point the queue at Redis (``REDIS_URL``) or the SQLite file, or run jobs inline."""
    huey.name = app.config.get("HUEY_NAME", "corridor")
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": redis_url}
    else:
        path = Path(app.config.get("HUEY_SQLITE_PATH") or Path(app.instance_path) / "queue.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": str(path)}
    immediate = bool(app.config.get("HUEY_IMMEDIATE", False))
    huey._immediate = immediate  # set directly: the setter only rebuilds on a change
    huey.storage = huey.create_storage()
    _queue_app[:] = [app]
    for module in TASK_MODULES:
        importlib.import_module(module)


def in_app_context() -> AbstractContextManager[object]:
    """The queue's app context, unless one is active (periodic tasks start without one)."""
    return nullcontext() if has_app_context() else _queue_app[0].app_context()


def job(
    retries: int = 3, retry_delay: int = 30, own_transactions: bool = False
) -> Callable[[Callable[P, None]], Any]:
    """A Huey task run inside the app context as one transaction: commit or roll back.

    ``own_transactions``: the task commits its own short transactions (one that waits on
    the network between them must not hold SQLite's write lock); a failure still rolls back.
    """

    def decorator(func: Callable[P, None]) -> Any:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> None:
            from app.database import commit, rollback, write_intent

            asked_by = kwargs.pop("corridor_request_id", None)
            token = set_request_id(str(asked_by) if asked_by else new_request_id())
            with in_app_context(), nullcontext() if own_transactions else write_intent():
                try:
                    func(*args, **kwargs)
                    if not own_transactions:
                        commit()
                except Exception:
                    rollback()
                    JOBS_FAILED.labels(func.__name__).inc()
                    log.exception("job %s failed", func.__name__, extra={"job": func.__name__})
                    raise
                finally:
                    reset_request_id(token)

        task = huey.task(retries=retries, retry_delay=retry_delay, name=func.__name__)(run)
        _JOBS[func.__name__] = task
        return task

    return decorator
