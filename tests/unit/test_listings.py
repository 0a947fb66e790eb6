"""Listing rules: every field's validation, ownership, publishing, suspension."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, CompanyRole, Incoterm, Product, ProductStatus
from app.services.audit.recording import Actor
from app.services.errors import CompanyNotVerified, NotAllowed, ValidationFailed
from app.services.listings import editing as listings
from app.services.listings.editing import ListingInput, ListingInvalid
from tests.builders.licences import licensed_trade
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory, UserFactory


def _good(category_slug: str) -> ListingInput:
    return ListingInput(
        title="Emulsion explosive cartridges 32 mm",
        description="Cap-sensitive emulsion for underground mining.",
        category_slug=category_slug,
        hs_code="3602.00",
        unit="KGM",
        moq=500,
        currency="USD",
        price_tiers=[(500, Decimal("2.40")), (5000, Decimal("2.15")), (None, None)],
        stock_quantity=20_000,
        origin_country="PK",
        incoterms=[("FOB", "Karachi"), ("CFR", "Shanghai"), ("", "")],
        package_type="box",
        units_per_package=25,
        net_weight_kg=Decimal("25"),
        gross_weight_kg=Decimal("26.4"),
        length_cm=Decimal("50"),
        width_cm=Decimal("30"),
        height_cm=Decimal("25.5"),
        un_number="un 0241",
        proper_shipping_name="EXPLOSIVE, BLASTING, TYPE E",
        hazard_class="1.5d",
        net_explosive_mass_kg=Decimal("25"),
        export_licence_required=True,
        specifications=[("Density", "1.15 g/cm³"), ("", ""), ("VOD", "5,000 m/s")],
    )


@pytest.fixture
def seller(app_ctx: None) -> Actor:
    user = UserFactory(company_role=CompanyRole.SALES)
    licensed_trade(user.company)  # class-1 listings publish under a manufacture licence
    return Actor(user)


@pytest.fixture
def category_slug(app_ctx: None) -> str:
    return str(CategoryFactory(slug="commercial-explosives").slug)


def test_a_complete_listing_is_stored_exactly(seller: Actor, category_slug: str) -> None:
    product = listings.create_listing(seller, _good(category_slug))
    assert product.status is ProductStatus.DRAFT
    assert product.hs_code == "360200"
    assert [(t.min_quantity, t.unit_price_minor) for t in product.price_tiers] == [
        (500, 240),
        (5000, 215),
    ]
    assert product.price_from_minor == 215
    assert [(i.rule, i.named_place) for i in product.incoterms] == [
        (Incoterm.FOB, "Karachi"),
        (Incoterm.CFR, "Shanghai"),
    ]
    assert (product.net_weight_g, product.gross_weight_g) == (25_000, 26_400)
    assert (product.length_mm, product.width_mm, product.height_mm) == (500, 300, 255)
    assert (product.un_number, product.hazard_class, product.net_explosive_mass_g) == (
        "UN0241",
        "1.5D",
        25_000,
    )
    assert [(s.name, s.value) for s in product.specifications] == [
        ("Density", "1.15 g/cm³"),
        ("VOD", "5,000 m/s"),
    ]


def test_a_listing_by_the_kilogram_keeps_its_decimals_exactly(
    seller: Actor, category_slug: str
) -> None:
    """0.5 kg as MOQ and 12.345 kg of stock are stored and read back to the gram."""
    data = replace(
        _good(category_slug),
        moq=Decimal("0.5"),
        price_tiers=[(Decimal("0.5"), Decimal("2.40")), (Decimal("2.5"), Decimal("2.15"))],
        stock_quantity=Decimal("12.345"),
    )
    product = listings.create_listing(seller, data)
    db.session.expire_all()
    stored = db.session.get(Product, product.id)
    assert stored is not None
    assert (stored.moq, stored.stock_quantity) == (Decimal("0.5"), Decimal("12.345"))
    assert str(stored.stock_quantity) == "12.345"
    assert [(t.min_quantity, t.unit_price_minor) for t in stored.price_tiers] == [
        (Decimal("0.5"), 240),
        (Decimal("2.5"), 215),
    ]


def test_a_tier_from_2_5_tonnes_is_accepted(seller: Actor, category_slug: str) -> None:
    data = replace(
        _good(category_slug),
        unit="TNE",
        moq=Decimal("1"),
        price_tiers=[(1, Decimal("265.50")), ("2.5", Decimal("252"))],
        stock_quantity=Decimal("40.125"),
    )
    product = listings.create_listing(seller, data)
    assert [t.min_quantity for t in product.price_tiers] == [Decimal("1"), Decimal("2.5")]
    assert product.stock_quantity == Decimal("40.125")


def _errors(seller: Actor, data: ListingInput) -> dict[str, str]:
    before = db.session.scalar(select(func.count(Product.id)))
    with pytest.raises(ListingInvalid) as caught:
        listings.create_listing(seller, data)
    assert db.session.scalar(select(func.count(Product.id))) == before
    return {name: str(message) for name, message in caught.value.errors.items()}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": "ab"}, "title", "3 to 200"),
        ({"hs_code": "36020"}, "hs_code", "6 to 10 digits"),
        ({"hs_code": "36020000001"}, "hs_code", "6 to 10 digits"),
        ({"hs_code": "3602AB"}, "hs_code", "6 to 10 digits"),
        ({"unit": "BOX"}, "unit", "unit"),
        ({"moq": 0}, "moq", "The minimum order quantity is above zero."),
        ({"moq": None}, "moq", "Give the minimum order quantity."),
        # The unit sets the rule: kilograms to the gram, never finer.
        ({"moq": Decimal("0.0005")}, "moq", "Quantities in kg take up to 3 decimals"),
        ({"stock_quantity": Decimal("12.3456")}, "stock_quantity", "kg take up to 3 decimals"),
        (
            {"unit": "PCE", "moq": Decimal("1.5")},
            "moq",
            "Quantities in pieces are whole numbers.",
        ),
        (
            {"unit": "SET", "price_tiers": [(500, Decimal("2")), (Decimal("600.5"), Decimal("1"))]},
            "price_tiers-1-min_quantity",
            "Quantities in sets are whole numbers.",
        ),
        (
            {"unit": "PCE", "stock_quantity": "20000.5"},
            "stock_quantity",
            "pieces are whole numbers",
        ),
        ({"moq": "NaN"}, "moq", "plain number"),
        ({"currency": "XYZ"}, "currency", "currency"),
        ({"price_tiers": []}, "price_tiers-0-min_quantity", "at least one price"),
        (
            {"price_tiers": [(500, Decimal("2")), (500, Decimal("1.9"))]},
            "price_tiers-1-min_quantity",
            "larger quantity",
        ),
        (
            {"price_tiers": [(500, Decimal("2")), (400, Decimal("1.9"))]},
            "price_tiers-1-min_quantity",
            "larger quantity",
        ),
        (
            {"price_tiers": [(600, Decimal("2"))]},
            "price_tiers-0-min_quantity",
            "minimum order quantity",
        ),
        ({"price_tiers": [(500, Decimal("0"))]}, "price_tiers-0-unit_price", "above zero"),
        ({"price_tiers": [(500, Decimal("-1"))]}, "price_tiers-0-unit_price", "above zero"),
        (
            {"price_tiers": [(500, Decimal("2.40005"))]},
            "price_tiers-0-unit_price",
            "USD prices have at most 4 decimals.",
        ),
        ({"stock_quantity": 100}, "moq", "above the stock"),
        ({"stock_quantity": -1}, "stock_quantity", "The number cannot be negative."),
        ({"stock_quantity": None, "lead_time_days": None}, "lead_time_days", "lead time"),
        ({"lead_time_days": 0}, "lead_time_days", "1 to 730"),
        ({"origin_country": "XX"}, "origin_country", "country of origin"),
        ({"incoterms": []}, "incoterms-0-rule", "at least one Incoterm"),
        ({"incoterms": [("FOX", "Karachi")]}, "incoterms-0-rule", "Incoterms 2020"),
        ({"incoterms": [("FOB", "")]}, "incoterms-0-named_place", "Name the place"),
        ({"incoterms": [("FOB", "Karachi"), ("FOB", "Port Qasim")]}, "incoterms-1-rule", "once"),
        ({"net_weight_kg": Decimal("-1")}, "net_weight_kg", "negative"),
        ({"gross_weight_kg": Decimal("-0.5")}, "gross_weight_kg", "negative"),
        ({"gross_weight_kg": Decimal("20")}, "gross_weight_kg", "at least the net weight"),
        ({"length_cm": Decimal("0")}, "length_cm", "above zero"),
        # Whatever path hands the service a Decimal, it reads it by the one number rule:
        # NaN and Infinity once raised InvalidOperation (a 500) here.
        ({"price_tiers": [(500, Decimal("NaN"))]}, "price_tiers-0-unit_price", "plain number"),
        ({"price_tiers": [(500, Decimal("sNaN"))]}, "price_tiers-0-unit_price", "plain number"),
        ({"price_tiers": [(500, Decimal("Infinity"))]}, "price_tiers-0-unit_price", "plain"),
        ({"price_tiers": [(500, Decimal("1E+12"))]}, "price_tiers-0-unit_price", "too large"),
        ({"net_weight_kg": Decimal("NaN")}, "net_weight_kg", "plain number"),
        ({"gross_weight_kg": Decimal("Infinity")}, "gross_weight_kg", "plain number"),
        ({"net_weight_kg": Decimal("1E+308")}, "net_weight_kg", "too long"),
        ({"net_weight_kg": Decimal("100000000")}, "net_weight_kg", "at most 10000000"),
        ({"net_weight_kg": Decimal("25.0001")}, "net_weight_kg", "at most 3 decimals"),
        ({"height_cm": Decimal("NaN")}, "height_cm", "plain number"),
        ({"width_cm": Decimal("-Infinity")}, "width_cm", "plain number"),
        ({"length_cm": Decimal("12.34")}, "length_cm", "at most 1 decimals"),
        ({"net_explosive_mass_kg": Decimal("NaN")}, "net_explosive_mass_kg", "plain number"),
        ({"un_number": "UN9999"}, "un_number", "UN0004 to UN3599"),
        ({"un_number": "0000"}, "un_number", "UN0004 to UN3599"),
        ({"un_number": "UN02411"}, "un_number", "UN0004 to UN3599"),
        # Codes too are written with the digits 0-9: never stored or converted otherwise.
        ({"un_number": "UN٠٢٤١"}, "un_number", "UN0004 to UN3599"),
        ({"hs_code": "٢٦١٠.٠٠"}, "hs_code", "6 to 10 digits"),
        ({"hs_code": "２６１０００"}, "hs_code", "6 to 10 digits"),
        ({"hazard_class": "1.1"}, "hazard_class", "compatibility group"),
        ({"hazard_class": "1.1I"}, "hazard_class", "compatibility group"),
        ({"hazard_class": "10"}, "hazard_class", "compatibility group"),
        ({"packing_group": "II"}, "packing_group", "no packing group"),
        ({"net_explosive_mass_kg": None}, "net_explosive_mass_kg", "net explosive mass"),
        ({"proper_shipping_name": ""}, "proper_shipping_name", "proper shipping name"),
        ({"specifications": [("Density", "")]}, "specifications-0-name", "property"),
    ],
)
def test_each_rule_refuses_with_its_message(
    seller: Actor, category_slug: str, changes: dict[str, object], field: str, words: str
) -> None:
    errors = _errors(seller, replace(_good(category_slug), **changes))  # type: ignore[arg-type]
    assert field in errors, errors
    assert words.lower() in errors[field].lower()


def test_packing_group_belongs_to_the_class(seller: Actor, category_slug: str) -> None:
    oxidiser = replace(
        _good(category_slug),
        un_number="UN1942",
        proper_shipping_name="AMMONIUM NITRATE",
        hazard_class="5.1",
        packing_group="III",
        net_explosive_mass_kg=None,
    )
    product = listings.create_listing(seller, oxidiser)
    assert (product.hazard_class, product.packing_group, product.net_explosive_mass_g) == (
        "5.1",
        "III",
        None,
    )
    errors = _errors(seller, replace(oxidiser, packing_group="IV"))
    assert "packing_group" in errors


def test_every_problem_is_reported_at_once(seller: Actor, category_slug: str) -> None:
    errors = _errors(seller, replace(_good(category_slug), title="", hs_code="1", unit="", moq=0))
    assert {"title", "hs_code", "unit", "moq"} <= set(errors)


def test_made_to_order_needs_no_stock(seller: Actor, category_slug: str) -> None:
    product = listings.create_listing(
        seller, replace(_good(category_slug), stock_quantity=None, lead_time_days=45)
    )
    assert product.made_to_order and product.lead_time_days == 45


def test_goods_without_un_number_carry_no_dangerous_goods_data(
    seller: Actor, category_slug: str
) -> None:
    rock_salt = replace(
        _good(category_slug),
        un_number="",
        proper_shipping_name="",
        hazard_class="",
        net_explosive_mass_kg=None,
    )
    product = listings.create_listing(seller, rock_salt)
    assert not product.is_dangerous_goods
    assert "un_number" in _errors(seller, replace(rock_salt, packing_group="II"))


def test_viewers_and_buyers_cannot_edit(app_ctx: None, category_slug: str) -> None:
    viewer = Actor(UserFactory(company_role=CompanyRole.VIEWER))
    buyer = Actor(UserFactory(company=CompanyFactory(chinese_buyer=True)))
    for actor in (viewer, buyer):
        with pytest.raises(NotAllowed):
            listings.create_listing(actor, _good(category_slug))


def test_another_sellers_listing_is_out_of_reach(seller: Actor, category_slug: str) -> None:
    theirs = ProductFactory()
    assert listings.seller_product(seller.company_id or 0, theirs.public_id) is None
    with pytest.raises(NotAllowed):
        listings.update_listing(seller, theirs, _good(category_slug))
    with pytest.raises(NotAllowed):
        listings.publish_listing(seller, theirs)


def test_update_replaces_tiers_and_terms(seller: Actor, category_slug: str) -> None:
    product = listings.create_listing(seller, _good(category_slug))
    listings.update_listing(
        seller,
        product,
        replace(
            _good(category_slug),
            price_tiers=[(500, Decimal("2.50"))],
            incoterms=[("FCA", "Lahore")],
        ),
    )
    assert [(t.min_quantity, t.unit_price_minor) for t in product.price_tiers] == [(500, 250)]
    assert [(i.rule.value, i.named_place) for i in product.incoterms] == [("FCA", "Lahore")]


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_only_verified_companies_publish(app_ctx: None, category_slug: str, status: str) -> None:
    company = CompanyFactory(**{status: True})
    actor = Actor(UserFactory(company=company, company_role=CompanyRole.OWNER))
    product = listings.create_listing(actor, _good(category_slug))
    with pytest.raises(CompanyNotVerified):
        listings.publish_listing(actor, product)
    assert product.status is ProductStatus.DRAFT


def test_publish_archive_and_duplicate(seller: Actor, category_slug: str) -> None:
    product = listings.create_listing(seller, _good(category_slug))
    listings.publish_listing(seller, product)
    assert product.status is ProductStatus.PUBLISHED and product.published_at is not None
    copy = listings.duplicate_listing(seller, product)
    assert copy.status is ProductStatus.DRAFT and copy.id != product.id
    assert copy.title.endswith("(copy)")
    assert [(t.min_quantity, t.unit_price_minor) for t in copy.price_tiers] == [
        (500, 240),
        (5000, 215),
    ]
    listings.archive_listing(seller, product)
    assert product.status is ProductStatus.ARCHIVED


def test_operator_suspends_with_reason_and_seller_cannot_republish(
    seller: Actor, category_slug: str
) -> None:
    product = listings.create_listing(seller, _good(category_slug))
    listings.publish_listing(seller, product)
    operator = Actor(UserFactory(operator=True))
    with pytest.raises(ValidationFailed):
        listings.suspend_listing(operator, product, "  ")
    with pytest.raises(NotAllowed):
        listings.suspend_listing(seller, product, "mine")
    # Refused, not cut at 1,000 characters: the seller would read half a reason.
    with pytest.raises(ValidationFailed, match="under 1000 characters") as too_long:
        listings.suspend_listing(operator, product, "x" * 1001)
    assert too_long.value.field == "reason" and product.status is ProductStatus.PUBLISHED
    listings.suspend_listing(operator, product, "Missing export licence")
    assert product.status is ProductStatus.SUSPENDED
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "listing.suspended"))
        is not None
    )
    with pytest.raises(ValidationFailed):
        listings.publish_listing(seller, product)
    listings.reinstate_listing(operator, product)
    assert product.status is ProductStatus.DRAFT
