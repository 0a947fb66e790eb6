"""The listing form against hostile numbers: every price, weight, size and explosive mass is
read by the one number rule (``app.numbers``), refused with a message on its own field, and
nothing is written.

Once, "NaN" or "Infinity" as a price or a weight answered 500, "١٢٣" became a price of
123.00, and 1e308 kg was refused as "cannot be negative".
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import CompanyRole, PriceTier, Product, User
from tests.factories import CategoryFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.db import count
from tests.support.forms import listing_form
from tests.support.http import field_errors, page_of

PLAIN = (
    "Write a plain number, with a point for decimals (for example 1250.50):"
    " no letters, exponents or plus signs."
)
DIGITS = "Write the number with the digits 0 to 9 (for example 1250.50)."
# What people (and scripts) type, and what the form answers.
HOSTILE = [
    ("NaN", PLAIN),
    ("Infinity", PLAIN),
    ("-Infinity", PLAIN),
    ("sNaN", PLAIN),
    ("1e308", PLAIN),
    ("+3", PLAIN),
    ("١٢٣", DIGITS),  # Arabic-Indic 123
    ("۱۲", DIGITS),  # Persian 12
    ("１２", DIGITS),  # full-width 12
    ("1,5", PLAIN),  # one and a half in much of the world: never 15
]


def packed_listing(**changes: str) -> dict[str, str]:
    """A sound listing form with its packaging filled in, then ``changes``."""
    packaging = {
        "package_type": "bag",
        "units_per_package": "1",
        "net_weight_kg": "1000",
        "gross_weight_kg": "1002.5",
        "length_cm": "120",
        "width_cm": "100",
        "height_cm": "90.5",
    }
    return listing_form(**{**packaging, **changes})


def row_errors(page: str, name: str) -> list[str]:
    """The errors shown under a price-tier box (the tiers are a table, not ``field``s)."""
    match = re.search(
        rf'<input[^>]*name="{re.escape(name)}"[^>]*>\s*((?:<div class="invalid-feedback[^"]*">'
        r".*?</div>)*)",
        page,
    )
    assert match is not None, f"no box {name}"
    return [html.unescape(text) for text in re.findall(r">([^<]*)</div>", match.group(1))]


@pytest.fixture
def sales(auth: AuthActions) -> User:
    CategoryFactory(slug="chromite", name_en="Chromite ore")
    user: User = UserFactory(email="sales@example.com", company_role=CompanyRole.SALES)
    auth.login("sales@example.com")
    return user


def test_a_sound_listing_is_saved(client: FlaskClient, sales: User) -> None:
    response = client.post("/seller/listings/new", data=packed_listing())
    assert response.status_code == 302
    assert count(Product) == 1 and count(PriceTier) == 2


@pytest.mark.parametrize(
    "field",
    ["net_weight_kg", "gross_weight_kg", "length_cm", "height_cm", "net_explosive_mass_kg"],
)
def test_hostile_packaging_numbers_are_refused_on_their_field(
    client: FlaskClient, sales: User, field: str
) -> None:
    for value, message in HOSTILE:
        response = client.post("/seller/listings/new", data=packed_listing(**{field: value}))
        assert response.status_code == 200, value
        assert field_errors(page_of(response), field) == [message], value
    assert count(Product) == 0 and count(PriceTier) == 0


def test_hostile_prices_are_refused_on_their_tier(client: FlaskClient, sales: User) -> None:
    for value, message in HOSTILE:
        response = client.post(
            "/seller/listings/new", data=packed_listing(**{"price_tiers-1-unit_price": value})
        )
        assert response.status_code == 200, value
        page = page_of(response)
        assert row_errors(page, "price_tiers-1-unit_price") == [message], value
        assert row_errors(page, "price_tiers-0-unit_price") == []
        # What was typed stays in the box, to be corrected.
        assert f'value="{html.escape(value)}"' in page
    assert count(Product) == 0 and count(PriceTier) == 0


PIECES_ARE_WHOLE = "Quantities in pieces are whole numbers."


@pytest.mark.parametrize(
    ("field", "half"),
    [
        # A listing by the piece: its quantities are whole, and the refusal says why.
        ("moq", PIECES_ARE_WHOLE),
        ("stock_quantity", PIECES_ARE_WHOLE),
        ("price_tiers-0-min_quantity", PIECES_ARE_WHOLE),
        # A count of units in a package is whole whatever the unit.
        ("units_per_package", "Enter a whole number."),
    ],
)
def test_hostile_quantities_are_refused(
    client: FlaskClient, sales: User, field: str, half: str
) -> None:
    for value, message in [*HOSTILE, ("1.5", half), ("-5", "negative")]:
        response = client.post(
            "/seller/listings/new", data=packed_listing(unit="PCE", **{field: value})
        )
        assert response.status_code == 200, value
        page = page_of(response)
        errors = (
            row_errors(page, field)
            if field.startswith("price_tiers")
            else field_errors(page, field)
        )
        assert len(errors) == 1 and message in errors[0], (value, errors)
    assert count(Product) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # A weight beyond any package is too large, not "negative" (as 1e308 once was).
        ("net_weight_kg", "100000000", "Enter at most 10000000."),
        ("net_weight_kg", "-1", "The number cannot be negative."),
        ("net_weight_kg", "25.0005", "Use at most 3 decimals."),  # grams are kept
        ("width_cm", "30.25", "Use at most 1 decimals."),  # millimetres are kept
        ("width_cm", "0", "A dimension is above zero."),
        ("price_tiers-0-unit_price", "265.50005", "USD prices have at most 4 decimals."),
        ("price_tiers-0-unit_price", "1000000000000", "This price is too large."),
        ("price_tiers-0-unit_price", "0", "Give a unit price above zero."),
    ],
)
def test_out_of_range_numbers_say_which_bound(
    client: FlaskClient, sales: User, field: str, value: str, message: str
) -> None:
    response = client.post("/seller/listings/new", data=packed_listing(**{field: value}))
    assert response.status_code == 200
    page = page_of(response)
    errors = (
        row_errors(page, field) if field.startswith("price_tiers") else field_errors(page, field)
    )
    assert errors == [message]
    assert count(Product) == 0


def test_grouped_thousands_and_trailing_zeros_read_as_the_import_reads_them(
    client: FlaskClient, sales: User
) -> None:
    response = client.post(
        "/seller/listings/new",
        data=packed_listing(
            **{
                "stock_quantity": "12,000",
                "price_tiers-1-min_quantity": "2,000",
                "price_tiers-1-unit_price": "1,252.50",
                "gross_weight_kg": "1,002.500",
            }
        ),
    )
    assert response.status_code == 302
    product = db.session.scalars(select(Product)).one()
    assert product.stock_quantity == 12_000 and product.gross_weight_g == 1_002_500
    assert [(t.min_quantity, t.unit_price_minor) for t in product.price_tiers] == [
        (500, 26550),
        (2000, 125250),
    ]


def test_a_listing_by_the_kilogram_is_saved_and_shown_to_the_gram(
    client: FlaskClient, sales: User
) -> None:
    """MOQ 0.5 kg, a tier from 2.5 kg and 12.345 kg of stock go in and come back exactly."""
    response = client.post(
        "/seller/listings/new",
        data=packed_listing(
            **{
                "unit": "KGM",
                "moq": "0.5",
                "price_tiers-0-min_quantity": "0.5",
                "price_tiers-1-min_quantity": "2.5",
                "stock_quantity": "12.345",
            }
        ),
    )
    assert response.status_code == 302
    product = db.session.scalars(select(Product)).one()
    db.session.expire_all()
    assert product.moq == Decimal("0.5")
    assert product.stock_quantity == Decimal("12.345")
    assert format(product.stock_quantity, "f") == "12.345"  # not 12.34, not a float
    assert [t.min_quantity for t in product.price_tiers] == [Decimal("0.5"), Decimal("2.5")]

    page = page_of(client.get(f"/seller/listings/{product.public_id}/edit"))
    assert re.search(
        r'name="stock_quantity"[^>]*value="12.345"|value="12.345"[^>]*name="stock_quantity"', page
    )
    assert re.search(r'name="moq"[^>]*value="0.5"|value="0.5"[^>]*name="moq"', page)
    # The unit's rule stands beside the box, and the box offers the decimal keypad.
    assert "Quantities in kg take up to 3 decimals (for example 12.500)." in html.unescape(page)
    assert re.search(r'inputmode="decimal"[^>]*name="moq"|name="moq"[^>]*inputmode="decimal"', page)

    listings = page_of(client.get("/seller/listings"))
    assert "12.345 kg" in listings


def test_a_tier_from_two_and_a_half_tonnes_is_saved(client: FlaskClient, sales: User) -> None:
    response = client.post(
        "/seller/listings/new",
        data=packed_listing(
            **{
                "moq": "1",
                "price_tiers-0-min_quantity": "1",
                "price_tiers-1-min_quantity": "2.5",
                "stock_quantity": "2,480.350",
            }
        ),
    )
    assert response.status_code == 302
    product = db.session.scalars(select(Product)).one()
    assert [(t.min_quantity, t.unit_price_minor) for t in product.price_tiers] == [
        (Decimal("1"), 26550),
        (Decimal("2.5"), 25200),
    ]
    assert product.stock_quantity == Decimal("2480.35")


def test_a_listing_by_the_piece_shows_its_rule_and_refuses_half_pieces(
    client: FlaskClient, sales: User
) -> None:
    response = client.post(
        "/seller/listings/new",
        data=packed_listing(**{"unit": "PCE", "moq": "1.5", "price_tiers-0-min_quantity": "1.5"}),
    )
    assert response.status_code == 200
    page = page_of(response)
    assert field_errors(page, "moq") == ["Quantities in pieces are whole numbers."]
    assert row_errors(page, "price_tiers-0-min_quantity") == [
        "Quantities in pieces are whole numbers."
    ]
    assert re.search(r'inputmode="numeric"[^>]*name="moq"|name="moq"[^>]*inputmode="numeric"', page)
    assert count(Product) == 0


def test_a_price_per_kilogram_to_four_decimals_is_listed_and_shown_exactly(
    client: FlaskClient, sales: User
) -> None:
    response = client.post(
        "/seller/listings/new",
        data=listing_form(
            **{
                "unit": "KGM",
                "moq": "1000",
                "price_tiers-0-min_quantity": "1000",
                "price_tiers-0-unit_price": "0.2524",
                "price_tiers-1-min_quantity": "20000",
                "price_tiers-1-unit_price": "0.2475",
                "stock_quantity": "500000",
            }
        ),
    )
    assert response.status_code == 302
    product = db.session.scalars(select(Product)).one()
    db.session.expire_all()
    # Hundredths of a cent, exactly: not 25 cents, not a float.
    assert [t.unit_price_minor for t in product.price_tiers] == [Decimal("25.24"), Decimal("24.75")]
    assert product.price_from_minor == Decimal("24.75")

    page = html.unescape(page_of(client.get(f"/products/{product.public_id}")))
    assert "$0.2524" in page and "$0.2475" in page
    edit = page_of(client.get(f"/seller/listings/{product.public_id}/edit"))
    assert 'value="0.2524"' in edit


@pytest.mark.parametrize(
    ("currency", "typed", "message"),
    [
        ("USD", "0.25237", "USD prices have at most 4 decimals."),
        ("JPY", "37.125", "JPY prices have at most 2 decimals."),
        ("KWD", "0.077125", "KWD prices have at most 5 decimals."),
    ],
)
def test_a_price_finer_than_its_currency_allows_is_refused_naming_the_rule(
    client: FlaskClient, sales: User, currency: str, typed: str, message: str
) -> None:
    response = client.post(
        "/seller/listings/new",
        data=listing_form(**{"currency": currency, "price_tiers-0-unit_price": typed}),
    )
    assert response.status_code == 200
    page = html.unescape(page_of(response))
    assert row_errors(page, "price_tiers-0-unit_price") == [message]
    # Said at the top too: on a phone the price box is a long way down the page.
    summary = re.search(r'data-testid="form-error-summary".*?</ul>', page, re.S)
    assert summary is not None and f"<li>{message}</li>" in summary.group(0)
    assert page.index("form-error-summary") < page.index('name="title"')
    assert db.session.scalars(select(Product)).first() is None
