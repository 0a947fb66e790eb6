"""Racing requests: jobs in threads, each with its own app context, session and connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from app.database import commit, rollback, write_intent
from app.extensions import db
from app.services.errors import DomainError


def race(app: Flask, jobs: list[Callable[[], str]]) -> list[str]:
    """Run each job in its own thread and app context, all released at once; each result
    is the job's answer, ``refused: ...`` for a domain refusal or ``crashed: ...``."""
    barrier = threading.Barrier(len(jobs))
    results: list[str] = [""] * len(jobs)

    def run(index: int) -> None:
        with app.app_context(), write_intent():
            barrier.wait()
            try:
                results[index] = jobs[index]()
                commit()
            except DomainError as error:
                rollback()
                results[index] = f"refused: {error}"
            except Exception as error:  # reported in the assertion
                rollback()
                results[index] = f"crashed: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
