"""The SQL of the catalogue: which listings match a query, and the page of them to show.

Kept apart from app/services/catalog.py (the public functions and their results) so each
file reads on its own; the facet counts' statement is in app/services/catalog_facets.py.
Search text reaches the database only as the quoted tokens of
``app.services.catalog.index`` (FTS5 MATCH, or to_tsquery), bound as parameters.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import (
    CatalogueCountState,
    Category,
    Company,
    Product,
    ProductImage,
    ProductIncoterm,
    ProductStatus,
    VerificationStatus,
)
from app.services.catalog.counts import COUNT_STATE_ID
from app.services.catalog.index import tsquery_of
from app.services.catalog.text_index import Clause, fts5_match

if TYPE_CHECKING:
    from app.services.catalog.search import CatalogQuery

# FTS5 bm25 weights per column (title, body, hs_code, seller): a word in the title counts
# ten times one in the description. PostgreSQL gets the same order from the A/B/C weights
# written by catalog_index.reindex_product.
_BM25 = "bm25(product_search, 10.0, 1.0, 5.0, 3.0)"

# product_search lives outside the ORM metadata (an FTS5 table, or tsvector + GIN). One
# object each, so that the join and the rank name the same FROM.
_FTS5_SEARCH = sa.table("product_search", sa.column("rowid", sa.Integer))
_TSVECTOR_SEARCH = sa.table(
    "product_search", sa.column("product_id", sa.Integer), sa.column("document")
)


def _fts_table(dialect: str) -> sa.TableClause:
    return _FTS5_SEARCH if dialect == "sqlite" else _TSVECTOR_SEARCH


def _likely(term: ColumnElement[bool], share: str, dialect: str | None) -> ColumnElement[bool]:
    """``term``, telling SQLite's planner it holds for about ``share`` of the listings.

    Without ANALYZE statistics SQLite takes an equality on an indexed column for a very
    selective term. For "status = published" it walked ix_products_status_category to
    every published row and sorted them all (200 ms on 100,000 listings), or drove a
    search from products and ran the full-text query once per row (30 s); "currency =
    USD AND price <= x" sorted half the catalogue by date (250 ms). Saying how common
    such values are lets it walk the index of the requested order and stop after a
    page, drive a search from the full-text index, or fetch rows by id. PostgreSQL
    keeps statistics of its own. The hint also keeps the term from seeking an index, so
    it is left off (``dialect`` None) where that index is the way in.
    """
    if dialect != "sqlite":
        return term
    return sa.func.likelihood(term, sa.literal_column(share), type_=sa.Boolean)


def _published(dialect: str) -> ColumnElement[bool]:
    # Nearly every listing is published.
    return _likely(Product.status == ProductStatus.PUBLISHED, "0.9375", dialect)


def _suspended_sellers() -> sa.Select[int]:
    return sa.select(Company.id).where(Company.verification_status == VerificationStatus.SUSPENDED)


def controlled_listing() -> ColumnElement[bool]:
    """Class 1 or flagged controlled (licences.rules.is_controlled, in SQL)."""
    return sa.or_(
        Product.export_licence_required.is_(True),
        sa.func.coalesce(sa.func.ltrim(Product.hazard_class), "").like("1%"),
    )


def category_subtree_ids(slug: str) -> tuple[int, ...]:
    """Ids of the category ``slug`` and everything under it (an unknown slug: none).

    Resolved to literal ids before the listing query, so PostgreSQL plans "category_id
    IN (3, 17, 18)" with its statistics and walks the (currency, price) index for a price
    sort instead of scanning behind a recursive CTE. The tree is small and indexed.
    """
    tree = sa.select(Category.id).where(Category.slug == slug).cte("category_subtree", True)
    child = aliased(Category)
    tree = tree.union_all(sa.select(child.id).where(child.parent_id == tree.c.id))
    return tuple(sorted(db.session.scalars(sa.select(tree.c.id))))


def matching(
    query: CatalogQuery,
    dialect: str,
    *columns: ColumnElement[Any],
    ordered: bool = True,
    sparse: bool = False,
) -> sa.Select[Any]:
    """SELECT ``columns`` FROM the public listings that match ``query`` (text and filters).

    Public means PUBLISHED, of a seller that is not suspended. ``product_search`` is
    joined only when there are words to look for; every other filter is a plain
    condition on indexed columns of ``products``.

    ``sparse``: the matches are known to be few (their count, taken first, is at most
    facets.FACET_LIMIT). SQLite is then not told that the filters are common, so it
    seeks them by index and sorts the few matches, instead of walking the whole
    catalogue in date order looking for them (230 ms for a filter matching none).
    """
    # SQLite hints (see _likely) that make it walk the requested order: not when sparse.
    hint = None if sparse else dialect
    # Counting (unordered), a country is sought by its index: a rare one (Turkey) took
    # 60 ms scanning the catalogue for it, and a common one costs about the same either way.
    in_walk = hint if ordered else None
    clauses = query.clauses
    # The few suspended sellers as a list checked per row, not a join: a join to
    # companies let SQLite start from companies and sort every listing of every seller.
    statement = (
        sa.select(*columns)
        .select_from(Product)
        .where(_published(dialect), Product.seller_id.not_in(_suspended_sellers()))
    )
    ranked = ordered and query.effective_sort == "relevance"
    if clauses:
        search = _fts_table(dialect)
        if dialect == "sqlite" and not ranked:
            # No bm25 wanted (a price or date order, or counting): the matches' ids as a
            # list, found once. Joined, SQLite walked the price index and ran the
            # full-text query once per listing (100 s for "copper cathodes" by price).
            found = sa.select(search.c.rowid).where(
                sa.literal_column("product_search").op("MATCH")(fts5_match(clauses))
            )
            statement = statement.where(Product.id.in_(found))
        elif dialect == "sqlite":
            statement = statement.join(search, search.c.rowid == Product.id).where(
                sa.literal_column("product_search").op("MATCH")(fts5_match(clauses))
            )
        else:
            match = tsquery_of(clauses)
            statement = statement.join(search, search.c.product_id == Product.id).where(
                search.c.document.bool_op("@@")(match)
            )
    by_price = query.effective_sort in ("price_asc", "price_desc")
    if query.category:
        # The (category, currency, price) index is the way in to count a category's
        # listings or sort them by price; for a page by date or rank, the hint keeps
        # SQLite walking that order instead of sorting the whole category.
        in_category = Product.category_id.in_(category_subtree_ids(query.category))
        in_order = None if by_price or not ordered else hint
        statement = statement.where(_likely(in_category, "0.25", in_order))
    if query.origin:
        origin = Product.origin_country == query.origin
        statement = statement.where(_likely(origin, "0.25", in_walk))
    if query.seller:
        seller = sa.select(Company.id).where(Company.public_id == query.seller)
        statement = statement.where(Product.seller_id == seller.scalar_subquery())
    if query.currency:
        # Sorted by price, the (currency, price) index is the way in: no hints then.
        hinted = None if by_price else hint
        statement = statement.where(_likely(Product.currency == query.currency, "0.25", hinted))
        low, high = query.price_bounds_minor()
        if low is not None:
            statement = statement.where(_likely(Product.price_from_minor >= low, "0.5", hinted))
        if high is not None:
            statement = statement.where(_likely(Product.price_from_minor <= high, "0.5", hinted))
        if query.controlled_out_by_price:
            # The viewer may not see controlled prices: a price filter must not sort them
            # into or out of its range, so they are not among its matches at all.
            statement = statement.where(sa.not_(controlled_listing()))
    if query.incoterm is not None:
        statement = statement.where(
            sa.exists().where(
                ProductIncoterm.product_id == Product.id, ProductIncoterm.rule == query.incoterm
            )
        )
    if query.in_stock:
        # Made to order (NULL) and sold out (0) both fail "> 0".
        statement = statement.where(Product.stock_quantity > 0)
    if query.dangerous is True:
        statement = statement.where(Product.un_number.is_not(None))
    elif query.dangerous is False:
        statement = statement.where(Product.un_number.is_(None))
    return statement


def _rank(dialect: str, clauses: list[Clause], sort: str) -> ColumnElement[Any]:
    """The relevance of a row as the label ``rank``: lower is better on both databases."""
    if not clauses or sort != "relevance":
        return sa.literal(0.0).label("rank")
    if dialect == "sqlite":
        return sa.literal_column(_BM25, sa.Float).label("rank")
    search = _fts_table(dialect)
    match = tsquery_of(clauses)
    # ts_rank_cd grows with relevance; negated so that lower is better on both databases.
    return (-sa.func.ts_rank_cd(search.c.document, match)).label("rank")


def _ordering(sort: str, columns: Mapping[str, Any]) -> list[ColumnElement[Any]]:
    """ORDER BY terms for ``sort``, over ``columns`` (the table's, or the page subquery's).

    Prices are compared within a currency: without a currency filter the listings of each
    currency come together (in code order, reversed for high-to-low), since no exchange
    rate is assumed. With a ``controlled`` column (a viewer who may not see controlled
    prices), controlled listings come last in either direction, as "price on request".
    """
    newest: list[ColumnElement[Any]] = [columns["published_at"].desc(), columns["id"].desc()]
    last: list[ColumnElement[Any]] = (
        [columns["controlled"].asc()] if "controlled" in columns else []
    )
    if sort == "relevance":
        return [columns["rank"].asc(), *newest]
    if sort == "price_asc":
        return [
            *last,
            columns["currency"],
            columns["price_from_minor"].asc(),
            columns["id"].asc(),
        ]
    if sort == "price_desc":
        # All descending, so one index on (currency, price) serves both directions.
        return [
            *last,
            columns["currency"].desc(),
            columns["price_from_minor"].desc(),
            columns["id"].desc(),
        ]
    return newest


def _version() -> sa.Subquery:
    """The catalogue version: when a listing, or a seller's verification, last changed;
    and (``counted``) the version the kept facet counts were taken at (counts.py)."""
    return sa.select(
        sa.select(sa.func.max(Product.updated_at)).correlate(None).scalar_subquery().label("v1"),
        sa.select(sa.func.max(Company.verification_decided_at))
        .correlate(None)
        .scalar_subquery()
        .label("v2"),
        sa.select(CatalogueCountState.version)
        .where(CatalogueCountState.id == COUNT_STATE_ID)
        .correlate(None)
        .scalar_subquery()
        .label("counted"),
    ).subquery("catalogue_version")


def _card_rows(version: sa.Subquery) -> sa.Select:  # type: ignore[type-arg]
    """The version, then the columns of a result card for each listing joined after it."""
    thumbnail = (
        sa.select(ProductImage.thumbnail_key)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
        .scalar_subquery()
    )
    return sa.select(
        version.c.v1,
        version.c.v2,
        version.c.counted,
        Product.id,
        Product.public_id,
        Product.title,
        Product.title_zh,
        Product.title_ur,
        Product.currency,
        Product.price_from_minor,
        Product.unit,
        Product.moq,
        Product.stock_quantity,
        Product.lead_time_days,
        Product.origin_country,
        Product.un_number,
        Product.hazard_class,
        Product.export_licence_required,
        Company.public_id.label("seller_public_id"),
        Company.legal_name,
        Company.legal_name_local,
        Company.name_zh,
        Company.name_ur,
        Company.country,
        Company.verification_status,
        thumbnail.label("thumbnail_key"),
    ).select_from(version)


def page_statement(
    query: CatalogQuery, dialect: str, page: int, per_page: int, sparse: bool = False
) -> sa.Select:  # type: ignore[type-arg]
    """One row per listing on ``page``, or one empty row; each carries the version.

    The page's ids are found first, narrow (id and sort keys only), so the join to the
    seller and the thumbnail look-up run for 24 rows, not for every match. The version
    subquery is the left side of an outer join so that it comes back even on an empty
    page: the catalogue cache needs it (see catalog_facets) and it costs no round trip.
    """
    sort = query.effective_sort
    rank = _rank(dialect, query.clauses, sort)
    own: dict[str, Any] = {
        "id": Product.id,
        "published_at": Product.published_at,
        "currency": Product.currency,
        "price_from_minor": Product.price_from_minor,
        "rank": rank,
    }
    if query.controlled_last:
        # Controlled listings last, without their price as a key: among themselves they
        # keep the id order, so sorting up or down tells nothing of their prices.
        controlled = controlled_listing()
        own["controlled"] = sa.case((controlled, 1), else_=0)
        own["currency"] = sa.case((controlled, sa.null()), else_=Product.currency)
        own["price_from_minor"] = sa.case((controlled, sa.null()), else_=Product.price_from_minor)
    keys = matching(
        query,
        dialect,
        *(column if name == "rank" else column.label(name) for name, column in own.items()),
        sparse=sparse,
    )
    page_ids = (
        keys.order_by(*_ordering(sort, own))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery("page_ids")
    )
    return (
        _card_rows(_version())
        .outerjoin(page_ids, sa.true())
        .outerjoin(Product, Product.id == page_ids.c.id)
        .outerjoin(Company, Company.id == Product.seller_id)
        .order_by(*_ordering(sort, {name: page_ids.c[name] for name in own}))
    )


@functools.cache
def rows_by_id_statement(dialect: str) -> sa.Select:  # type: ignore[type-arg]
    """The card rows of the listings bound as ``ids`` that are still public, and the version.

    For a page whose order is cached: visibility is checked again, so a listing archived,
    suspended or of a seller suspended since never shows, whatever the cache holds. Built
    once per dialect (the ids are an expanding parameter): this is the statement of
    nearly every page, and building it cost more than running it.
    """
    visible = sa.and_(
        Product.id.in_(sa.bindparam("ids", expanding=True)),
        _published(dialect),
        Product.seller_id.not_in(_suspended_sellers()),
    )
    return (
        _card_rows(_version())
        .outerjoin(Product, visible)
        .outerjoin(Company, Company.id == Product.seller_id)
    )
