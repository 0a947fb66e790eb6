"""One bench listing drawn from a template: its product row and its price tiers,
Incoterms and specification rows, ready for bulk inserts.

Every draw comes from the caller's ``random.Random`` in a fixed order, so the same seed
gives the same catalogue; reordering the draws below changes every listing after it.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from app.models import ProductStatus
from app.money import currency_exponent
from bench.seed_catalog_data import (
    COUNTRY_NAMES,
    CURRENCIES,
    DESTINATIONS,
    FX_PER_USD,
    INLAND,
    PORTS,
    QUALIFIERS,
    RULES,
    SEA_RULES,
    TEMPLATES,
    Pack,
    Template,
)
from bench.seed_catalog_zh import chinese_text
from bench.seed_sellers import BASE_TIME, Seller

Row = dict[str, object]


@dataclass(frozen=True)
class ListingRows:
    """The rows of one listing, for ``insert(Product)`` and its child tables."""

    product: Row
    tiers: list[Row]
    incoterms: list[Row]
    specifications: list[Row]

    @property
    def published(self) -> bool:
        return self.product["status"] is ProductStatus.PUBLISHED


@dataclass(frozen=True)
class _Hazard:
    """The dangerous-goods fields of a listing; all None for ordinary goods."""

    un_number: str | None = None
    proper_shipping_name: str | None = None
    hazard_class: str | None = None
    packing_group: str | None = None
    net_explosive_mass_g: int | None = None


def price(us_cents: float, currency: str) -> int:
    """A unit price in minor units of ``currency``, rounded like a person would quote it."""
    amount = us_cents / 100 * FX_PER_USD[currency]
    minor_per_unit = int(10 ** currency_exponent(currency))
    if amount >= 1_000:  # large amounts in round tens
        return round(amount / 10) * 10 * minor_per_unit
    return max(1, round(amount * minor_per_unit))


def _draw_title(rng: random.Random, template: Template) -> str:
    variant = rng.choice(template.variants)
    qualifier = rng.choice(QUALIFIERS)
    return f"{rng.choice(template.names)} {variant}" + (f", {qualifier}" if qualifier else "")


def _draw_tiers(
    rng: random.Random, template: Template, moq: int, currency: str
) -> list[tuple[int, int]]:
    """1 to 4 tiers from the MOQ up, each a little cheaper than the one before."""
    us_cents = rng.uniform(*template.cents)
    tiers = [(moq, price(us_cents, currency))]
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        quantity, unit_price = tiers[-1]
        tiers.append(
            (quantity * rng.choice((2, 5, 10)), max(1, int(unit_price * rng.uniform(0.9, 0.98))))
        )
    return tiers


def _draw_availability(rng: random.Random, moq: int) -> tuple[int | None, int | None]:
    """(stock, lead time): 60 % in stock (a few sold out), the rest made to order."""
    in_stock = rng.random() < 0.6
    stock = (moq * rng.randint(1, 200) if rng.random() > 0.05 else 0) if in_stock else None
    lead_time = None if in_stock else rng.choice((7, 14, 21, 30, 45, 60, 90, 120))
    return stock, lead_time


def _draw_hazard(rng: random.Random, template: Template, pack: Pack) -> _Hazard:
    if not template.dangerous:
        return _Hazard()
    un_number, psn, hazard_class, packing_group = rng.choice(template.dangerous)
    nem_g: int | None = None
    if hazard_class.startswith("1."):
        units_per_package = pack[1]
        nem_g = template.explosive_g_per_unit * (units_per_package or 1)
    return _Hazard(un_number, psn, hazard_class, packing_group, nem_g)


def _draw_status(rng: random.Random) -> ProductStatus:
    """94 % published; the rest draft, archived or suspended."""
    roll = rng.random()
    return (
        ProductStatus.PUBLISHED
        if roll < 0.94
        else ProductStatus.DRAFT
        if roll < 0.97
        else ProductStatus.ARCHIVED
        if roll < 0.99
        else ProductStatus.SUSPENDED
    )


def _draw_specifications(rng: random.Random, template: Template) -> list[tuple[str, str]]:
    specs = rng.sample(
        template.specs, rng.randint(min(2, len(template.specs)), len(template.specs))
    )
    return [(name, rng.choice(values)) for name, values in specs]


def _description(
    title: str,
    origin: str,
    spec_values: Sequence[tuple[str, str]],
    template: Template,
    pack: Pack,
    hazard: _Hazard,
) -> str:
    package_type, units_per_package = pack[0], pack[1]
    country_name = COUNTRY_NAMES.get(origin, origin)
    return (
        f"{title}. Origin: {country_name}. "
        + ", ".join(f"{name} {value}" for name, value in spec_values)
        + f". Packed in {package_type}"
        + (f", {units_per_package} {template.unit} per package" if units_per_package else "")
        + "."
        + (
            f" Dangerous goods {hazard.un_number}, class {hazard.hazard_class}."
            if hazard.un_number
            else ""
        )
        + (" Shipped against an export licence." if template.export_licence else "")
    )


def _draw_incoterm_rows(rng: random.Random, product_id: int, seller: Seller) -> list[Row]:
    """1 to 3 rules, each with a place that suits it: a destination for CFR/CIF/DAP/CPT,
    a port of the seller's country for the other sea rules, an inland place otherwise."""
    rules: list[str] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        rule = rng.choice(RULES)
        if rule not in rules:
            rules.append(rule)
    rows: list[Row] = []
    for rule in rules:
        if rule in {"CFR", "CIF", "DAP", "CPT"}:
            place = rng.choice(DESTINATIONS)
        elif rule in SEA_RULES:
            place = rng.choice(PORTS[seller.country])
        else:
            place = rng.choice(INLAND[seller.country])
        rows.append({"product_id": product_id, "rule": rule, "named_place": place})
    return rows


