"""``flask demo seed``: the demo world, printed logins included."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.database import commit
from app.demo.seed import DEMO_PASSWORD, seed_demo

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def seed_command() -> None:
    """Create or refresh the demo companies, people and categories (idempotent)."""
    logins = seed_demo()
    commit()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for login in logins:
        click.echo(f"  {login.email:<28} {login.role:<10} {login.company}")
