"""Facet counts of the catalogue, and the per-process cache that makes pages cheap.

Counting scans every matching listing (all 100,000 of an unfiltered page), and ranking a
search computes bm25 for every match: far too much work per request. So each process keeps,
per normalised filter set (words and filters; not the sort or page), the facet counts and
the listing ids of the pages it has served, together with the catalogue version they
belong to.

The version is ``(max(products.updated_at), max(companies.verification_decided_at))``,
read by the same statement that fetches the page's rows, so checking it costs no extra
round trip. Every change that moves a count moves it: publishing, editing, archiving or
suspending a listing and reserving stock through the ORM or a Core UPDATE all write
``updated_at`` (its ``onupdate``); verifying or suspending a seller writes
``verification_decided_at``. Each gunicorn process (and machine) holds its own cache but
reads the version from the shared database on every page, so they agree without telling
each other anything. Counts are always those of the version just read; a cached page
order found out of date serves that one answer, its rows fetched fresh and checked again
for visibility, so the worst staleness is a just-published listing missing from one
answer per process.

A 60-second lifetime bounds what the version cannot see: a writer whose clock lags
behind the newest ``updated_at`` (several machines), category or seller renames, and
writes made with raw SQL. At most 2,048 filter sets (32 pages each) are kept per
process, least recently used first out.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import Category, Company, Product, ProductIncoterm

TOP_SELLERS = 20
CACHE_ENTRIES = 2048
CACHE_SECONDS = 60.0
PAGES_PER_ENTRY = 32


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SellerFacet:
    public_id: str
    name: str
    name_local: str | None
    count: int


@dataclass(frozen=True)
class CategoryFacet:
    """A category with the listings in it and in all its subcategories."""

    slug: str
    name_en: str
    name_zh: str
    name_ur: str
    depth: int
    count: int

    def name_for(self, locale: str) -> str:
        """The name in ``locale``, as ``Category.name_for`` chooses it."""
        return Category.name_for(self, locale)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Facets:
    total: int
    # Categories holding matches, parents before children, counts rolled up.
    categories: tuple[CategoryFacet, ...]
    # Every category by slug (count may be 0), to name a selected one.
    category_names: dict[str, CategoryFacet]
    origins: tuple[FacetCount, ...]
    sellers: tuple[SellerFacet, ...]
    currencies: tuple[FacetCount, ...]
    incoterms: tuple[FacetCount, ...]
    in_stock: int
    dangerous: int


# -- the statement ----------------------------------------------------------------------

_COLUMNS = ("facet", "id", "value", "name", "name_zh", "name_ur", "parent_id", "position", "n")
_TYPES = {"id": sa.Integer, "parent_id": sa.Integer, "position": sa.Integer, "n": sa.Integer}


def _row(facet: str, **columns: object) -> sa.Select:  # type: ignore[type-arg]
    """A SELECT with the facet row's nine columns, NULL (typed) where not given."""
    values: list[sa.ColumnElement[Any]] = [
        sa.literal_column(f"'{facet}'", sa.String).label("facet")
    ]
    for name in _COLUMNS[1:]:
        value = columns.get(name)
        if value is None:
            value = sa.cast(sa.null(), _TYPES.get(name, sa.String))
        values.append(sa.type_coerce(value, _TYPES.get(name, sa.String)).label(name))
    return sa.select(*values)


def facet_statement(matching: Callable[..., sa.Select]) -> sa.CompoundSelect:  # type: ignore[type-arg]
    """Every facet of the listings ``matching(*columns)`` selects, as one UNION ALL."""
    matches = matching(
        Product.id.label("id"),
        Product.category_id.label("category_id"),
        Product.origin_country.label("origin_country"),
        Product.seller_id.label("seller_id"),
        Product.currency.label("currency"),
        Product.stock_quantity.label("stock_quantity"),
        Product.un_number.label("un_number"),
    ).cte("matches")
    count = sa.func.count()
    top_sellers = (
        sa.select(matches.c.seller_id, count.label("n"))
        .group_by(matches.c.seller_id)
        .order_by(count.desc(), matches.c.seller_id)
        .limit(TOP_SELLERS)
        .subquery("top_sellers")
    )
    return sa.union_all(
        _row("total", n=count).select_from(matches),
        _row("in_stock", n=count).select_from(matches).where(matches.c.stock_quantity > 0),
        _row("dangerous", n=count).select_from(matches).where(matches.c.un_number.is_not(None)),
        _row("category", id=matches.c.category_id, n=count).group_by(matches.c.category_id),
        _row("origin", value=matches.c.origin_country, n=count).group_by(matches.c.origin_country),
        _row("currency", value=matches.c.currency, n=count).group_by(matches.c.currency),
        _row(
            "seller",
            id=Company.id,
            value=Company.public_id,
            name=Company.legal_name,
            name_zh=Company.legal_name_local,
            n=top_sellers.c.n,
        ).join_from(top_sellers, Company, Company.id == top_sellers.c.seller_id),
        # (product, rule) is unique, so rows per rule are listings per rule.
        _row("incoterm", value=sa.cast(ProductIncoterm.rule, sa.String), n=count)
        .join_from(ProductIncoterm, matches, matches.c.id == ProductIncoterm.product_id)
        .group_by(ProductIncoterm.rule),
        # The whole (small) tree, to roll counts up to parents and to name categories.
        _row(
            "node",
            id=Category.id,
            value=Category.slug,
            name=Category.name_en,
            name_zh=Category.name_zh,
            name_ur=Category.name_ur,
            parent_id=Category.parent_id,
            position=Category.position,
            n=sa.literal_column("0", sa.Integer),
        ).select_from(Category),
    )


