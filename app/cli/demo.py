"""``flask demo seed``: the demo world, printed logins included."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli import unit_of_work
from app.demo.seed import DEMO_PASSWORD, seed_demo

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@unit_of_work
def seed_command() -> None:
    """Create or refresh the demo companies, people and categories (idempotent)."""
    logins = seed_demo()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for login in logins:
        click.echo(f"  {login.email:<28} {login.role:<10} {login.company}")


@demo_cli.command("documents")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the PDFs into (created if missing).",
)
@unit_of_work
def documents_command(out_dir: Path) -> None:
    """Write one of every document kind for a demo order into OUT (run `demo seed` first).

    Picks the demo order with the most kinds of document, issues a credit note against its
    commercial invoice if it has none yet, renders whatever is still being prepared, and
    writes each PDF as issued (its stored bytes) under its number.
    """
    from app.demo.documents import demo_documents

    out_dir.mkdir(parents=True, exist_ok=True)
    documents = demo_documents()
    if not documents:
        raise click.ClickException("No demo order with documents: run `flask demo seed` first.")
    for document in documents:
        target = out_dir / document.filename
        target.write_bytes(document.pdf or b"")
        click.echo(f"{document.kind.value:<24} {document.number:<22} {target}")
