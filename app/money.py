"""Money: an exact Decimal amount in one ISO 4217 currency.

The database stores integer minor units plus the currency code; Python code works with
``Money``. Floats are refused everywhere: 0.1 + 0.2 is not a price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, lru_cache, total_ordering

import pycountry
from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

# ISO 4217 minor-unit exponents that differ from 2. CLDR (babel) disagrees with ISO for a
# few (IQD, IRR ...), and banks follow ISO, so the table is ours. (Stripe differs for a few:
# see app/payments/gateway.py.)
_EXPONENT_0 = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "UYI",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
_EXPONENT_3 = frozenset(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"])
_EXPONENT_4 = frozenset(["CLF", "UYW"])
# Every currency whose exponent is not 2, for SQL that turns an amount into minor units.
EXPONENTS_OTHER_THAN_2: dict[str, int] = {
    **dict.fromkeys(_EXPONENT_0, 0),
    **dict.fromkeys(_EXPONENT_3, 3),
    **dict.fromkeys(_EXPONENT_4, 4),
}
# The most decimals any currency has: what an amount typed before its currency is known
# may carry (the currency's own exponent is checked once it is).
MAX_CURRENCY_EXPONENT = max(EXPONENTS_OTHER_THAN_2.values())
# Unit prices go two decimals finer than the currency's minor unit (issue #20): prices per
# kilogram are routinely sub-cent (US$0.2524/kg), while every amount billed is whole minor
# units. A unit price is kept as minor units to the hundredth (25.24 US cents).
UNIT_PRICE_EXTRA_PLACES = 2
# Codes in ISO 4217 that are not money one can invoice in (metals, testing, SDR ...).
_NOT_TRADABLE = frozenset(
    ["XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"]
)


class CurrencyMismatch(ValueError):
    """Raised when two amounts in different currencies are combined."""


class InvalidCurrency(ValueError):
    """Raised for a code that is not an ISO 4217 currency one can trade in."""


def currency_exponent(currency: str) -> int:
    """Number of decimal places of ``currency``'s minor unit per ISO 4217."""
    code = normalize_currency(currency)
    if code in _EXPONENT_0:
        return 0
    if code in _EXPONENT_3:
        return 3
    if code in _EXPONENT_4:
        return 4
    return 2


def unit_price_places(currency: str) -> int:
    """The most decimals a unit price in ``currency`` takes: USD 4, JPY 2, KWD 5."""
    return currency_exponent(currency) + UNIT_PRICE_EXTRA_PLACES


def unit_price_minor(amount: Decimal, currency: str) -> Decimal:
    """A unit price typed in ``currency`` as minor units, exactly: 0.2524 USD → 25.24.

    More decimals than ``unit_price_places`` is a ValueError: a price is never rounded
    silently (the forms refuse it first, naming the rule)."""
    minor = _to_decimal(amount).scaleb(currency_exponent(currency))
    if minor != minor.quantize(Decimal(1).scaleb(-UNIT_PRICE_EXTRA_PLACES)):
        raise ValueError(
            f"{currency} unit prices have at most {unit_price_places(currency)} decimals"
        )
    return plain_decimal(minor)


def price_json(minor: Decimal | int) -> int | str:
    """A unit price in minor units for stored JSON (documents, hashed quote terms): an int
    when whole, so what was stored before sub-cent prices reads (and hashes) the same;
    exact text otherwise ("25.24")."""
    value = _to_decimal(minor)
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


def plain_decimal(value: Decimal) -> Decimal:
    """``value`` without trailing zeros, never in exponent form: 12.500 → 12.5, 1200.000 →
    1200 (``normalize`` alone would give 1.2E+3). Quantities and unit prices read so."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def normalize_currency(currency: str) -> str:
    """Upper-cased ISO 4217 code, or ``InvalidCurrency``."""
    code = (currency or "").strip().upper()
    if not _is_tradable(code):
        raise InvalidCurrency(f"{currency!r} is not an ISO 4217 currency")
    return code


@lru_cache(maxsize=512)
def _is_tradable(code: str) -> bool:
    # Every amount checks its currency; the ISO table does not change while we run.
    # Bounded: codes can come from requests, and an unbounded cache would grow with them.
    return (
        code not in _NOT_TRADABLE
        and len(code) == 3
        and pycountry.currencies.get(alpha_3=code) is not None
    )


@cache
def _currency_pattern(exponent: int, optional: int = 0) -> NumberPattern:
    """``¤#,##0.00``; with ``optional`` digits ``¤#,##0.00##`` (shown only when set)."""
    decimals = "0" * exponent + "#" * optional
    return parse_pattern("¤#,##0" + (f".{decimals}" if decimals else ""))


@lru_cache(maxsize=64)
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, float):
        raise TypeError("floats are not accepted for money; use Decimal, int or str")
    if isinstance(value, bool):
        raise TypeError("booleans are not amounts")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(f"{value!r} is not a number") from exc
    else:
        raise TypeError(f"cannot use {type(value).__name__} as an amount")
    if not result.is_finite():
        raise ValueError("amounts must be finite")
    return result


