"""Checks of where a listing ships from and on which terms: the country of origin and the
Incoterms 2020 rules with their named places."""

from __future__ import annotations

import pycountry
from flask_babel import lazy_gettext

from app.models import Incoterm
from app.services.listings.listing_input import MAX_INCOTERMS, FieldErrors, ListingInput


def check_origin(data: ListingInput, errors: FieldErrors) -> str:
    """The ISO 3166 alpha-2 country of origin, upper-cased."""
    origin = (data.origin_country or "").strip().upper()
    if len(origin) != 2 or pycountry.countries.get(alpha_2=origin) is None:
        errors["origin_country"] = lazy_gettext("Choose the country of origin from the list.")
    return origin


def check_incoterms(data: ListingInput, errors: FieldErrors) -> list[tuple[Incoterm, str]]:
    """At least one, each rule once, each with a named place (FOB Karachi)."""
    incoterms: list[tuple[Incoterm, str]] = []
    # Blank rows are skipped but keep their place, so an error names the row the seller sees.
    offered = [
        (i, r, p)
        for i, (r, p) in enumerate(data.incoterms)
        if (r or "").strip() or (p or "").strip()
    ]
    if not offered:
        errors["incoterms-0-rule"] = lazy_gettext("Offer at least one Incoterm with its place.")
    for index, rule_text, place in offered[:MAX_INCOTERMS]:
        name = f"incoterms-{index}"
        rule_code = (rule_text or "").strip().upper()
        if rule_code not in Incoterm.__members__:
            errors[f"{name}-rule"] = lazy_gettext("Choose an Incoterms 2020 rule.")
            continue
        rule = Incoterm(rule_code)
        if any(existing is rule for existing, _ in incoterms):
            errors[f"{name}-rule"] = lazy_gettext("Each Incoterm once.")
        place = (place or "").strip()
        if not 2 <= len(place) <= 100:
            errors[f"{name}-named_place"] = lazy_gettext(
                "Name the place, e.g. Karachi for FOB Karachi."
            )
        incoterms.append((rule, place))
    if len(offered) > MAX_INCOTERMS:
        errors["incoterms"] = lazy_gettext("At most %(count)d Incoterms.", count=MAX_INCOTERMS)
    return incoterms
