"""``flask payments reconcile``: apply card events missed while the webhook was down."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.database import commit, write_intent
from app.payments.gateway import GatewayError, configured_gateway
from app.services.payments.cards import reconcile

payments_cli = AppGroup("payments", help="Card payments.")


@payments_cli.command("reconcile")
def reconcile_command() -> None:
    """Fetch the provider's events since the last one applied and apply any missed."""
    gateway = configured_gateway()
    if gateway is None:
        raise click.ClickException("Card payments are not configured (no Stripe keys).")
    with write_intent():
        try:
            counts = reconcile(gateway, commit)
        except GatewayError as error:
            raise click.ClickException(f"The card service did not answer: {error}") from error
    if not counts:
        click.echo("No new events.")
    for outcome, count in sorted(counts.items()):
        click.echo(f"{count:>6} {outcome}")
