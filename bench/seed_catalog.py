"""A large, deterministic catalogue for the benchmarks in bench/; ``python -m bench.seed
catalog`` runs it.

The same ``--seed`` gives the same sellers and listings (titles, prices, terms, order of
ids); only the random public ids differ. Rows go in with bulk inserts in batches and the
full-text index is filled by one ``INSERT ... SELECT`` that mirrors
``app.services.catalog.index.reindex_product``, so 100,000 listings take well under a
minute on SQLite. Bench sellers are recognised by their e-mail domain; the command refuses
to run twice on the same database unless ``--replace`` wipes the earlier bench data first.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from app.extensions import db
from app.models import (
    Category,
    PriceTier,
    Product,
    ProductIncoterm,
    ProductStatus,
    Specification,
)
from app.services.catalog.categories import CATEGORY_TREE, ensure_category_tree
from app.services.catalog.index import search_document, write_index_rows
from app.services.catalog.search import refresh_catalogue_counts
from bench.seed_catalog_data import TRADES
from bench.seed_listings import ListingRows, draw_listing
from bench.seed_sellers import Seller, create_sellers

BATCH_SIZE = 5_000


@dataclass
class SeededCatalog:
    """What ``seed_catalog`` made, for the command's summary line."""

    sellers: int
    products: int
    published: int
    seconds: float


def _leaf_parents() -> dict[str, str]:
    """Leaf category slug -> top-level slug, from the category tree."""
    parents: dict[str, str] = {}
    for slug, _en, _zh, _ur, children in CATEGORY_TREE:
        parents[slug] = slug
        for child in children:
            parents[child[0]] = slug
    return parents


def _product_ids(connection: Connection, count: int) -> Iterator[int]:
    """``count`` fresh ids: from the sequence on PostgreSQL, after the highest on SQLite."""
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('products', 'id'))"
                " FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
        return (row[0] for row in rows)
    start = (connection.execute(select(func.max(Product.id))).scalar() or 0) + 1
    return iter(range(start, start + count))


def _batches(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def seed_catalog(products: int, sellers: int = 200, seed: int = 42) -> SeededCatalog:
    """Create ``sellers`` verified sellers and ``products`` listings (flushes, never commits)."""
    started = time.perf_counter()
    rng = random.Random(seed)  # reproducible data, not secrets
    ensure_category_tree()
    categories = {c.slug: c.id for c in db.session.scalars(select(Category))}
    parents = _leaf_parents()
    seller_rows = create_sellers(rng, sellers)
    by_trade: dict[str, list[Seller]] = {trade: [] for trade in TRADES}
    for seller in seller_rows:
        for trade in seller.trades:
            by_trade[trade].append(seller)

    connection = db.session.connection()
    ids = list(_product_ids(connection, products))
    published = 0
    for batch in _batches(ids, BATCH_SIZE):
        listings = [
            draw_listing(rng, product_id, by_trade, seller_rows, categories, parents)
            for product_id in batch
        ]
        published += sum(listing.published for listing in listings)
        _insert(connection, listings)
    if ids:
        _index(connection, min(ids), max(ids))
    # The kept facet counts, as the job consumer would take them within the minute.
    refresh_catalogue_counts()
    if connection.dialect.name == "postgresql":
        # What autovacuum would do soon after a bulk load; the planner needs the statistics.
        connection.execute(
            text(
                "ANALYZE companies, products, price_tiers, product_incoterms,"
                " product_specifications, product_search"
            )
        )
    return SeededCatalog(len(seller_rows), products, published, time.perf_counter() - started)


def _insert(connection: Connection, listings: Sequence[ListingRows]) -> None:
    """One bulk insert per table for a batch of listings, parents first."""
    connection.execute(insert(Product), [listing.product for listing in listings])
    connection.execute(insert(PriceTier), [row for listing in listings for row in listing.tiers])
    connection.execute(
        insert(ProductIncoterm), [row for listing in listings for row in listing.incoterms]
    )
    connection.execute(
        insert(Specification), [row for listing in listings for row in listing.specifications]
    )


def _index(connection: Connection, first_id: int, last_id: int) -> None:
    """Index the published listings with ids in [first_id, last_id], a batch at a time.

    The words are made by ``search_document``, as ``reindex_product`` makes them for one
    listing (Chinese as bigrams, codes both ways), so the bench searches what users do.
    """
    specs = (
        "SELECT group_concat(s.name || ' ' || s.value, ' ') FROM product_specifications s"
        " WHERE s.product_id = p.id"
        if connection.dialect.name == "sqlite"
        else "SELECT string_agg(s.name || ' ' || s.value, ' ' ORDER BY s.position)"
        " FROM product_specifications s WHERE s.product_id = p.id"
    )
    # Only constants of this function are put together: the values are bound.
    statement = text(
        "SELECT p.id, p.title, p.title_zh, p.title_ur, p.description, p.description_zh,"  # noqa: S608
        f" p.description_ur, p.hs_code, p.un_number, ({specs}) AS specs,"
        " c.legal_name, c.legal_name_local, c.name_zh, c.name_ur"
        " FROM products p JOIN companies c ON c.id = p.seller_id"
        " WHERE p.id BETWEEN :first AND :last AND p.status = :published ORDER BY p.id"
    )
    for start in range(first_id, last_id + 1, BATCH_SIZE):
        bounds = {
            "first": start,
            "last": min(start + BATCH_SIZE - 1, last_id),
            "published": ProductStatus.PUBLISHED.value,
        }
        batch = connection.execute(statement, bounds).all()
        write_index_rows(
            connection,
            [
                {
                    "id": row.id,
                    **search_document(
                        (row.title, row.title_zh, row.title_ur),
                        (row.description, row.description_zh, row.description_ur, row.specs),
                        row.hs_code,
                        row.un_number,
                        (row.legal_name, row.legal_name_local, row.name_zh, row.name_ur),
                    ),
                }
                for row in batch
            ],
        )
