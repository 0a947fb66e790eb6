"""The public catalogue: search with filters and facet counts (product pages and storefronts:
``product_pages``).

What the public sees: PUBLISHED listings of sellers that are not suspended. A suspended
company's listings stay in the search index (they come back when it is reinstated), so
every query leaves them out itself.

A catalogue page costs one statement when this process has its answer cached and two when
not: the page of rows (with the catalogue version riding along) and the facet counts (see
app/services/catalog_facets.py for the cache). A product page costs three.

Search text is data, never syntax: it reaches the database only as the quoted tokens of
``app.services.catalog.index``; filters are parsed into typed values by the view before
they get here.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Incoterm,
    Product,
    VerificationStatus,
)
from app.money import UNIT_PRICE_EXTRA_PLACES, Money, currency_exponent
from app.services.catalog import facets as facet_counts
from app.services.catalog.counts import (
    counts_are_at,
    refresh_counts,
    stored_sources,
)
from app.services.catalog.facet_cache import CATALOG_CACHE, SHARED_FACETS
from app.services.catalog.facets import Facets, count_facets, live_sources
from app.services.catalog.statements import (
    category_subtree_ids,
    matching,
    page_statement,
    rows_by_id_statement,
)
from app.services.catalog.text_index import Clause, normalised_terms, parse_search
from app.services.licences.rules import is_controlled

PER_PAGE = 24
# Deep OFFSETs cost as much as the rows they skip; past 1,000 pages (24,000 listings) the
# buyer is better served by a filter, so the pager stops there.
MAX_PAGE = 1000
SORTS = ("relevance", "price_asc", "price_desc", "newest")
# Prices beyond any listing's (listings refuse 10^12 and above) are no bound at all, and
# keep huge numbers from overflowing the database's integers.
MAX_PRICE = Decimal(10) ** 12
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,24}")


@dataclass(frozen=True)
class CatalogQuery:
    """A catalogue search as typed values; the view builds it from the URL.

    ``price_min``/``price_max`` are major units (e.g. 12.50) of ``currency`` and bound the
    listing's "from" price (its cheapest tier); without a currency they mean nothing,
    since amounts in different currencies cannot be compared, and are ignored.
    ``dangerous`` True keeps only dangerous goods, False leaves them out, None ignores it.
    ``controlled_prices`` says whether the viewer may see controlled listings' prices
    (licences.visibility); when not, a price filter leaves controlled listings out and a
    price sort puts them last, as "price on request", so neither reveals their price.
    """

    q: str = ""
    category: str | None = None  # slug; the category's subcategories are included
    origin: str | None = None  # ISO 3166 alpha-2
    seller: str | None = None  # the seller company's public id
    currency: str | None = None  # ISO 4217
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    incoterm: Incoterm | None = None
    in_stock: bool = False
    dangerous: bool | None = None
    sort: str = "relevance"
    page: int = 1
    controlled_prices: bool = False

    @property
    def tokens(self) -> tuple[str, ...]:
        """The search's words (lower case; HS and UN numbers written one way)."""
        return normalised_terms(self.q)

    @property
    def clauses(self) -> list[Clause]:
        return parse_search(self.q)

    @property
    def effective_sort(self) -> str:
        """Relevance needs words to rank by; without them the newest come first."""
        if self.sort not in SORTS or (self.sort == "relevance" and not self.tokens):
            return "newest"
        return self.sort

    @property
    def controlled_out_by_price(self) -> bool:
        """A price filter this viewer may not apply to controlled listings: they are left out."""
        return not self.controlled_prices and self.price_bounds_minor() != (None, None)

    @property
    def controlled_last(self) -> bool:
        """A price sort this viewer may not see controlled prices in: they come last.

        Not when a price filter has already left them out: ordering by a CASE on every
        match kept the (currency, price) index from giving the order, and a price filter
        sorted by price then sorted all its matches (150 ms on 100,000 listings).
        """
        return (
            not self.controlled_prices
            and not self.controlled_out_by_price
            and self.effective_sort in ("price_asc", "price_desc")
        )

    def is_browse_scope(self) -> bool:
        """No words and no filter but a category: the kept counts (counts.py) answer."""
        return not self.tokens and self == CatalogQuery(
            category=self.category,
            sort=self.sort,
            page=self.page,
            controlled_prices=self.controlled_prices,
        )

    def price_bounds_minor(self) -> tuple[Decimal | None, Decimal | None]:
        """The price range in minor units to the hundredth, as unit prices are kept,
        rounded inwards (0.252451 USD min -> 25.25)."""
        if self.currency is None:
            return None, None
        exponent = currency_exponent(self.currency)
        step = Decimal(1).scaleb(-UNIT_PRICE_EXTRA_PLACES)

        def minor(value: Decimal | None, rounding: str) -> Decimal | None:
            if value is None or not value.is_finite() or not 0 <= value < MAX_PRICE:
                return None
            return value.scaleb(exponent).quantize(step, rounding=rounding)

        return minor(self.price_min, ROUND_CEILING), minor(self.price_max, ROUND_FLOOR)

    def filter_key(self) -> tuple[object, ...]:
        """Everything that decides which listings match (not their order or page)."""
        return (
            self.tokens,
            self.category,
            self.origin,
            self.seller,
            self.currency,
            self.price_bounds_minor(),
            self.incoterm.value if self.incoterm else None,
            self.in_stock,
            self.dangerous,
            self.controlled_out_by_price,
        )


