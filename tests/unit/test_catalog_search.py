"""Catalogue search: ranking, every filter against hand-computed sets, facets, sorts, pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import (
    Company,
    Incoterm,
    PriceTier,
    Product,
    ProductIncoterm,
    ProductStatus,
    VerificationStatus,
)
from app.models.base import utcnow
from app.services.catalog.facet_cache import CATALOG_CACHE
from app.services.catalog.index import reindex_product
from app.services.catalog.product_pages import product_page, storefront
from app.services.catalog.search import (
    PER_PAGE,
    CatalogQuery,
    search_catalog,
)
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory


@pytest.fixture(autouse=True)
def _fresh_facet_cache() -> Iterator[None]:
    CATALOG_CACHE.clear()
    yield
    CATALOG_CACHE.clear()


@dataclass
class World:
    alpha: Company
    beta: Company
    listings: dict[str, Product]


def _listing(name: str, age_days: int, incoterms: list[Incoterm], **fields: object) -> Product:
    return ProductFactory(
        title=fields.pop("title", f"Listing {name}"),
        published_at=utcnow() - timedelta(days=age_days),
        incoterms=[ProductIncoterm(rule=rule, named_place="Karachi") for rule in incoterms],
        **fields,
    )


@pytest.fixture
def world(app_ctx: None) -> World:
    explosives = CategoryFactory(slug="t-explosives", name_en="Explosives")
    detonators = CategoryFactory(slug="t-detonators", name_en="Detonators", parent=explosives)
    minerals = CategoryFactory(slug="t-minerals", name_en="Minerals")
    alpha = CompanyFactory(legal_name="Alpha Blasting (Pvt) Ltd", country="PK")
    beta = CompanyFactory(legal_name="Beta Minerals Co", country="CN", pending=True)
    gone = CompanyFactory(legal_name="Gone Trading", suspended=True)
    fob, cif, exw = Incoterm.FOB, Incoterm.CIF, Incoterm.EXW
    listings = {
        "det": _listing("det", 1, [fob], seller=alpha, category=detonators, dangerous=True,
                        title="Electric detonators", currency="USD", price_from_minor=250),
        "emu": _listing("emu", 2, [cif], seller=alpha, category=explosives, made_to_order=True,
                        title="Emulsion cartridges", currency="USD", price_from_minor=1000),
        "chr": _listing("chr", 3, [fob, exw], seller=beta, category=minerals, stock_quantity=0,
                        title="Chromite ore lumps", currency="CNY", price_from_minor=100_000,
                        origin_country="CN"),
        "sal": _listing("sal", 4, [exw], seller=beta, category=minerals, stock_quantity=50,
                        title="Rock salt", currency="USD", price_from_minor=1250,
                        origin_country="CN", moq=10,
                        description="Fine for packing around detonators in transit."),
        "draft": _listing("draft", 0, [fob], seller=alpha, category=detonators,
                          title="Draft detonators", status=ProductStatus.DRAFT),
        "archived": _listing("archived", 0, [fob], seller=alpha, category=detonators,
                             title="Archived detonators", status=ProductStatus.ARCHIVED),
        "suspended": _listing("suspended", 0, [fob], seller=alpha, category=detonators,
                              title="Suspended detonators", status=ProductStatus.SUSPENDED),
        "gone": _listing("gone", 0, [fob], seller=gone, category=detonators,
                         title="Detonators of a suspended seller"),
    }  # fmt: skip
    return World(alpha, beta, listings)


def _titles(query: CatalogQuery) -> list[str]:
    return [item.title for item in search_catalog(query).items]


def _ids(world: World, query: CatalogQuery) -> set[str]:
    by_public_id = {p.public_id: name for name, p in world.listings.items()}
    return {by_public_id[item.public_id] for item in search_catalog(query).items}


def test_browse_shows_only_public_listings_newest_first(world: World) -> None:
    assert _titles(CatalogQuery()) == [
        "Electric detonators",
        "Emulsion cartridges",
        "Chromite ore lumps",
        "Rock salt",
    ]
    assert search_catalog(CatalogQuery()).total == 4


def test_a_title_match_outranks_a_description_only_match(world: World) -> None:
    assert _titles(CatalogQuery(q="detonators")) == ["Electric detonators", "Rock salt"]
    # Draft, archived, suspended and a suspended seller's listings never match.
    assert _titles(CatalogQuery(q="detonators", sort="newest")) == [
        "Electric detonators",
        "Rock salt",
    ]


def test_words_are_all_required_and_the_last_is_a_prefix(world: World) -> None:
    assert _titles(CatalogQuery(q="emulsion cart")) == ["Emulsion cartridges"]
    assert _titles(CatalogQuery(q="emulsion chromite")) == []
    # The seller's name is indexed (both listings match it alike: their order is the rank's).
    assert sorted(_titles(CatalogQuery(q="alpha blasting"))) == [
        "Electric detonators",
        "Emulsion cartridges",
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "t-explosives"}, {"det", "emu"}),  # with its subcategory
        ({"category": "t-detonators"}, {"det"}),
        ({"category": "t-minerals"}, {"chr", "sal"}),
        ({"category": "no-such-category"}, set()),
        ({"origin": "CN"}, {"chr", "sal"}),
        ({"origin": "PK"}, {"det", "emu"}),
        ({"currency": "USD"}, {"det", "emu", "sal"}),
        ({"currency": "CNY"}, {"chr"}),
        ({"currency": "USD", "price_min": Decimal("2.50")}, {"det", "emu", "sal"}),
        ({"currency": "USD", "price_min": Decimal("2.51")}, {"emu", "sal"}),
        ({"currency": "USD", "price_max": Decimal("10")}, {"det", "emu"}),
        (
            {"currency": "USD", "price_min": Decimal(3), "price_max": Decimal("12.5")},
            {"emu", "sal"},
        ),
        ({"price_min": Decimal(3)}, {"det", "emu", "chr", "sal"}),  # no currency: ignored
        ({"incoterm": Incoterm.FOB}, {"det", "chr"}),
        ({"incoterm": Incoterm.EXW}, {"chr", "sal"}),
        ({"incoterm": Incoterm.DDP}, set()),
        ({"in_stock": True}, {"det", "sal"}),  # not made to order, not sold out
        ({"dangerous": True}, {"det"}),
        ({"dangerous": False}, {"emu", "chr", "sal"}),
        ({"origin": "CN", "incoterm": Incoterm.FOB}, {"chr"}),
        ({"category": "t-explosives", "in_stock": True, "dangerous": True}, {"det"}),
        ({"currency": "USD", "origin": "CN", "in_stock": True, "incoterm": Incoterm.EXW}, {"sal"}),
    ],
)
def test_each_filter_alone_and_combined(
    world: World, filters: dict[str, object], expected: set[str]
) -> None:
    # A viewer who sees controlled prices (a verified company's user): every filter as is.
    query = CatalogQuery(**filters, controlled_prices=True)  # type: ignore[arg-type]
    assert _ids(world, query) == expected
    assert search_catalog(query).total == len(expected)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"currency": "USD"}, {"det", "emu", "sal"}),  # no price bound: counted as before
        ({"currency": "USD", "price_min": Decimal("2.50")}, {"emu", "sal"}),
        ({"currency": "USD", "price_max": Decimal("10")}, {"emu"}),
        ({"dangerous": True}, {"det"}),
    ],
)
def test_a_price_filter_leaves_controlled_listings_out_for_who_may_not_see_their_price(
    world: World, filters: dict[str, object], expected: set[str]
) -> None:
    query = CatalogQuery(**filters)  # type: ignore[arg-type]
    assert _ids(world, query) == expected
    assert search_catalog(query).total == len(expected)


def test_seller_filter(world: World) -> None:
    assert _ids(world, CatalogQuery(seller=world.beta.public_id)) == {"chr", "sal"}
    assert _ids(world, CatalogQuery(seller=world.alpha.public_id, q="detonators")) == {"det"}
    assert _ids(world, CatalogQuery(seller="nobody-at-all")) == set()


def test_facet_counts(world: World) -> None:
    facets = search_catalog(CatalogQuery()).facets
    assert facets.total == 4
    categories = {c.slug: (c.count, c.depth) for c in facets.categories}
    assert categories == {"t-explosives": (2, 0), "t-detonators": (1, 1), "t-minerals": (2, 0)}
    order = [c.slug for c in facets.categories]
    assert order.index("t-detonators") == order.index("t-explosives") + 1
    assert {(f.value, f.count) for f in facets.origins} == {("PK", 2), ("CN", 2)}
    assert {(f.value, f.count) for f in facets.currencies} == {("USD", 3), ("CNY", 1)}
    assert facets.currencies[0].value == "USD"  # most listings first
    assert {(f.value, f.count) for f in facets.incoterms} == {("FOB", 2), ("CIF", 1), ("EXW", 2)}
    assert {(s.legal_name, s.count) for s in facets.sellers} == {
        ("Alpha Blasting (Pvt) Ltd", 2),
        ("Beta Minerals Co", 2),
    }
    assert facets.in_stock == 2
    assert facets.dangerous == 1
    assert facets.category_names["t-detonators"].name_for("en") == "Detonators"


def test_facets_follow_the_filters(world: World) -> None:
    facets = search_catalog(CatalogQuery(q="detonators", currency="USD")).facets
    assert facets.total == 2
    assert {c.slug: c.count for c in facets.categories} == {
        "t-explosives": 1,
        "t-detonators": 1,
        "t-minerals": 1,
    }
    assert {(f.value, f.count) for f in facets.incoterms} == {("FOB", 1), ("EXW", 1)}
    assert facets.dangerous == 1


def test_cached_facets_follow_a_listing_change(world: World) -> None:
    assert search_catalog(CatalogQuery(origin="CN")).total == 2
    salt = world.listings["sal"]
    salt.status = ProductStatus.ARCHIVED
    db.session.flush()
    reindex_product(salt)
    result = search_catalog(CatalogQuery(origin="CN"))
    assert result.total == 1 and [i.title for i in result.items] == ["Chromite ore lumps"]


def test_a_new_listing_is_counted_and_listed_by_the_very_next_answer(world: World) -> None:
    query = CatalogQuery(origin="CN")
    assert search_catalog(query).total == 2
    ProductFactory(title="Barite lumps", origin_country="CN", seller=world.beta)
    first = search_catalog(query)  # the cached page order is of an older catalogue
    assert first.total == 3
    assert [i.title for i in first.items] == ["Barite lumps", "Chromite ore lumps", "Rock salt"]


def test_a_cached_page_never_shows_a_listing_hidden_since(world: World) -> None:
    search_catalog(CatalogQuery())
    detonators = world.listings["det"]
    detonators.status = ProductStatus.SUSPENDED
    db.session.flush()
    reindex_product(detonators)
    assert "Electric detonators" not in _titles(CatalogQuery())


def test_cached_facets_follow_a_seller_suspension(world: World) -> None:
    assert search_catalog(CatalogQuery()).total == 4
    world.beta.verification_status = VerificationStatus.SUSPENDED
    world.beta.verification_decided_at = utcnow()
    db.session.flush()
    result = search_catalog(CatalogQuery())
    assert result.total == 2
    assert {i.title for i in result.items} == {"Electric detonators", "Emulsion cartridges"}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["det", "emu", "chr", "sal"]),
        # Within a currency by price; currencies in code order (reversed high to low).
        ("price_asc", ["chr", "det", "emu", "sal"]),
        ("price_desc", ["sal", "emu", "det", "chr"]),
        ("relevance", ["det", "emu", "chr", "sal"]),  # no words: newest
        ("nonsense", ["det", "emu", "chr", "sal"]),
    ],
)
def test_sorts(world: World, sort: str, expected: list[str]) -> None:
    names = {p.public_id: name for name, p in world.listings.items()}
    items = search_catalog(CatalogQuery(sort=sort, controlled_prices=True)).items
    assert [names[item.public_id] for item in items] == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["det", "emu", "chr", "sal"]),
        # The controlled detonators last, as "price on request", in either direction.
        ("price_asc", ["chr", "emu", "sal", "det"]),
        ("price_desc", ["sal", "emu", "chr", "det"]),
    ],
)
def test_price_sorts_put_controlled_listings_last_for_who_may_not_see_their_price(
    world: World, sort: str, expected: list[str]
) -> None:
    names = {p.public_id: name for name, p in world.listings.items()}
    items = search_catalog(CatalogQuery(sort=sort)).items
    assert [names[item.public_id] for item in items] == expected


def test_price_sort_within_one_currency(world: World) -> None:
    query = CatalogQuery(currency="USD", sort="price_desc")
    assert _titles(query) == ["Rock salt", "Emulsion cartridges", "Electric detonators"]


def test_pages_of_24(app_ctx: None) -> None:
    seller = CompanyFactory()
    category = CategoryFactory()
    now = utcnow()
    for number in range(50):
        ProductFactory(
            seller=seller,
            category=category,
            title=f"Ammonium nitrate lot {number:02d}",
            published_at=now - timedelta(minutes=number),
        )
    first = search_catalog(CatalogQuery(q="ammonium"))
    assert (first.total, first.pages, len(first.items)) == (50, 3, PER_PAGE)
    assert first.has_next and not first.has_previous
    second = search_catalog(CatalogQuery(q="ammonium", page=2))
    third = search_catalog(CatalogQuery(sort="newest", page=3))
    assert len(second.items) == PER_PAGE and len(third.items) == 2
    assert {i.public_id for i in first.items}.isdisjoint({i.public_id for i in second.items})
    assert [i.title for i in third.items] == ["Ammonium nitrate lot 48", "Ammonium nitrate lot 49"]
    beyond = search_catalog(CatalogQuery(page=9))
    assert beyond.items == [] and beyond.total == 50 and beyond.pages == 3


def test_a_cached_empty_page_is_served_again(world: World) -> None:
    for _ in range(2):  # the second answer comes from the cached (empty) page order
        result = search_catalog(CatalogQuery(q="nothing-matches-this"))
        assert (result.total, result.items, result.pages) == (0, [], 1)
    for _ in range(2):
        assert search_catalog(CatalogQuery(page=7)).items == []


def test_items_are_narrow_rows_with_what_a_card_shows(world: World) -> None:
    (item,) = search_catalog(CatalogQuery(q="electric")).items
    assert item.seller.legal_name == "Alpha Blasting (Pvt) Ltd"
    assert item.seller_country == "PK" and item.seller_verified
    assert str(item.price_from) == "2.50 USD"
    assert (item.unit, item.moq, item.in_stock, item.origin_country) == ("KGM", 100, True, "PK")
    assert item.dangerous and item.hazard_class == "1.5D"
    assert item.thumbnail_key is None
    (made,) = search_catalog(CatalogQuery(q="emulsion")).items
    assert not made.in_stock and made.lead_time_days == 30
    (pending,) = search_catalog(CatalogQuery(q="salt")).items
    assert not pending.seller_verified


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        "*",
        "%",
        "_",
        "NEAR",
        "' OR 1=1--",
        '"unclosed',
        "AND OR NOT",
        "title:x",
        "^",
        "a" * 5000,
        "detonators " * 500,
        "💥🧨",
        "硝酸铵 炸药",
        "NEAR(a b) OR c*",
        "foo:* & !bar | (baz)",
        "_%_",
    ],
)
def test_hostile_search_text_is_only_data(world: World, text: str) -> None:
    result = search_catalog(CatalogQuery(q=text))
    assert result.total == len(result.items) <= 4


def test_price_bounds_round_inwards() -> None:
    # Unit prices go to hundredths of a cent (US$0.2524/kg): bounds round inwards there.
    query = CatalogQuery(
        currency="USD", price_min=Decimal("2.500051"), price_max=Decimal("9.999999")
    )
    assert query.price_bounds_minor() == (Decimal("250.01"), Decimal("999.99"))
    assert CatalogQuery(currency="JPY", price_min=Decimal("99.505")).price_bounds_minor() == (
        Decimal("99.51"),
        None,
    )
    assert CatalogQuery(price_min=Decimal(1)).price_bounds_minor() == (None, None)
    huge = CatalogQuery(currency="USD", price_min=Decimal("1e30"), price_max=Decimal("NaN"))
    assert huge.price_bounds_minor() == (None, None)
    assert replace(query, page=3).filter_key() == query.filter_key()


def test_product_page_loads_published_listings_only(world: World) -> None:
    view = product_page(world.listings["det"].public_id)
    assert view is not None and not view.preview
    assert [c.slug for c in view.breadcrumbs] == ["t-explosives", "t-detonators"]
    assert view.hazard_class_number == "1"
    assert [str(t.unit_price) for t in view.price_tiers] == ["2.50 USD"]
    for hidden in ("draft", "archived", "suspended", "gone"):
        assert product_page(world.listings[hidden].public_id) is None
    assert product_page("does-not-exist") is None
    assert product_page("../../etc/passwd") is None


def test_a_seller_previews_its_own_draft(world: World) -> None:
    draft = world.listings["draft"]
    view = product_page(draft.public_id, viewer_company_id=world.alpha.id)
    assert view is not None and view.preview
    assert product_page(draft.public_id, viewer_company_id=world.beta.id) is None


def test_product_page_tiers_in_quantity_order(app_ctx: None) -> None:
    product = ProductFactory(
        moq=10,
        price_from_minor=900,
        price_tiers=[
            PriceTier(min_quantity=100, unit_price_minor=900),
            PriceTier(min_quantity=10, unit_price_minor=1000),
        ],
    )
    view = product_page(product.public_id)
    assert view is not None
    assert [(t.min_quantity, str(t.unit_price)) for t in view.price_tiers] == [
        (10, "10.00 USD"),
        (100, "9.00 USD"),
    ]


def test_storefront_lists_one_sellers_published_range(world: World) -> None:
    front = storefront(world.alpha.public_id)
    assert front is not None and front.company == world.alpha
    assert [i.title for i in front.listings.items] == ["Electric detonators", "Emulsion cartridges"]
    gone = world.listings["gone"].seller
    assert storefront(gone.public_id) is None
    assert storefront("nobody") is None
