"""Benchmark data, seeded from outside the app: ``python -m bench.seed catalog --products N``.

Run from the repository root. The app is built with ``create_app()``, configured from the
environment as for ``flask`` (``CORRIDOR_CONFIG``, ``DATABASE_URL`` ...), and its database
must be migrated first. Like a CLI command, this entry point ends the unit of work: it
commits what it seeded.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup, ScriptInfo

from app import create_app
from app.database import commit
from bench.seed_catalog import seed_catalog
from bench.seed_sellers import bench_seller_ids, wipe_bench_data

# An AppGroup runs each command in an app context: the one already pushed (tests), or one
# of the app the ScriptInfo builds (``main``).
seed_cli = AppGroup("seed", help="Benchmark data.")


@seed_cli.command("catalog")
@click.option("--products", type=click.IntRange(1, 2_000_000), required=True)
@click.option("--sellers", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--replace", is_flag=True, help="Delete earlier bench sellers and listings first.")
def seed_catalog_command(products: int, sellers: int, seed: int, replace: bool) -> None:
    """Seed a deterministic catalogue of PRODUCTS listings across SELLERS verified sellers."""
    if bench_seller_ids():
        if not replace:
            raise click.ClickException(
                "This database already holds bench sellers and listings. Run with --replace"
                " to delete them first, or seed a fresh database."
            )
        removed = wipe_bench_data()
        click.echo(f"Removed {removed} earlier bench listings.")
    result = seed_catalog(products, sellers, seed)
    commit()
    click.echo(
        f"Seeded {result.products} listings ({result.published} published) from"
        f" {result.sellers} sellers in {result.seconds:.1f} s."
    )


def main() -> None:
    seed_cli.main(prog_name="python -m bench.seed", obj=ScriptInfo(create_app=create_app))


if __name__ == "__main__":
    main()