@dataclass(frozen=True)
class SellerNames:
    """A seller's names, as the display helper ``company_name`` reads them."""

    legal_name: str
    legal_name_local: str | None
    name_zh: str | None
    name_ur: str | None


@dataclass(frozen=True)
class CatalogItem:
    """One result card: the few columns a list needs, never the whole listing."""

    public_id: str
    title: str
    title_zh: str | None
    title_ur: str | None
    seller_public_id: str
    seller: SellerNames
    seller_country: str
    seller_verified: bool
    price_from: Money
    unit: str
    moq: Decimal  # in ``unit``: 0.5 (t) or 100 (pieces)
    stock_quantity: Decimal | None  # None: made to order
    lead_time_days: int | None
    origin_country: str
    dangerous: bool
    hazard_class: str | None
    thumbnail_key: str | None
    # Class 1 or flagged: price and stock only for signed-in users of verified companies.
    controlled: bool = False

    @property
    def in_stock(self) -> bool:
        return bool(self.stock_quantity)


@dataclass(frozen=True)
class CatalogPage:
    query: CatalogQuery
    items: list[CatalogItem]
    total: int
    facets: Facets
    page: int
    pages: int
    per_page: int = PER_PAGE

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@functools.lru_cache(maxsize=8192)
def _money(minor_units: int, currency: str) -> Money:
    # Money checks its currency against ISO 4217 on every construction, a tenth of a
    # cached page's time for 24 cards; Money is immutable, so equal amounts share one.
    return Money.from_minor(minor_units, currency)


def _item(row: sa.Row) -> CatalogItem:  # type: ignore[type-arg]
    return CatalogItem(
        public_id=row.public_id,
        title=row.title,
        title_zh=row.title_zh,
        title_ur=row.title_ur,
        seller_public_id=row.seller_public_id,
        seller=SellerNames(row.legal_name, row.legal_name_local, row.name_zh, row.name_ur),
        seller_country=row.country,
        seller_verified=row.verification_status is VerificationStatus.VERIFIED,
        price_from=_money(row.price_from_minor, row.currency),
        unit=row.unit,
        moq=row.moq,
        stock_quantity=row.stock_quantity,
        lead_time_days=row.lead_time_days,
        origin_country=row.origin_country,
        dangerous=row.un_number is not None,
        hazard_class=row.hazard_class,
        thumbnail_key=row.thumbnail_key,
        controlled=is_controlled(row.hazard_class, row.export_licence_required),
    )


