"""The range a tolerance allows each line, and what a person may type for one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.services.errors import ValidationFailed
from app.services.orders.tolerance import Tolerance, parse_tolerance


@pytest.mark.parametrize(
    ("percent", "quantity", "unit", "expected"),
    [
        (5, "5000", "TNE", ("4750.000", "5250.000")),
        (10, "5000", "TNE", ("4500.000", "5500.000")),
        (10, "12.5", "TNE", ("11.250", "13.750")),
        # Inside the percent, never beyond it: to the kilogram, and to the whole piece.
        (5, "0.333", "TNE", ("0.317", "0.349")),
        (10, "3", "PCE", ("3", "3")),
        (5, "1000", "PCE", ("950", "1050")),
        (0, "512.5", "TNE", ("512.500", "512.500")),
    ],
)
def test_bounds_stay_inside_the_percent_in_steps_of_the_unit(
    percent: int, quantity: str, unit: str, expected: tuple[str, str]
) -> None:
    low, high = Tolerance(percent).bounds(Decimal(quantity), unit)
    assert (str(low), str(high)) == expected


@pytest.mark.parametrize(
    ("percent", "option", "expected"),
    [
        (None, None, Tolerance(0, False)),
        ("", "", Tolerance(0, False)),
        ("5", "seller", Tolerance(5, False)),
        (" 10 % ", "Buyer", Tolerance(10, True)),
        (0, "buyer", Tolerance(0, True)),
        (7, None, Tolerance(7, False)),
    ],
)
def test_a_tolerance_is_read_as_typed(percent: object, option: object, expected: Tolerance) -> None:
    assert parse_tolerance(percent, option) == expected


@pytest.mark.parametrize("percent", ["11", "-5", "5.5", "abc", "٥", 5.0, True, "1e1"])
def test_a_tolerance_outside_0_to_10_whole_percent_is_refused(percent: object) -> None:
    with pytest.raises(ValidationFailed) as refusal:
        parse_tolerance(percent, "seller")
    assert str(refusal.value) == "The quantity tolerance is a whole percent from 0 to 10."
    assert refusal.value.field == "tolerance_percent"


def test_the_option_is_the_sellers_or_the_buyers() -> None:
    with pytest.raises(ValidationFailed) as refusal:
        parse_tolerance("5", "carrier")
    assert str(refusal.value) == "The tolerance is at the seller's or the buyer's option."
    assert refusal.value.field == "tolerance_option"