def line_amount_minor(quantity: Decimal | int, unit_price_minor: Decimal | int) -> int:
    """Quantity times unit price in minor units, rounded once, half up (issue #20).

    The one rounding of a line amount: the order, its PDFs, the e-invoice XML and every
    total add up the lines this returns, so they cannot disagree by a cent.
    """
    for value in (quantity, unit_price_minor):
        if isinstance(value, bool | float) or not isinstance(value, int | Decimal):
            raise TypeError("quantities and prices are exact: Decimal or int only")
    exact = Decimal(quantity) * Decimal(unit_price_minor)
    return int(exact.to_integral_value(rounding=ROUND_HALF_UP))


def lot_amount_minor(
    before: Decimal | int, quantity: Decimal | int, unit_price_minor: Decimal | int
) -> int:
    """A lot's share of a line shipped in lots: the line with this lot, less the line before
    it, each rounded once half up. The lots then add up to the whole quantity rounded once
    (6.25 t + 6.25 t at US$214.50: 1,340.63 + 1,340.62 = 2,681.25), never a cent more than
    the contract; each lot stays within a cent of its own rounding."""
    return line_amount_minor(Decimal(before) + Decimal(quantity), unit_price_minor) - (
        line_amount_minor(before, unit_price_minor)
    )


@total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        object.__setattr__(self, "amount", _to_decimal(amount))
        object.__setattr__(self, "currency", normalize_currency(currency))

    # Construction and conversion -------------------------------------------------------

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_minor(cls, minor_units: int | Decimal, currency: str) -> Money:
        """The amount stored as ``minor_units`` (e.g. cents, fils) of ``currency``; a unit
        price may hold fractions of a minor unit (25.24 cents), kept exactly."""
        if isinstance(minor_units, bool) or not isinstance(minor_units, int | Decimal):
            raise TypeError("minor units are an integer (or an exact Decimal for a unit price)")
        exponent = currency_exponent(currency)
        return cls(_to_decimal(minor_units).scaleb(-exponent), currency)

    @property
    def exponent(self) -> int:
        return currency_exponent(self.currency)

    def rounded(self) -> Money:
        """Rounded half-up to the currency's minor unit (commercial rounding)."""
        quantum = Decimal(1).scaleb(-self.exponent)
        return Money(self.amount.quantize(quantum, rounding=ROUND_HALF_UP), self.currency)

    def to_minor(self) -> int:
        """Integer minor units after rounding half-up to the currency's exponent."""
        return int(self.rounded().amount.scaleb(self.exponent))

    # Arithmetic --------------------------------------------------------------------------

    def _same_currency(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} cannot be combined")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same_currency(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same_currency(other).amount, self.currency)

    def __mul__(self, factor: Decimal | int | str) -> Money:
        if isinstance(factor, Money):
            raise TypeError("money times money has no meaning")
        return Money(self.amount * _to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same_currency(other).amount

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def allocate(self, ratios: Sequence[Decimal | int | str]) -> list[Money]:
        """Split into parts proportional to ``ratios`` that add up exactly to the whole.

        Each part is rounded down to the minor unit; the minor units left over go one by
        one to the parts with the largest remainders (ties to the earlier part), so 30/70
        of 100.01 is 30.00 + 70.01, never 30.00 + 70.00.
        """
        weights = [_to_decimal(ratio) for ratio in ratios]
        if not weights or any(weight < 0 for weight in weights) or sum(weights) == 0:
            raise ValueError("ratios must be non-negative and not all zero")
        total_minor = self.to_minor()
        total_weight = sum(weights)
        exact = [Decimal(total_minor) * weight / total_weight for weight in weights]
        floors = [int(share.to_integral_value(rounding="ROUND_FLOOR")) for share in exact]
        leftover = total_minor - sum(floors)
        order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
        for index in order[:leftover]:
            floors[index] += 1
        return [Money.from_minor(minor, self.currency) for minor in floors]

    # Display ----------------------------------------------------------------------------

    def format(self, locale: str = "en") -> str:
        """Locale-aware display with the ISO exponent's decimals (babel/CLDR symbols)."""
        # What babel's format_currency does, with the pattern and locale parsed once: a
        # register page formats some 80 amounts.
        text: str = _currency_pattern(self.exponent).apply(
            self.rounded().amount,
            _babel_locale(locale),
            currency=self.currency,
            currency_digits=False,
        )
        return text

    def format_unit_price(self, locale: str = "en") -> str:
        """A unit price: the currency's decimals, and up to two more when the price has
        them (US$214.50, US$0.2524); never rounded to the cent."""
        quantum = Decimal(1).scaleb(-(self.exponent + UNIT_PRICE_EXTRA_PLACES))
        text: str = _currency_pattern(self.exponent, UNIT_PRICE_EXTRA_PLACES).apply(
            self.amount.quantize(quantum, rounding=ROUND_HALF_UP),
            _babel_locale(locale),
            currency=self.currency,
            currency_digits=False,
        )
        return text

    def __str__(self) -> str:
        return f"{self.rounded().amount} {self.currency}"
