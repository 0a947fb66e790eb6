"""Facet counts that do not grow with the catalogue: kept counts, the bounded live count,
the cache shared by processes, and category filters as literal ids."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CatalogueCount, Product, ProductStatus
from app.models.base import Base
from app.services.catalog import facets as facets_module
from app.services.catalog.facet_cache import CATALOG_CACHE, SHARED_FACETS
from app.services.catalog.search import CatalogQuery, refresh_catalogue_counts, search_catalog
from app.services.catalog.statements import category_subtree_ids, matching, page_statement
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory


@pytest.fixture(autouse=True)
def _fresh_facet_cache() -> Iterator[None]:
    CATALOG_CACHE.clear()
    yield
    CATALOG_CACHE.clear()


@pytest.fixture
def catalogue(app_ctx: None) -> dict[str, Product]:
    explosives = CategoryFactory(slug="k-explosives")
    detonators = CategoryFactory(slug="k-detonators", parent=explosives)
    minerals = CategoryFactory(slug="k-minerals")
    alpha = CompanyFactory(legal_name="Alpha Blasting")
    beta = CompanyFactory(legal_name="Beta Minerals", country="CN")
    return {
        "det": ProductFactory(seller=alpha, category=detonators, dangerous=True),
        "emu": ProductFactory(seller=alpha, category=explosives, stock_quantity=0),
        "chr": ProductFactory(seller=beta, category=minerals, origin_country="CN"),
        "sal": ProductFactory(seller=beta, category=minerals, currency="CNY"),
    }


def _summary(query: CatalogQuery) -> dict[str, object]:
    f = search_catalog(query).facets
    return {
        "total": f.total,
        "categories": {c.slug: c.count for c in f.categories},
        "origins": {o.value: o.count for o in f.origins},
        "sellers": {s.legal_name: s.count for s in f.sellers},
        "currencies": {c.value: c.count for c in f.currencies},
        "incoterms": {i.value: i.count for i in f.incoterms},
        "in_stock": f.in_stock,
        "dangerous": f.dangerous,
        "complete": f.complete,
    }


EVERYTHING = {
    "total": 4,
    "categories": {"k-explosives": 2, "k-detonators": 1, "k-minerals": 2},
    "origins": {"PK": 3, "CN": 1},
    "sellers": {"Alpha Blasting": 2, "Beta Minerals": 2},
    "currencies": {"USD": 3, "CNY": 1},
    "incoterms": {"FOB": 4},
    "in_stock": 3,
    "dangerous": 1,
    "complete": True,
}
EXPLOSIVES = {
    "total": 2,
    "categories": {"k-explosives": 2, "k-detonators": 1},
    "origins": {"PK": 2},
    "sellers": {"Alpha Blasting": 2},
    "currencies": {"USD": 2},
    "incoterms": {"FOB": 2},
    "in_stock": 1,
    "dangerous": 1,
    "complete": True,
}


def test_kept_counts_answer_browse_pages_without_counting_the_listings(
    catalogue: dict[str, Product],
) -> None:
    assert refresh_catalogue_counts() is True
    assert refresh_catalogue_counts() is False  # nothing changed since: nothing counted
    kept = db.session.scalar(
        sa.select(sa.func.sum(CatalogueCount.n)).where(CatalogueCount.incoterm.is_(None))
    )
    assert kept == 4
    # The kept rows are what the pages read: change them, and the page shows it.
    db.session.execute(sa.update(CatalogueCount).values(n=CatalogueCount.n * 10))
    assert _summary(CatalogQuery())["total"] == 40
    CATALOG_CACHE.clear()
    db.session.execute(sa.update(CatalogueCount).values(n=CatalogueCount.n / 10))
    assert _summary(CatalogQuery()) == EVERYTHING
    assert _summary(CatalogQuery(category="k-explosives")) == EXPLOSIVES


def test_after_a_change_pages_count_live_until_the_counts_catch_up(
    catalogue: dict[str, Product],
) -> None:
    refresh_catalogue_counts()
    assert _summary(CatalogQuery())["total"] == 4
    catalogue["det"].status = ProductStatus.ARCHIVED
    db.session.flush()
    assert _summary(CatalogQuery())["total"] == 3  # the kept counts are behind: not used
    assert _summary(CatalogQuery(category="k-explosives"))["total"] == 1
    assert refresh_catalogue_counts() is True
    CATALOG_CACHE.clear()
    assert _summary(CatalogQuery())["total"] == 3


def test_live_counts_stop_at_the_limit_and_say_so(
    catalogue: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facets_module, "FACET_LIMIT", 2)
    summary = _summary(CatalogQuery(origin="PK"))
    assert summary["complete"] is False and summary["total"] == 3  # "more than 2"
    assert _summary(CatalogQuery(origin="CN"))["complete"] is True


def test_counts_are_shared_between_processes_through_the_store(
    catalogue: dict[str, Product],
) -> None:
    query = CatalogQuery(origin="CN")
    first = search_catalog(query).facets
    CATALOG_CACHE.clear()  # what another process sees: nothing of its own
    SHARED_FACETS.clear()
    # Stored by a "first process" at the current version, read back by the next.
    version = ("v", "1")
    SHARED_FACETS.put(query.filter_key(), version, first)
    assert SHARED_FACETS.get(query.filter_key(), version) == first
    assert SHARED_FACETS.get(query.filter_key(), ("v", "2")) is None


def test_a_category_filter_is_literal_ids(catalogue: dict[str, Product]) -> None:
    ids = category_subtree_ids("k-explosives")
    assert len(ids) == 2 and category_subtree_ids("no-such") == ()
    sql = str(
        matching(CatalogQuery(category="k-explosives"), "postgresql", Product.id).compile(
            compile_kwargs={"literal_binds": True}
        )
    )
    assert "category_subtree" not in sql and "RECURSIVE" not in sql.upper()


def _sqlite_plan(statement: sa.Select) -> str:  # type: ignore[type-arg]
    """SQLite's plan for ``statement`` over an empty copy of our tables (whatever database
    the suite runs on: the plan is SQLite's choice, made without statistics)."""
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
    engine.dispose()
    return "\n".join(str(row[-1]) for row in rows)


