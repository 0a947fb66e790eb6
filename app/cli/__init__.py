"""Flask CLI groups: ``flask users``, ``flask demo``, ``flask payments``, ``flask finance``.

Each command is one unit of work (``unit_of_work``), as each request is (``app.web.boundary``)
and each job (``app.tasks.job``): commands never commit or roll back by hand.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask

from app.database import commit, rollback, write_intent

P = ParamSpec("P")
R = TypeVar("R")


def unit_of_work(command: Callable[P, R]) -> Callable[P, R]:
    """Run ``command`` as one transaction: committed when it returns, rolled back when it
    raises (a ``click.ClickException`` included), the queued jobs started or dropped with it.

    Write intent from the first statement, as in a job: a command that reads, then writes,
    must not find SQLite's write lock taken in between. Put it under the click decorators.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with write_intent():
            try:
                result = command(*args, **kwargs)
            except Exception:
                rollback()
                raise
            commit()
        return result

    return run


def register_cli(app: Flask) -> None:
    from app.cli.backup import backup_command, restore_command
    from app.cli.demo import demo_cli
    from app.cli.finance import finance_cli
    from app.cli.payments import payments_cli
    from app.cli.storage import storage_cli
    from app.cli.users import users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(payments_cli)
    app.cli.add_command(finance_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(storage_cli)
    app.cli.add_command(restore_command)
