"""``flask finance check``: prove the payments ledger holds for every order.

For each order: paid = receipts counted - reversals - refunds, the milestones' states and
the order's payment status follow from it. Read-only: prints each problem and exits
non-zero if there is any. ``--repair`` stores the figures the ledger gives on the orders
whose stored ones differ (after a change of the rules), in one unit of work.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.cli import unit_of_work
from app.services.payments.ledger import check_all, repair_figures

finance_cli = AppGroup("finance", help="The payments ledger.")


@unit_of_work
def _repair() -> list[str]:
    return repair_figures()


@finance_cli.command("check")
@click.option(
    "--repair",
    is_flag=True,
    help="First store the figures the ledger gives where the stored ones differ.",
)
def check_command(repair: bool) -> None:
    """Check every order's payments against its ledger; exit 1 if any problem is found."""
    if repair:
        for reference in _repair():
            click.echo(f"repaired {reference}")
    problems = check_all()  # read only: the app context's end closes the session
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the payments ledger.")
    click.echo("The payments ledger holds.")