def test_a_filter_matching_few_listings_is_sought_not_walked_in_date_order(
    catalogue: dict[str, Product],
) -> None:
    # Anonymous, with a price ceiling: controlled explosives are left out, so nothing may
    # match. Walking every listing newest first to find none took 230 ms on 100,000.
    query = CatalogQuery(category="k-explosives", currency="USD", price_max=Decimal("500"))
    walked = _sqlite_plan(page_statement(query, "sqlite", 1, 24))
    sought = _sqlite_plan(page_statement(query, "sqlite", 1, 24, sparse=True))
    assert "ix_products_published_at" in walked
    assert "ix_products_published_at" not in sought
    assert "ix_products_category_currency_price" in sought


def test_counting_a_country_of_origin_seeks_it_by_index(
    catalogue: dict[str, Product],
) -> None:
    plan = _sqlite_plan(matching(CatalogQuery(origin="TR"), "sqlite", Product.id, ordered=False))
    assert "ix_products_origin_currency_price" in plan


def test_pages_planned_for_few_or_many_matches_list_the_same_listings(
    catalogue: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = [CatalogQuery(origin="PK"), CatalogQuery(origin="PK", sort="price_desc")]
    few = [[item.public_id for item in search_catalog(query).items] for query in queries]
    assert sorted(few[0]) == sorted(catalogue[name].public_id for name in ("det", "emu", "sal"))
    CATALOG_CACHE.clear()
    # Three matches over a limit of 2: counted as "many", the page walks the date order.
    monkeypatch.setattr(facets_module, "FACET_LIMIT", 2)
    many = [[item.public_id for item in search_catalog(query).items] for query in queries]
    assert search_catalog(queries[0]).facets.complete is False
    assert many == few
