"""Checks of what a listing costs and when it is there: currency, price tiers, stock and
lead time. Each adds its problems to the shared ``errors`` and returns what it read."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import LazyString, lazy_gettext

from app.money import InvalidCurrency, normalize_currency, unit_price_minor, unit_price_places
from app.numbers import decimal_places
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
from app.services.unit_prices import unit_price_rule


def _price_problem(price: Decimal, currency: str) -> LazyString | None:
    """Why a unit price (a number) cannot be: zero, finer than the currency's unit prices
    go (two decimals beyond its minor unit: US$0.2524), too large."""
    if price <= 0:
        return lazy_gettext("Give a unit price above zero.")
    if currency and decimal_places(price) > unit_price_places(currency):
        return unit_price_rule(currency)
    if price >= MAX_UNIT_PRICE:
        return lazy_gettext("This price is too large.")
    return None


@dataclass(frozen=True)
class Prices:
    currency: str  # "" when the seller's was refused
    tiers: list[tuple[Decimal, Decimal]]  # (minimum quantity, unit price in minor units)


def check_prices(data: ListingInput, unit: str, moq: Decimal | None, errors: FieldErrors) -> Prices:
    """The currency and the price tiers: rising quantities of ``unit`` (by its rule) from
    the MOQ, prices above zero with no more decimals than the currency's unit prices take."""
    currency = ""
    try:
        currency = normalize_currency(data.currency)
    except InvalidCurrency:
        errors["currency"] = lazy_gettext("Choose a currency from the list.")

    tiers: list[tuple[Decimal, Decimal]] = []
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
                tiers.append((quantity, unit_price_minor(value, currency)))
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
