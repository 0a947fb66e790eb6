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
    """Index the published listings with ids in [first_id, last_id] in one statement.

    Mirrors ``catalog_index._document`` and ``reindex_product``: title; description and
    specifications; the HS code with its chapter, heading and subheading prefixes; the
    seller's legal names.
    """
    bounds = {"first": first_id, "last": last_id, "published": ProductStatus.PUBLISHED.value}
    if connection.dialect.name == "sqlite":
        connection.execute(
            text(
                "INSERT INTO product_search (rowid, title, body, hs_code, seller)"
                " SELECT p.id, p.title,"
                "  p.description || ' ' || coalesce(("
                "   SELECT group_concat(s.name || ' ' || s.value, ' ')"
                "   FROM product_specifications s WHERE s.product_id = p.id), ''),"
                "  p.hs_code || ' ' || substr(p.hs_code, 1, 2) || ' '"
                "   || substr(p.hs_code, 1, 4) || ' ' || substr(p.hs_code, 1, 6),"
                "  c.legal_name || ' ' || coalesce(c.legal_name_local, '')"
                " FROM products p JOIN companies c ON c.id = p.seller_id"
                " WHERE p.id BETWEEN :first AND :last AND p.status = :published"
                " ORDER BY p.id"
            ),
            bounds,
        )
        return
    connection.execute(
        text(
            "INSERT INTO product_search (product_id, document)"
            " SELECT p.id,"
            "  setweight(to_tsvector('english', p.title), 'A')"
            "  || setweight(to_tsvector('simple', p.hs_code || ' ' || left(p.hs_code, 2) || ' '"
            "     || left(p.hs_code, 4) || ' ' || left(p.hs_code, 6) || ' '"
            "     || c.legal_name || ' ' || coalesce(c.legal_name_local, '')), 'B')"
            "  || setweight(to_tsvector('english', p.description || ' ' || coalesce(("
            "     SELECT string_agg(s.name || ' ' || s.value, ' ' ORDER BY s.position)"
            "     FROM product_specifications s WHERE s.product_id = p.id), '')), 'C')"
            " FROM products p JOIN companies c ON c.id = p.seller_id"
            " WHERE p.id BETWEEN :first AND :last AND p.status = :published"
            " ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document"
        ),
        bounds,
    )
