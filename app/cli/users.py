"""``flask users create-operator EMAIL``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.cli import unit_of_work
from app.services.accounts.operators import create_operator
from app.services.errors import DomainError

users_cli = AppGroup("users", help="Manage platform users.")


@users_cli.command("create-operator")
@click.argument("email")
@click.option("--name", default="Platform operator", show_default=True)
@click.password_option(
    "--password", envvar="CORRIDOR_OPERATOR_PASSWORD", help="Prompted for when not given."
)
@unit_of_work
def create_operator_command(email: str, name: str, password: str) -> None:
    """Create a platform operator who verifies companies and reads the audit log."""
    try:
        create_operator(email=email, full_name=name, password=password)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Operator {email.strip().lower()} created.")
