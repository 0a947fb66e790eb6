"""Every check a listing passes before it is written, and the values it is written with.

``check_listing`` runs the focused checks in a fixed order over one shared dict of
problems, so a later check can still overrule an earlier one on the same field (stock
above the MOQ speaks for ``moq``) and the form lists problems top to bottom. It raises
``ListingInvalid`` with all of them, or returns the values to store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Category, Incoterm
from app.reference.trade_codes import UNIT_CODES, normalize_hs_code
from app.services.listings.listing_input import (
    MAX_SPECIFICATIONS,
    FieldErrors,
    ListingInput,
    ListingInvalid,
    checked_quantity,
)
from app.services.listings.price_checks import check_availability, check_prices
from app.services.listings.shipping_checks import check_dangerous_goods, check_packaging
from app.services.listings.trade_term_checks import check_incoterms, check_origin

# Tab, line feed and carriage return are text; other C0 controls (NUL included) are not.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class CheckedListing:
    """Validated values ready to be written."""

    values: dict[str, object]
    category: Category
    tiers: list[tuple[Decimal, Decimal]]  # (from quantity, unit price in minor units)
    incoterms: list[tuple[Incoterm, str]]
    # name, value, Chinese label, Urdu label
    specifications: list[tuple[str, str, str | None, str | None]]


@dataclass(frozen=True)
class _Identity:
    """What the listing is: its words, its place in the catalogue and customs, its unit."""

    title: str
    description: str
    category: Category | None
    hs_code: str | None
    unit: str


def _scaled(value: Decimal | None, factor: int) -> int | None:
    """kg -> g or cm -> mm, exact to the unit; None stays None."""
    if value is None:
        return None
    return int((value * factor).to_integral_value())


def _check_identity(data: ListingInput, errors: FieldErrors) -> _Identity:
    title = (data.title or "").strip()
    if not 3 <= len(title) <= 200:
        errors["title"] = lazy_gettext("Give a title of 3 to 200 characters.")
    description = (data.description or "").strip()
    if len(description) > 5000:
        errors["description"] = lazy_gettext("Keep the description under 5,000 characters.")

    category = db.session.scalar(select(Category).where(Category.slug == data.category_slug))
    if category is None:
        errors["category"] = lazy_gettext("Choose a category from the list.")

    hs_code = normalize_hs_code(data.hs_code)
    if hs_code is None:
        errors["hs_code"] = lazy_gettext("An HS code has 6 to 10 digits, e.g. 3602.00 or 261000.")

    unit = (data.unit or "").strip().upper()
    if unit not in UNIT_CODES:
        errors["unit"] = lazy_gettext("Choose a unit from the list.")
    return _Identity(title, description, category, hs_code, unit)


def _check_moq(data: ListingInput, unit: str, errors: FieldErrors) -> Decimal | None:
    """The MOQ in the listing's unit: above zero, with no more decimals than the unit takes
    (0.5 t of a sample lot; whole pieces)."""
    if data.moq is None:
        errors["moq"] = lazy_gettext("Give the minimum order quantity.")
        return None
    moq = checked_quantity(data.moq, unit, "moq", errors)
    if moq is not None and moq == 0:
        errors["moq"] = lazy_gettext("The minimum order quantity is above zero.")
        return None
    return moq


def _check_specifications(
    data: ListingInput, errors: FieldErrors
) -> list[tuple[str, str, str | None, str | None]]:
    """Property and value pairs with their labels; blank lines dropped, half-filled ones
    refused."""
    specifications: list[tuple[str, str, str | None, str | None]] = []
    for index, (key, value) in enumerate(data.specifications):
        key, value = (key or "").strip(), (value or "").strip()
        if not key and not value:
            continue
        labels = (
            data.specification_labels[index] if index < len(data.specification_labels) else ("", "")
        )
        zh, ur = ((label or "").strip() or None for label in labels)
        too_long = any(label and len(label) > 80 for label in (zh, ur))
        if not key or not value or len(key) > 80 or len(value) > 200 or too_long:
            errors[f"specifications-{index}-name"] = lazy_gettext(
                "Give both the property (up to 80 characters) and its value (up to 200)."
            )
        specifications.append((key, value, zh, ur))
    if len(specifications) > MAX_SPECIFICATIONS:
        errors["specifications"] = lazy_gettext(
            "At most %(count)d specification lines.", count=MAX_SPECIFICATIONS
        )
    return specifications


_TRANSLATED = ("title_zh", "title_ur", "description_zh", "description_ur")


def _check_translations(data: ListingInput, errors: FieldErrors) -> dict[str, str | None]:
    """The Chinese and Urdu title and description: optional, as long as the English."""
    values: dict[str, str | None] = {}
    for name in _TRANSLATED:
        text = (getattr(data, name) or "").strip()
        limit = 200 if name.startswith("title") else 5000
        if len(text) > limit:
            errors[name] = lazy_gettext("Keep this text under %(count)d characters.", count=limit)
        values[name] = text or None
    return values


def _check_control_characters(data: ListingInput, errors: FieldErrors) -> None:
    for name in ("title", "description", "proper_shipping_name", *_TRANSLATED):
        if _CONTROL_CHARACTERS.search(getattr(data, name) or ""):
            errors[name] = lazy_gettext("Remove the control characters from this text.")
    texts = [p for _, p in data.incoterms] + [
        t for spec in (*data.specifications, *data.specification_labels) for t in spec
    ]
    if any(_CONTROL_CHARACTERS.search(text or "") for text in texts):
        errors.setdefault("title", lazy_gettext("Remove the control characters from this text."))


def check_listing(data: ListingInput) -> CheckedListing:
    """The values to store, or ``ListingInvalid`` with every problem of ``data``."""
    errors: FieldErrors = {}
    identity = _check_identity(data, errors)
    moq = _check_moq(data, identity.unit, errors)
    prices = check_prices(data, identity.unit, moq, errors)
    stock, lead_time = check_availability(data, identity.unit, moq, errors)
    origin = check_origin(data, errors)
    incoterms = check_incoterms(data, errors)
    package_type = check_packaging(data, errors)
    goods = check_dangerous_goods(data, errors)
    specifications = _check_specifications(data, errors)
    translations = _check_translations(data, errors)
    _check_control_characters(data, errors)

    if errors:
        raise ListingInvalid(errors)
    category, hs_code = identity.category, identity.hs_code
    assert category is not None and hs_code is not None and moq is not None
    return CheckedListing(
        values={
            "title": identity.title,
            "description": identity.description,
            **translations,
            "category_id": category.id,
            "hs_code": hs_code,
            "unit": identity.unit,
            "moq": moq,
            "currency": prices.currency,
            "price_from_minor": min(price for _, price in prices.tiers),
            "stock_quantity": stock,
            "lead_time_days": lead_time,
            "origin_country": origin,
            "origin_port": " ".join((data.origin_port or "").split())[:100] or None,
            "package_type": package_type,
            "units_per_package": data.units_per_package,
            "net_weight_g": _scaled(data.net_weight_kg, 1000),
            "gross_weight_g": _scaled(data.gross_weight_kg, 1000),
            "length_mm": _scaled(data.length_cm, 10),
            "width_mm": _scaled(data.width_cm, 10),
            "height_mm": _scaled(data.height_cm, 10),
            "un_number": goods.un_number,
            "proper_shipping_name": goods.proper_shipping_name,
            "hazard_class": goods.hazard_class,
            "packing_group": goods.packing_group,
            "subsidiary_risk": goods.subsidiary_risk,
            "ems": goods.ems,
            "net_explosive_mass_g": _scaled(data.net_explosive_mass_kg, 1000)
            if goods.dangerous
            else None,
            "export_licence_required": bool(data.export_licence_required),
        },
        category=category,
        tiers=prices.tiers,
        incoterms=incoterms,
        specifications=specifications,
    )
