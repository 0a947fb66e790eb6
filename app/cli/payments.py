"""``flask payments reconcile``: apply card events missed while the webhook was down."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.database import commit, rollback, write_intent
from app.payments.gateway import GatewayError, PaymentGateway, configured_gateway
from app.services.payments.cards import UnknownIntent, apply_event, missed_events

payments_cli = AppGroup("payments", help="Card payments.")


def reconcile(gateway: PaymentGateway) -> dict[str, int]:
    """Apply the missed events, each in a unit of work of its own; how many had each outcome.

    One transaction per event, as the webhook has: an outage part way through keeps the
    events applied before it, and running again applies the rest once.
    """
    counts: dict[str, int] = {}
    with write_intent():
        for event in missed_events(gateway):
            try:
                outcome = apply_event(event)
            except UnknownIntent:
                rollback()
                outcome = "unknown intent"
            except Exception:
                rollback()
                raise
            else:
                commit()
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@payments_cli.command("reconcile")
def reconcile_command() -> None:
    """Fetch the provider's events since the last one applied and apply any missed."""
    gateway = configured_gateway()
    if gateway is None:
        raise click.ClickException("Card payments are not configured (no Stripe keys).")
    try:
        counts = reconcile(gateway)
    except GatewayError as error:
        raise click.ClickException(f"The card service did not answer: {error}") from error
    if not counts:
        click.echo("No new events.")
    for outcome, count in sorted(counts.items()):
        click.echo(f"{count:>6} {outcome}")
