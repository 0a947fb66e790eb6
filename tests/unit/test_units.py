"""How finely each unit is traded, and the one rounding of a line amount (issue #20)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask

from app.money import line_amount_minor
from app.numbers import NumberProblem
from app.reference.units import parse_quantity


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("12.5", "TNE", Decimal("12.5")),
        ("2,480.350", "TNE", Decimal("2480.350")),
        ("0.001", "KGM", Decimal("0.001")),
        ("12.000", "PCE", Decimal(12)),  # zero decimals are still a whole number
        ("1200", "PCE", Decimal(1200)),
        (7, "SET", Decimal(7)),
        ("3.75", "MTQ", Decimal("3.75")),
        ("1.5", "LTR", Decimal("1.5")),
    ],
)
def test_quantities_the_unit_allows_are_read_exactly(
    app: Flask, raw: object, unit: str, expected: Decimal
) -> None:
    with app.test_request_context():
        value = parse_quantity(raw, unit)
    assert value == expected


@pytest.mark.parametrize(
    ("raw", "unit", "message"),
    [
        ("12.5", "PCE", "Quantities in pieces are whole numbers."),
        ("1.5", "SET", "Quantities in sets are whole numbers."),
        ("1.2345", "TNE", "Quantities in t take up to 3 decimals (for example 12.500)."),
        ("0.0005", "KGM", "Enter at least 0.001."),
        ("0", "PCE", "Enter at least 1."),
        ("-2", "TNE", "Enter at least 0.001."),
        ("1e3", "TNE", "Write a plain number"),
        ("1000000000001", "TNE", "Enter at most 1000000000000."),
    ],
)
def test_refusals_name_the_unit_rule(app: Flask, raw: str, unit: str, message: str) -> None:
    with app.test_request_context(), pytest.raises(NumberProblem) as refused:
        parse_quantity(raw, unit)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(
    ("quantity", "price_minor", "expected"),
    [
        (Decimal("12.5"), 30_000, 375_000),  # 12.5 t at USD 300.00
        (Decimal("2480.35"), 8_950, 22_199_133),  # 22,199,132.5 cents: half up
        (Decimal("0.001"), 1, 0),  # a thousandth of a cent rounds away
        (Decimal("0.5"), 1, 1),  # exactly half a cent rounds up
        (Decimal("2611.125"), 4_125, 10_770_891),  # 10,770,890.625 cents
        (200, 1_250, 250_000),
    ],
)
def test_a_line_amount_is_rounded_once_half_up(
    quantity: Decimal | int, price_minor: int, expected: int
) -> None:
    assert line_amount_minor(quantity, price_minor) == expected


def test_a_float_quantity_is_refused() -> None:
    with pytest.raises(TypeError):
        line_amount_minor(12.5, 30_000)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "value", "unit", "printed"),
    [
        ("en", Decimal("12.5"), "TNE", "12.500 t"),
        ("en", Decimal(25), "KGM", "25.000 kg"),
        ("en", Decimal(3), "MTQ", "3.000 m³"),
        ("en", Decimal(1), "PCE", "1 piece"),
        ("en", Decimal(1200), "PCE", "1,200 pieces"),
        ("en", Decimal(1), "SET", "1 set"),
        ("en", Decimal(2), "SET", "2 sets"),
        ("en", Decimal("12.5"), "XYZ", "12.500 XYZ"),  # a code without words stays a code
        ("zh", Decimal("12.5"), "TNE", "12.500 吨"),
        ("zh", Decimal(25), "KGM", "25.000 千克"),
        ("zh", Decimal(1), "PCE", "1 件"),
        ("zh", Decimal(1200), "PCE", "1,200 件"),
        ("zh", Decimal("12.5"), "XYZ", "12.500 XYZ"),
        ("ur", Decimal("12.5"), "TNE", "12.500 ٹن"),
        ("ur", Decimal(25), "KGM", "25.000 کلوگرام"),
        ("ur", Decimal(1), "PCE", "1 عدد"),
        ("ur", Decimal(1200), "PCE", "1,200 عدد"),
        ("ur", Decimal("12.5"), "XYZ", "12.500 XYZ"),
    ],
)
def test_a_quantity_reads_with_its_unit_as_the_reader_says_it(
    app: Flask, language: str, value: Decimal, unit: str, printed: str
) -> None:
    # Issue 20: pages print the unit people read (t, 吨, ٹن), never the code TNE; the
    # figure keeps the unit's decimals and the reader's grouping.
    with app.test_request_context(headers={"Accept-Language": language}):
        assert app.jinja_env.filters["quantity"](value, unit) == printed


def test_a_licence_and_a_page_say_the_unit_in_the_same_words(app: Flask) -> None:
    from app.services.licences.quantities import units_text

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert units_text(200, "TNE") == "200 t"
        assert units_text(Decimal("12.5"), "TNE") == "12.5 t"
        assert units_text(1, "PCE") == "1 piece"
        assert units_text(200, "PCE") == "200 pieces"
        assert units_text(200, None) == "200 units"
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert units_text(200, "TNE") == "200 吨"
