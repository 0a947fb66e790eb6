"""Money: exact arithmetic and ISO 4217 rounding for 0-, 2- and 3-decimal currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.money import CurrencyMismatch, InvalidCurrency, Money, currency_exponent


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [
        ("JPY", 0),
        ("KRW", 0),
        ("USD", 2),
        ("PKR", 2),
        ("CNY", 2),
        ("KWD", 3),
        ("BHD", 3),
        ("IQD", 3),
    ],
)
def test_exponent_follows_iso_4217(currency: str, exponent: int) -> None:
    assert currency_exponent(currency) == exponent


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("1234", "JPY", 1234),
        ("1234.5", "JPY", 1235),  # half rounds up
        ("1234.4", "JPY", 1234),
        ("10.005", "USD", 1001),
        ("10.004", "USD", 1000),
        ("0.1", "PKR", 10),
        ("1.0005", "KWD", 1001),
        ("1.0004", "KWD", 1000),
        ("-10.005", "USD", -1001),  # half away from zero for refunds too
    ],
)
def test_to_minor_rounds_half_up_by_exponent(amount: str, currency: str, minor: int) -> None:
    assert Money(amount, currency).to_minor() == minor


@pytest.mark.parametrize(
    ("minor", "currency", "amount"),
    [(1234, "JPY", "1234"), (1234, "USD", "12.34"), (1234, "KWD", "1.234"), (-5, "CNY", "-0.05")],
)
def test_from_minor_is_exact(minor: int, currency: str, amount: str) -> None:
    money = Money.from_minor(minor, currency)
    assert money.amount == Decimal(amount)
    assert money.to_minor() == minor


def test_sum_of_tenths_is_exact_unlike_float() -> None:
    total = Money("0.1", "USD") + Money("0.2", "USD")
    assert total == Money("0.3", "USD")


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        Money(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money("1", "USD") * 1.5  # type: ignore[operator]


def test_mixed_currencies_are_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        Money("1", "USD") + Money("1", "PKR")
    with pytest.raises(CurrencyMismatch):
        _ = Money("1", "USD") < Money("2", "CNY")


@pytest.mark.parametrize("code", ["XXX", "XAU", "ABC", "US", "", "usdd"])
def test_unknown_or_non_trade_currencies_are_refused(code: str) -> None:
    with pytest.raises(InvalidCurrency):
        Money("1", code)


def test_currency_code_is_normalised() -> None:
    assert Money("1", "usd").currency == "USD"


def test_multiplication_keeps_precision_until_rounded() -> None:
    unit_price = Money("0.333", "USD")
    line = unit_price * 3
    assert line.amount == Decimal("0.999")
    assert line.rounded() == Money("1.00", "USD")


@pytest.mark.parametrize(
    ("total", "currency", "ratios", "parts"),
    [
        ("100.01", "USD", [30, 70], ["30.00", "70.01"]),
        ("100", "JPY", [1, 1, 1], ["34", "33", "33"]),
        ("1.000", "KWD", [1, 1, 1], ["0.334", "0.333", "0.333"]),
        ("0.05", "CNY", [30, 70], ["0.02", "0.03"]),
    ],
)
def test_allocate_sums_exactly(
    total: str, currency: str, ratios: list[int], parts: list[str]
) -> None:
    whole = Money(total, currency)
    allocated = whole.allocate(ratios)
    assert [part.amount for part in allocated] == [Decimal(p) for p in parts]
    assert sum((part for part in allocated), Money.zero(currency)) == whole.rounded()


def test_allocate_refuses_meaningless_ratios() -> None:
    with pytest.raises(ValueError):
        Money("1", "USD").allocate([0, 0])
    with pytest.raises(ValueError):
        Money("1", "USD").allocate([-1, 2])


@pytest.mark.parametrize(
    ("locale", "money", "expected"),
    [
        ("en", Money("1234.5", "USD"), "$1,234.50"),
        ("en", Money("1234", "JPY"), "¥1,234"),
        ("en", Money("1234.5", "KWD"), "KWD1,234.500"),
        ("zh_Hans", Money("1234.5", "CNY"), "¥1,234.50"),
    ],
)
def test_format_shows_the_currency_exponent(locale: str, money: Money, expected: str) -> None:
    assert money.format(locale).replace("\xa0", "") == expected
