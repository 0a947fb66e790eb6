"""Checks of what a listing costs and when it is there: currency, price tiers, stock and
lead time. Each adds its problems to the shared ``errors`` and returns what it read."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import LazyString, lazy_gettext

from app.money import InvalidCurrency, Money, currency_exponent, normalize_currency
from app.services.listings.listing_input import (
    MAX_LEAD_TIME_DAYS,
    MAX_TIERS,
    MAX_UNIT_PRICE,
    PRICE_PLACES,
    FieldErrors,
    ListingInput,
    checked_number,
    checked_quantity,
)


def decimal_places(value: Decimal) -> int:
    """Significant decimal places: 2.500 has 1, 1500.0 has 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _price_problem(price: Decimal, currency: str) -> LazyString | None:
    """Why a unit price (a number) cannot be: zero, finer than the currency, too large."""
    if price <= 0:
        return lazy_gettext("Give a unit price above zero.")
    if currency and decimal_places(price) > currency_exponent(currency):
        return lazy_gettext(
            "%(currency)s prices have at most %(digits)d decimals.",
            currency=currency,
            digits=currency_exponent(currency),
        )
    if price >= MAX_UNIT_PRICE:
        return lazy_gettext("This price is too large.")
    return None


@dataclass(frozen=True)
class Prices:
    currency: str  # "" when the seller's was refused
    tiers: list[tuple[Decimal, int]]  # (minimum quantity, unit price in minor units)


def check_prices(data: ListingInput, unit: str, moq: Decimal | None, errors: FieldErrors) -> Prices:
    """The currency and the price tiers: rising quantities of ``unit`` (by its rule) from
    the MOQ, prices above zero with no more decimals than the currency has."""
    currency = ""
    try:
        currency = normalize_currency(data.currency)
    except InvalidCurrency:
        errors["currency"] = lazy_gettext("Choose a currency from the list.")

    tiers: list[tuple[Decimal, int]] = []
    # Blank rows are skipped but keep their place, so an error names the row the seller sees.
    rows = [
        (i, q, p) for i, (q, p) in enumerate(data.price_tiers) if q is not None or p is not None
    ]
    if not rows:
        errors["price_tiers-0-min_quantity"] = lazy_gettext("Give at least one price.")
    if len(rows) > MAX_TIERS:
        errors["price_tiers"] = lazy_gettext("At most %(count)d price tiers.", count=MAX_TIERS)
    previous = Decimal(0)
    for position, (index, typed, price) in enumerate(rows[:MAX_TIERS]):
        name = f"price_tiers-{index}"
        quantity_field = f"{name}-min_quantity"
        quantity = checked_quantity(typed, unit, quantity_field, errors)
        if quantity is None or quantity == 0:
            quantity = None
            # The unit's rule (or why it is no number) speaks first, when it was broken.
            errors.setdefault(
                quantity_field, lazy_gettext("Give the minimum quantity of this tier.")
            )
        elif quantity <= previous:
            errors[quantity_field] = lazy_gettext(
                "Each tier starts at a larger quantity than the one before."
            )
        elif position == 0 and moq is not None and quantity != moq:
            errors[quantity_field] = lazy_gettext(
                "The first tier starts at the minimum order quantity."
            )
        price_field = f"{name}-unit_price"
        # A value no number rule accepts (NaN, Infinity) gets checked_number's reason.
        value = checked_number(
            price, price_field, errors, places=PRICE_PLACES, minimum=None, maximum=None
        )
        if price is None:
            errors[price_field] = lazy_gettext("Give a unit price above zero.")
        elif value is not None:
            problem = _price_problem(value, currency)
            if problem is not None:
                errors[price_field] = problem
            elif quantity is not None and currency:
                tiers.append((quantity, Money(value, currency).to_minor()))
        if quantity is not None and quantity > previous:
            previous = quantity
    return Prices(currency, tiers)


def check_availability(
    data: ListingInput, unit: str, moq: Decimal | None, errors: FieldErrors
) -> tuple[Decimal | None, int | None]:
    """Stock (in stock, in ``unit`` by its rule) or lead time (made to order)."""
    stock = checked_quantity(data.stock_quantity, unit, "stock_quantity", errors)
    lead_time = data.lead_time_days
    if stock is not None and moq is not None and moq > stock > 0:
        errors["moq"] = lazy_gettext(
            "The minimum order quantity is above the stock. Lower it or add stock."
        )
    if lead_time is not None and not 1 <= lead_time <= MAX_LEAD_TIME_DAYS:
        errors["lead_time_days"] = lazy_gettext("Lead time is 1 to 730 days.")
    if data.stock_quantity is None and lead_time is None:
        errors["lead_time_days"] = lazy_gettext("Give the lead time of a made-to-order item.")
    return stock, lead_time
