"""Freight and insurance on an order: which Incoterms put them on the seller, and their checks.

Shared by the seller's acceptance and by change proposals, which both carry such charges.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext

from app.models import Incoterm
from app.money import Money
from app.services.errors import ValidationFailed

# Incoterms 2020 under which the seller contracts and pays for the main carriage, and
# under which the seller must insure it (CIF, CIP): only these may carry such charges.
FREIGHT_ON_SELLER = frozenset(
    {
        Incoterm.CFR,
        Incoterm.CIF,
        Incoterm.CPT,
        Incoterm.CIP,
        Incoterm.DAP,
        Incoterm.DPU,
        Incoterm.DDP,
    }
)
INSURANCE_ON_SELLER = frozenset({Incoterm.CIF, Incoterm.CIP})
MAX_CHARGE = Decimal(10) ** 12


def charge_minor(amount: Decimal | None, currency: str, field_name: str) -> int:
    """A charge typed in the order's currency, in minor units (blank is none)."""
    if amount is None:
        return 0
    if not amount.is_finite() or amount < 0 or amount > MAX_CHARGE:
        raise ValidationFailed(lazy_gettext("Charges cannot be negative."), field_name)
    money = Money(amount, currency)
    if money.rounded() != money:
        raise ValidationFailed(lazy_gettext("Too many decimals for this currency."), field_name)
    return money.to_minor()


def check_charges(incoterm: Incoterm, freight_minor: int, insurance_minor: int) -> None:
    """Refuse a charge the Incoterm leaves to the buyer."""
    if freight_minor and incoterm not in FREIGHT_ON_SELLER:
        raise ValidationFailed(
            lazy_gettext(
                "Under %(rule)s the buyer pays the main carriage: add no freight.",
                rule=incoterm.value,
            ),
            "freight",
        )
    if insurance_minor and incoterm not in INSURANCE_ON_SELLER:
        raise ValidationFailed(
            lazy_gettext("Only CIF and CIP put insurance on the seller."), "insurance"
        )
