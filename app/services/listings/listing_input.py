"""A listing as the seller typed it, the limits it is held to, and the error raised with
every problem found in it.

The web form, the bulk import and the checks share these, so they live below all three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias

from flask_babel import LazyString, lazy_gettext

from app.money import MAX_CURRENCY_EXPONENT, UNIT_PRICE_EXTRA_PLACES
from app.numbers import NumberProblem, parse_decimal
from app.reference.units import parse_quantity
from app.services.errors import DomainError
from app.services.unit_prices import MAX_UNIT_PRICE as MAX_UNIT_PRICE  # re-exported for the forms

MAX_TIERS = 6
MAX_INCOTERMS = 6
MAX_SPECIFICATIONS = 30
MAX_LEAD_TIME_DAYS = 730

# How the numbers of a listing are read, the same on the form, in the import and in the
# checks (``app.numbers`` reads them; these are their decimals and upper bounds).
# Quantities (MOQ, stock, tier starts) follow their unit (``app.reference.units``): whole
# for pieces and sets, to the thousandth for tonnes and kilograms; counts (units per
# package, days) are whole numbers.
# Unit prices take two decimals beyond the currency's; the checks hold each currency to its
# own (US$0.2524, ¥12.25).
PRICE_PLACES = MAX_CURRENCY_EXPONENT + UNIT_PRICE_EXTRA_PLACES
WEIGHT_PLACES = 3  # kg to the gram, as stored
MAX_WEIGHT_KG = 10**7
DIMENSION_PLACES = 1  # cm to the millimetre, as stored
MAX_DIMENSION_CM = 10**5

# Problems by field name (``price_tiers-1-min_quantity`` style, as WTForms' FieldList
# names them), so the form and the import put each one where the seller typed it.
FieldErrors: TypeAlias = dict[str, LazyString | str]
# A quantity as it reaches the checks: a Decimal the form or the file read, or the API's
# decimal string or integer. The checks hold it to the listing's unit.
QuantityInput: TypeAlias = Decimal | int | str | None


def checked_number(
    value: Decimal | int | None,
    name: str,
    errors: FieldErrors,
    *,
    places: int,
    maximum: Decimal | int | None,
    minimum: Decimal | int | None = 0,
) -> Decimal | None:
    """``value`` held to the one number rule, or None with the reason put on ``name``.

    The form and the import read text by the same rule; this judges what reaches the
    service by any path (NaN and Infinity included). Trailing zeros add no decimals:
    2.500 is 2.5.
    """
    if value is None:
        return None
    if isinstance(value, Decimal) and value.is_finite():
        value = value.normalize()
    try:
        return parse_decimal(value, places=places, minimum=minimum, maximum=maximum)
    except NumberProblem as problem:
        errors[name] = problem.message
        return None


def checked_quantity(
    value: QuantityInput, unit: str, name: str, errors: FieldErrors
) -> Decimal | None:
    """A quantity of ``unit``, zero or more, or None with the reason put on ``name`` (too
    many decimals for the unit is refused with the unit's rule). None stays None, for the
    caller to judge, as does zero where it is not allowed."""
    if value is None:
        return None
    if isinstance(value, Decimal) and value.is_finite():
        value = value.normalize()  # 2.500 t is 2.5 t: trailing zeros add no decimals
    try:
        return parse_quantity(value, unit, minimum=0)
    except NumberProblem as problem:
        errors[name] = problem.message
        return None


class ListingInvalid(DomainError):
    """Every problem found in a listing, by field name."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__(lazy_gettext("The listing has errors. Correct the marked fields."))
        self.errors = errors


@dataclass
class ListingInput:
    """A listing as the seller typed it (form or import row), before validation."""

    title: str
    category_slug: str
    hs_code: str
    unit: str
    moq: QuantityInput
    currency: str
    price_tiers: list[tuple[QuantityInput, Decimal | None]]
    origin_country: str
    incoterms: list[tuple[str, str]]
    description: str = ""
    # The port of loading the goods usually leave from ("Karachi (PKKHI)"); optional.
    origin_port: str = ""
    stock_quantity: QuantityInput = None
    lead_time_days: int | None = None
    package_type: str | None = None
    units_per_package: int | None = None
    net_weight_kg: Decimal | None = None
    gross_weight_kg: Decimal | None = None
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    un_number: str | None = None
    proper_shipping_name: str | None = None
    hazard_class: str | None = None
    packing_group: str | None = None
    net_explosive_mass_kg: Decimal | None = None
    subsidiary_risk: str | None = None
    ems: str | None = None
    export_licence_required: bool = False
    specifications: list[tuple[str, str]] = field(default_factory=list)
    # The seller's wording for Chinese and Urdu readers; blank: English is shown instead.
    title_zh: str = ""
    title_ur: str = ""
    description_zh: str = ""
    description_ur: str = ""
    # (Chinese, Urdu) label of each specification line, by position; may be shorter.
    specification_labels: list[tuple[str, str]] = field(default_factory=list)
