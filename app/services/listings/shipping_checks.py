"""Checks of how a listing travels: its packaging (type, units, weights, dimensions) and,
for dangerous goods, the UN number, proper shipping name, class and packing group."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext

from app.reference.trade_codes import (
    PACKAGE_TYPES,
    PACKING_GROUPS,
    is_explosive,
    normalize_ems,
    normalize_hazard_class,
    normalize_subsidiary_risk,
    normalize_un_number,
    takes_packing_group,
)
from app.reference.units import MAX_QUANTITY
from app.services.listings.listing_input import (
    DIMENSION_PLACES,
    MAX_DIMENSION_CM,
    MAX_WEIGHT_KG,
    WEIGHT_PLACES,
    FieldErrors,
    ListingInput,
    checked_number,
)


def check_packaging(data: ListingInput, errors: FieldErrors) -> str | None:
    """The package type (None when not given), units per package, weights and sizes."""
    package_type = (data.package_type or "").strip() or None
    if package_type is not None and package_type not in PACKAGE_TYPES:
        errors["package_type"] = lazy_gettext("Choose a package type from the list.")
    # A count of units in one package (50 bags of 25 kg), whole whatever the listing's unit.
    if data.units_per_package is not None and not 1 <= data.units_per_package <= MAX_QUANTITY:
        errors["units_per_package"] = lazy_gettext(
            "Units per package is a whole number of at least 1."
        )
    # Stored as grams and millimetres: finer figures would be rounded away, so the rule
    # refuses them, and anything that is no number at all (NaN, Infinity, 1e308).
    weights = {
        name: checked_number(
            getattr(data, name), name, errors, places=WEIGHT_PLACES, maximum=MAX_WEIGHT_KG
        )
        for name in ("net_weight_kg", "gross_weight_kg", "net_explosive_mass_kg")
    }
    for name in ("length_cm", "width_cm", "height_cm"):
        size = checked_number(
            getattr(data, name), name, errors, places=DIMENSION_PLACES, maximum=MAX_DIMENSION_CM
        )
        if size is not None and size == 0:
            errors[name] = lazy_gettext("A dimension is above zero.")
    net, gross = weights["net_weight_kg"], weights["gross_weight_kg"]
    if net is not None and gross is not None and gross < net:
        errors["gross_weight_kg"] = lazy_gettext(
            "Gross weight includes the packaging: at least the net weight."
        )
    return package_type


@dataclass(frozen=True)
class DangerousGoods:
    """The dangerous-goods fields as stored; all None when the listing is not dangerous."""

    dangerous: bool
    un_number: str | None = None
    proper_shipping_name: str | None = None
    hazard_class: str | None = None
    packing_group: str | None = None
    subsidiary_risk: str | None = None
    ems: str | None = None


def check_dangerous_goods(data: ListingInput, errors: FieldErrors) -> DangerousGoods:
    """Any of UN number, shipping name or class makes the listing dangerous goods, which then
    needs all three; class 1 also needs the net explosive mass."""
    dangerous = bool(
        (data.un_number or "").strip()
        or (data.proper_shipping_name or "").strip()
        or (data.hazard_class or "").strip()
    )
    if not dangerous:
        if (
            (data.packing_group or "").strip()
            or data.net_explosive_mass_kg is not None
            or (data.subsidiary_risk or "").strip()
            or (data.ems or "").strip()
        ):
            errors["un_number"] = lazy_gettext("Give the UN number of dangerous goods.")
        return DangerousGoods(dangerous=False)
    un_number = normalize_un_number(data.un_number or "")
    if un_number is None:
        errors["un_number"] = lazy_gettext(
            "A UN number is UN followed by four digits, UN0004 to UN3599."
        )
    proper_name = (data.proper_shipping_name or "").strip() or None
    if proper_name is None or len(proper_name) > 200:
        errors["proper_shipping_name"] = lazy_gettext("Give the proper shipping name.")
    hazard_class = normalize_hazard_class(data.hazard_class or "")
    if hazard_class is None:
        errors["hazard_class"] = lazy_gettext(
            "Give the class and division, with the compatibility group for class 1 (e.g. 1.1D, 1.4B, 5.1, 8)."
        )
    packing_group = (data.packing_group or "").strip().upper() or None
    if hazard_class and packing_group and not takes_packing_group(hazard_class):
        errors["packing_group"] = lazy_gettext("This class has no packing group.")
    elif packing_group is not None and packing_group not in PACKING_GROUPS:
        errors["packing_group"] = lazy_gettext("The packing group is I, II or III.")
    if is_explosive(hazard_class) and data.net_explosive_mass_kg is None:
        errors["net_explosive_mass_kg"] = lazy_gettext(
            "Give the net explosive mass per package for class 1 goods."
        )
    subsidiary_risk = normalize_subsidiary_risk(data.subsidiary_risk or "")
    if subsidiary_risk is None:
        errors["subsidiary_risk"] = lazy_gettext(
            "Subsidiary risks are classes or divisions, e.g. 6.1 or 5.1, 8."
        )
    ems = normalize_ems(data.ems or "")
    if ems is None:
        errors["ems"] = lazy_gettext("The EmS is a fire and a spillage schedule, e.g. F-B, S-Y.")
    return DangerousGoods(
        True,
        un_number,
        proper_name,
        hazard_class,
        packing_group,
        subsidiary_risk or None,
        ems or None,
    )