def search_catalog(query: CatalogQuery) -> CatalogPage:
    """The page of listings matching ``query``, its total and the facet counts.

    One statement when this process has seen the filter set at the current catalogue
    version (the rows of the cached page order, which also reads the version). When the
    version has moved, the page is ordered anew, so a listing published, changed or
    withdrawn a moment ago shows (or goes) in the very next answer of every process. The
    counts come from this process's copy, else the cache shared by all processes, else
    the kept counts (no words, at most a category), else a bounded live count.
    """
    dialect = db.session.get_bind().dialect.name
    page = min(max(query.page, 1), MAX_PAGE)
    key = query.filter_key()
    order = (query.effective_sort, query.controlled_last, page)
    entry = CATALOG_CACHE.get(key)
    if entry is None:
        # A filter set new to this process: its counts first (shared cache, kept counts
        # or a bounded count), so that the page is planned knowing how many listings
        # match (see statements.matching, ``sparse``).
        version, counted = _current_version(dialect)
        entry = CATALOG_CACHE.store(key, version, _facets(query, dialect, key, version, counted))
    ids = entry.pages.get(order)
    rows: list[sa.Row] = []  # type: ignore[type-arg]
    if ids is not None:
        rows = list(db.session.execute(rows_by_id_statement(dialect), {"ids": list(ids)}))
        if _version_of(rows) != entry.version:
            ids = None
    if ids is None:
        few = entry.facets.complete and entry.facets.total <= facet_counts.FACET_LIMIT
        statement = page_statement(query, dialect, page, PER_PAGE, sparse=few)
        rows = list(db.session.execute(statement))
        items = [_item(row) for row in rows if row.id is not None]
    else:
        found = {row.id: row for row in rows if row.id is not None}
        items = [_item(found[listing]) for listing in ids if listing in found]
    version = _version_of(rows)
    if entry.version != version:
        counted = counts_are_at(version, rows[0].counted)
        entry = CATALOG_CACHE.store(key, version, _facets(query, dialect, key, version, counted))
    if ids is None:
        CATALOG_CACHE.remember_page(key, version, order, tuple(row.id for row in rows if row.id))
    total = entry.facets.total
    pages = max(1, min(math.ceil(total / PER_PAGE), MAX_PAGE))
    return CatalogPage(query, items, total, entry.facets, page, pages)


def _version_of(rows: list[sa.Row]) -> tuple[str, str]:  # type: ignore[type-arg]
    return (str(rows[0].v1), str(rows[0].v2))


def _current_version(dialect: str) -> tuple[tuple[str, str], bool]:
    """The catalogue version, and whether the kept counts are of it (one short statement)."""
    rows = list(db.session.execute(rows_by_id_statement(dialect), {"ids": []}))
    version = _version_of(rows)
    return version, counts_are_at(version, rows[0].counted)


def _facets(
    query: CatalogQuery, dialect: str, key: Hashable, version: Hashable, counted: bool
) -> Facets:
    facets = SHARED_FACETS.get(key, version)
    if facets is not None:
        return facets
    if query.is_browse_scope() and counted:
        scope = category_subtree_ids(query.category) if query.category else None
        facets = count_facets(stored_sources(scope))
    else:
        # Any other filter set, or the kept counts behind: counted live, bounded.
        facets = count_facets(
            live_sources(lambda *columns: matching(query, dialect, *columns, ordered=False))
        )
    SHARED_FACETS.put(key, version, facets)
    return facets


def refresh_catalogue_counts() -> bool:
    """Take the kept counts again if the catalogue changed since; True if it counted.
    Run every minute by the job queue (and by the bench seeding)."""
    dialect = db.session.get_bind().dialect.name
    version, counted = _current_version(dialect)
    if counted:
        return False
    refresh_counts(version, matching(CatalogQuery(), dialect, Product.id.expression))
    return True
