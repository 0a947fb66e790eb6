"""Price breaks on quote lines: "from N units on, the unit price is P".

A line carries at most three tiers, their quantities strictly ascending. The highest tier
a quantity reaches gives its unit price, below the first the line's own price applies; the
revision's totals and the awarded order use that price, so what the buyer reads is what
the order will say.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import lazy_gettext

from app.models import QuoteLineTier
from app.services.errors import ValidationFailed
from app.services.quotations.figures import parse_quantity
from app.services.unit_prices import read_unit_price_minor

MAX_TIERS = 3


def parse_tiers(
    raw: Sequence[tuple[object, object]], currency: str, line_field: str, unit: str
) -> list[QuoteLineTier]:
    """The tiers typed for one line of ``unit``, as (from quantity, unit price) pairs;
    refusals name ``<line_field>-tiers-<k>-quantity`` or ``-unit_price`` (k from 0)."""
    if len(raw) > MAX_TIERS:
        raise ValidationFailed(
            lazy_gettext("A line has at most 3 price breaks."), f"{line_field}-tiers-3-quantity"
        )
    tiers: list[QuoteLineTier] = []
    for k, (quantity_raw, price_raw) in enumerate(raw):
        field = f"{line_field}-tiers-{k}"
        quantity = parse_quantity(quantity_raw, unit, f"{field}-quantity")
        # A break from 1 unit would be the line's own price under another name.
        if quantity < 2:
            raise ValidationFailed(
                lazy_gettext("A price break starts above 1 unit."), f"{field}-quantity"
            )
        if tiers and quantity <= tiers[-1].min_quantity:
            raise ValidationFailed(
                lazy_gettext("Each price break starts at a larger quantity than the one before."),
                f"{field}-quantity",
            )
        price = read_unit_price_minor(price_raw, currency, f"{field}-unit_price")
        assert price is not None
        if price <= 0:
            raise ValidationFailed(
                lazy_gettext("Enter a unit price above zero."), f"{field}-unit_price"
            )
        tiers.append(QuoteLineTier(min_quantity=quantity, unit_price_minor=price))
    return tiers


def unit_price_at(
    quantity: Decimal, base_price_minor: Decimal, tiers: Sequence[QuoteLineTier]
) -> Decimal:
    """The unit price for ``quantity``: the highest tier it reaches, else the base price."""
    price = base_price_minor
    for tier in sorted(tiers, key=lambda t: t.min_quantity):
        if quantity >= tier.min_quantity:
            price = tier.unit_price_minor
    return price