def _categories(
    rows: list[sa.Row],  # type: ignore[type-arg]
    direct: dict[int, int],
) -> tuple[tuple[CategoryFacet, ...], dict[str, CategoryFacet]]:
    """Counts rolled up to every ancestor, in tree order (position, then name)."""
    nodes = {row.id: row for row in rows}
    rolled = dict.fromkeys(nodes, 0)
    for category_id, number in direct.items():
        seen: set[int] = set()
        node: int | None = category_id
        while node is not None and node in nodes and node not in seen:
            seen.add(node)
            rolled[node] += number
            node = nodes[node].parent_id
    children: dict[int | None, list[sa.Row]] = {}  # type: ignore[type-arg]
    for row in sorted(rows, key=lambda r: (r.position or 0, r.name, r.id)):
        parent = row.parent_id if row.parent_id in nodes else None
        children.setdefault(parent, []).append(row)
    ordered: list[CategoryFacet] = []
    names: dict[str, CategoryFacet] = {}

    def walk(parent: int | None, depth: int, visited: set[int]) -> None:
        for row in children.get(parent, []):
            if row.id in visited:
                continue
            visited.add(row.id)
            facet = CategoryFacet(
                row.value, row.name, row.name_zh, row.name_ur, depth, rolled[row.id]
            )
            names[row.value] = facet
            if facet.count:
                ordered.append(facet)
            walk(row.id, depth + 1, visited)

    walk(None, 0, set())
    return tuple(ordered), names


def _counts(rows: list[sa.Row]) -> tuple[FacetCount, ...]:  # type: ignore[type-arg]
    return tuple(
        FacetCount(row.value, row.n) for row in sorted(rows, key=lambda r: (-r.n, r.value))
    )


def count_facets(matching: Callable[..., sa.Select]) -> Facets:  # type: ignore[type-arg]
    """Run the facet statement for ``matching`` (one round trip) and shape its rows."""
    by_facet: dict[str, list[sa.Row]] = {}  # type: ignore[type-arg]
    for row in db.session.execute(facet_statement(matching)):
        by_facet.setdefault(row.facet, []).append(row)

    def single(name: str) -> int:
        rows = by_facet.get(name)
        return int(rows[0].n) if rows else 0

    direct = {row.id: row.n for row in by_facet.get("category", [])}
    categories, names = _categories(by_facet.get("node", []), direct)
    sellers = tuple(
        SellerFacet(row.value, row.name, row.name_zh, row.n)
        for row in sorted(by_facet.get("seller", []), key=lambda r: (-r.n, r.name, r.id))
    )
    return Facets(
        total=single("total"),
        categories=categories,
        category_names=names,
        origins=_counts(by_facet.get("origin", [])),
        sellers=sellers,
        currencies=_counts(by_facet.get("currency", [])),
        incoterms=_counts(by_facet.get("incoterm", [])),
        in_stock=single("in_stock"),
        dangerous=single("dangerous"),
    )


# -- the cache --------------------------------------------------------------------------


@dataclass
class CacheEntry:
    """What one filter set showed at one catalogue version: counts and page orders."""

    version: Hashable
    stored_at: float
    facets: Facets
    # (sort, page) -> the listing ids of that page, in order.
    pages: dict[Hashable, tuple[int, ...]] = field(default_factory=dict)


class CatalogCache:
    """Least-recently-used results per filter set, each valid for one catalogue version."""

    def __init__(self, max_entries: int = CACHE_ENTRIES, seconds: float = CACHE_SECONDS) -> None:
        self.max_entries = max_entries
        self.seconds = seconds
        self._entries: OrderedDict[Hashable, CacheEntry] = OrderedDict()
        # gthread workers share the cache between threads.
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> CacheEntry | None:
        """The entry of ``key`` if younger than the time limit (its version is not checked)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry.stored_at > self.seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def store(self, key: Hashable, version: Hashable, facets: Facets) -> CacheEntry:
        """A fresh entry (no page orders yet) replacing whatever ``key`` had."""
        entry = CacheEntry(version, time.monotonic(), facets)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return entry

    def remember_page(
        self, key: Hashable, version: Hashable, page: Hashable, ids: tuple[int, ...]
    ) -> None:
        """Keep the order of one page, if the entry of ``key`` is still at ``version``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version:
                return
            if len(entry.pages) >= PAGES_PER_ENTRY:
                entry.pages.pop(next(iter(entry.pages)))
            entry.pages[page] = ids

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


CATALOG_CACHE = CatalogCache()
