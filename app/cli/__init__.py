"""Flask CLI groups: ``flask users``, ``flask demo``, ``flask bench``, ``flask payments``."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    from app.cli.bench import bench_cli
    from app.cli.demo import demo_cli
    from app.cli.payments import payments_cli
    from app.cli.users import users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(bench_cli)
    app.cli.add_command(payments_cli)