def draw_listing(
    rng: random.Random,
    product_id: int,
    sellers_by_trade: Mapping[str, Sequence[Seller]],
    all_sellers: Sequence[Seller],
    categories: Mapping[str, int],
    parents: Mapping[str, str],
) -> ListingRows:
    """One listing of a random template, sold by a seller of its trade when there is one."""
    template = rng.choice(TEMPLATES)
    top = parents[template.category]
    seller = rng.choice(sellers_by_trade[top] or all_sellers)
    # A few listings sit on the top-level category, as sellers sometimes file them.
    category_slug = top if rng.random() < 0.04 else template.category
    currency = rng.choice(CURRENCIES[seller.country])
    origin = seller.country
    if rng.random() < 0.12:
        origin = rng.choice(("PK", "CN", "AF", "IR", "TR", "ZA"))
    title = _draw_title(rng, template)
    moq = rng.choice(template.moq)
    tiers = _draw_tiers(rng, template, moq, currency)
    stock, lead_time = _draw_availability(rng, moq)
    pack = rng.choice(template.packs)
    package_type, units_per_package, net_g, gross_g, length, width, height = pack
    hazard = _draw_hazard(rng, template, pack)
    status = _draw_status(rng)
    created = BASE_TIME - timedelta(seconds=rng.randint(3_600, 730 * 86_400))
    spec_values = _draw_specifications(rng, template)
    description = _description(title, origin, spec_values, template, pack, hazard)
    bulk = package_type == "bulk"  # bulk cargo has no package weight or size
    product: Row = {
        "id": product_id,
        "public_id": secrets.token_urlsafe(12),
        "seller_id": seller.id,
        "title": title[:200],
        "description": description,
        **chinese_text(product_id, template.category, origin),
        "category_id": categories[category_slug],
        "hs_code": rng.choice(template.hs_codes),
        "unit": template.unit,
        "moq": moq,
        "currency": currency,
        "price_from_minor": min(unit_price for _, unit_price in tiers),
        "stock_quantity": stock,
        "lead_time_days": lead_time,
        "origin_country": origin,
        "package_type": package_type,
        "units_per_package": units_per_package,
        "net_weight_g": net_g if not bulk else None,
        "gross_weight_g": gross_g if not bulk else None,
        "length_mm": length if not bulk else None,
        "width_mm": width if not bulk else None,
        "height_mm": height if not bulk else None,
        "un_number": hazard.un_number,
        "proper_shipping_name": hazard.proper_shipping_name,
        "hazard_class": hazard.hazard_class,
        "packing_group": hazard.packing_group,
        "net_explosive_mass_g": hazard.net_explosive_mass_g,
        "export_licence_required": template.export_licence,
        "status": status,
        "suspension_reason": "Listing under review by the operator."
        if status is ProductStatus.SUSPENDED
        else None,
        "created_at": created,
        "updated_at": created,
        "published_at": created if status is not ProductStatus.DRAFT else None,
    }
    return ListingRows(
        product=product,
        tiers=[
            {"product_id": product_id, "min_quantity": q, "unit_price_minor": p} for q, p in tiers
        ],
        incoterms=_draw_incoterm_rows(rng, product_id, seller),
        specifications=[
            {"product_id": product_id, "position": position, "name": name, "value": value}
            for position, (name, value) in enumerate(spec_values)
        ],
    )
