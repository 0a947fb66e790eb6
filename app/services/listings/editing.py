"""Listings: create, edit, duplicate, publish, archive; the operator suspends.

All validation lives here so the web form and the bulk import refuse exactly the same
things with the same words. Errors are collected per field (``price_tiers-1-min_quantity``
style names, as WTForms' FieldList names them) and raised together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pycountry
from flask_babel import LazyString, lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    Category,
    Incoterm,
    PriceTier,
    Product,
    ProductIncoterm,
    ProductStatus,
    Specification,
)
from app.models.base import utcnow
from app.money import InvalidCurrency, Money, currency_exponent, normalize_currency
from app.reference.trade_codes import (
    PACKAGE_TYPES,
    PACKING_GROUPS,
    UNIT_CODES,
    is_explosive,
    normalize_hazard_class,
    normalize_hs_code,
    normalize_un_number,
    takes_packing_group,
)
from app.services.accounts.capabilities import Action, require
from app.services.accounts.companies import ensure_can_trade
from app.services.audit.recording import Actor, record_audit
from app.services.catalog.index import reindex_product
from app.services.errors import DomainError, NotAllowed, ValidationFailed

MAX_TIERS = 6
MAX_INCOTERMS = 6
MAX_SPECIFICATIONS = 30
MAX_QUANTITY = 10**12
MAX_LEAD_TIME_DAYS = 730


class ListingInvalid(DomainError):
    """Every problem found in a listing, by field name."""

    def __init__(self, errors: dict[str, LazyString | str]) -> None:
        super().__init__(lazy_gettext("The listing has errors. Correct the marked fields."))
        self.errors = errors


@dataclass
class ListingInput:
    """A listing as the seller typed it (form or import row), before validation."""

    title: str
    category_slug: str
    hs_code: str
    unit: str
    moq: int | None
    currency: str
    price_tiers: list[tuple[int | None, Decimal | None]]
    origin_country: str
    incoterms: list[tuple[str, str]]
    description: str = ""
    stock_quantity: int | None = None
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
    export_licence_required: bool = False
    specifications: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Checked:
    """Validated values ready to be written."""

    values: dict[str, object]
    category: Category
    tiers: list[tuple[int, int]]
    incoterms: list[tuple[Incoterm, str]]
    specifications: list[tuple[str, str]]


# Tab, line feed and carriage return are text; other C0 controls (NUL included) are not.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decimals(value: Decimal) -> int:
    """Significant decimal places: 2.500 has 1, 1500.0 has 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _scaled(value: Decimal | None, factor: int) -> int | None:
    """kg -> g or cm -> mm, exact to the unit; None stays None."""
    if value is None:
        return None
    return int((value * factor).to_integral_value())


def _check(data: ListingInput) -> _Checked:
    errors: dict[str, LazyString | str] = {}

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

    moq = data.moq
    if moq is None or not 1 <= moq <= MAX_QUANTITY:
        errors["moq"] = lazy_gettext("The minimum order quantity is a whole number of at least 1.")

    currency = ""
    try:
        currency = normalize_currency(data.currency)
    except InvalidCurrency:
        errors["currency"] = lazy_gettext("Choose a currency from the list.")

    tiers: list[tuple[int, int]] = []
    # Blank rows are skipped but keep their place, so an error names the row the seller sees.
    rows = [
        (i, q, p) for i, (q, p) in enumerate(data.price_tiers) if q is not None or p is not None
    ]
    if not rows:
        errors["price_tiers-0-min_quantity"] = lazy_gettext("Give at least one price.")
    if len(rows) > MAX_TIERS:
        errors["price_tiers"] = lazy_gettext("At most %(count)d price tiers.", count=MAX_TIERS)
    previous = 0
    for position, (index, quantity, price) in enumerate(rows[:MAX_TIERS]):
        name = f"price_tiers-{index}"
        if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
            errors[f"{name}-min_quantity"] = lazy_gettext("Give the minimum quantity of this tier.")
        elif quantity <= previous:
            errors[f"{name}-min_quantity"] = lazy_gettext(
                "Each tier starts at a larger quantity than the one before."
            )
        elif position == 0 and moq is not None and quantity != moq:
            errors[f"{name}-min_quantity"] = lazy_gettext(
                "The first tier starts at the minimum order quantity."
            )
        if price is None or price <= 0:
            errors[f"{name}-unit_price"] = lazy_gettext("Give a unit price above zero.")
        elif currency and _decimals(price) > currency_exponent(currency):
            errors[f"{name}-unit_price"] = lazy_gettext(
                "%(currency)s prices have at most %(digits)d decimals.",
                currency=currency,
                digits=currency_exponent(currency),
            )
        elif price >= Decimal(10) ** 12:
            errors[f"{name}-unit_price"] = lazy_gettext("This price is too large.")
        if quantity is not None and price is not None and price > 0 and currency:
            tiers.append((quantity, Money(price, currency).to_minor()))
        if quantity is not None and quantity > previous:
            previous = quantity

    stock = data.stock_quantity
    lead_time = data.lead_time_days
    if stock is not None and not 0 <= stock <= MAX_QUANTITY:
        errors["stock_quantity"] = lazy_gettext("Stock is a whole number, zero or more.")
    elif stock is not None and moq is not None and moq > stock > 0:
        errors["moq"] = lazy_gettext(
            "The minimum order quantity is above the stock. Lower it or add stock."
        )
    if lead_time is not None and not 1 <= lead_time <= MAX_LEAD_TIME_DAYS:
        errors["lead_time_days"] = lazy_gettext("Lead time is 1 to 730 days.")
    if stock is None and lead_time is None:
        errors["lead_time_days"] = lazy_gettext("Give the lead time of a made-to-order item.")

    origin = (data.origin_country or "").strip().upper()
    if len(origin) != 2 or pycountry.countries.get(alpha_2=origin) is None:
        errors["origin_country"] = lazy_gettext("Choose the country of origin from the list.")

    incoterms: list[tuple[Incoterm, str]] = []
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

    package_type = (data.package_type or "").strip() or None
    if package_type is not None and package_type not in PACKAGE_TYPES:
        errors["package_type"] = lazy_gettext("Choose a package type from the list.")
    if data.units_per_package is not None and not 1 <= data.units_per_package <= MAX_QUANTITY:
        errors["units_per_package"] = lazy_gettext(
            "Units per package is a whole number of at least 1."
        )
    # Stored as grams and millimetres: finer figures would be rounded away, so refuse them.
    for name in ("net_weight_kg", "gross_weight_kg", "net_explosive_mass_kg"):
        value = getattr(data, name)
        if value is not None and (value < 0 or value > 10**7):
            errors[name] = lazy_gettext("A weight cannot be negative.")
        elif value is not None and _decimals(value) > 3:
            errors[name] = lazy_gettext("Give weights in kg with at most 3 decimals.")
    for name in ("length_cm", "width_cm", "height_cm"):
        value = getattr(data, name)
        if value is not None and (value <= 0 or value > 10**5):
            errors[name] = lazy_gettext("A dimension is above zero.")
        elif value is not None and _decimals(value) > 1:
            errors[name] = lazy_gettext("Give dimensions in cm with at most 1 decimal.")
    if (
        data.net_weight_kg is not None
        and data.gross_weight_kg is not None
        and "gross_weight_kg" not in errors
        and data.gross_weight_kg < data.net_weight_kg
    ):
        errors["gross_weight_kg"] = lazy_gettext(
            "Gross weight includes the packaging: at least the net weight."
        )

    un_number = proper_name = hazard_class = packing_group = None
    dangerous = bool(
        (data.un_number or "").strip()
        or (data.proper_shipping_name or "").strip()
        or (data.hazard_class or "").strip()
    )
    if dangerous:
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
    elif (data.packing_group or "").strip() or data.net_explosive_mass_kg is not None:
        errors["un_number"] = lazy_gettext("Give the UN number of dangerous goods.")

    specifications: list[tuple[str, str]] = []
    for index, (key, value) in enumerate(data.specifications):
        key, value = (key or "").strip(), (value or "").strip()
        if not key and not value:
            continue
        if not key or not value or len(key) > 80 or len(value) > 200:
            errors[f"specifications-{index}-name"] = lazy_gettext(
                "Give both the property (up to 80 characters) and its value (up to 200)."
            )
        specifications.append((key, value))
    if len(specifications) > MAX_SPECIFICATIONS:
        errors["specifications"] = lazy_gettext(
            "At most %(count)d specification lines.", count=MAX_SPECIFICATIONS
        )

    for name in ("title", "description", "proper_shipping_name"):
        if _CONTROL_CHARACTERS.search(getattr(data, name) or ""):
            errors[name] = lazy_gettext("Remove the control characters from this text.")
    texts = [p for _, p in data.incoterms] + [t for spec in data.specifications for t in spec]
    if any(_CONTROL_CHARACTERS.search(text or "") for text in texts):
        errors.setdefault("title", lazy_gettext("Remove the control characters from this text."))

    if errors:
        raise ListingInvalid(errors)
    assert category is not None and hs_code is not None and moq is not None
    return _Checked(
        values={
            "title": title,
            "description": description,
            "category_id": category.id,
            "hs_code": hs_code,
            "unit": unit,
            "moq": moq,
            "currency": currency,
            "price_from_minor": min(price for _, price in tiers),
            "stock_quantity": stock,
            "lead_time_days": lead_time,
            "origin_country": origin,
            "package_type": package_type,
            "units_per_package": data.units_per_package,
            "net_weight_g": _scaled(data.net_weight_kg, 1000),
            "gross_weight_g": _scaled(data.gross_weight_kg, 1000),
            "length_mm": _scaled(data.length_cm, 10),
            "width_mm": _scaled(data.width_cm, 10),
            "height_mm": _scaled(data.height_cm, 10),
            "un_number": un_number,
            "proper_shipping_name": proper_name,
            "hazard_class": hazard_class,
            "packing_group": packing_group,
            "net_explosive_mass_g": _scaled(data.net_explosive_mass_kg, 1000)
            if dangerous
            else None,
            "export_licence_required": bool(data.export_licence_required),
        },
        category=category,
        tiers=tiers,
        incoterms=incoterms,
        specifications=specifications,
    )


def validate_listing(data: ListingInput) -> None:
    """Raise ``ListingInvalid`` with every problem, or return when the listing is sound."""
    _check(data)


def require_listing_editor(actor: Actor) -> int:
    user = require(actor.user, Action.EDIT_LISTINGS)
    assert user.company_id is not None  # the capability needs a company
    return user.company_id


def _write(product: Product, checked: _Checked) -> None:
    for name, value in checked.values.items():
        setattr(product, name, value)
    product.price_tiers = [PriceTier(min_quantity=q, unit_price_minor=p) for q, p in checked.tiers]
    product.incoterms = [ProductIncoterm(rule=r, named_place=p) for r, p in checked.incoterms]
    product.specifications = [
        Specification(position=i, name=k, value=v)
        for i, (k, v) in enumerate(checked.specifications)
    ]


def create_listing(actor: Actor, data: ListingInput) -> Product:
    """A new draft listing of the actor's company."""
    seller_id = require_listing_editor(actor)
    checked = _check(data)
    product = Product(seller_id=seller_id, status=ProductStatus.DRAFT)
    _write(product, checked)
    db.session.add(product)
    db.session.flush()
    return product


def update_listing(actor: Actor, product: Product, data: ListingInput) -> None:
    """Change a listing; a published one stays published and is re-indexed."""
    if require_listing_editor(actor) != product.seller_id:
        raise NotAllowed(lazy_gettext("This listing belongs to another company."))
    checked = _check(data)
    # Replacing the child rows in one flush would insert before deleting and trip the
    # unique (product, quantity) and (product, rule) constraints.
    product.price_tiers.clear()
    product.incoterms.clear()
    product.specifications.clear()
    db.session.flush()
    _write(product, checked)
    product.updated_at = utcnow()
    db.session.flush()
    reindex_product(product)


def duplicate_listing(actor: Actor, product: Product) -> Product:
    """A draft copy to start a similar listing from (images are not copied)."""
    if require_listing_editor(actor) != product.seller_id:
        raise NotAllowed(lazy_gettext("This listing belongs to another company."))
    copy = Product(seller_id=product.seller_id, status=ProductStatus.DRAFT)
    for column in Product.__table__.columns:
        if column.key not in {"id", "public_id", "status", "created_at", "updated_at",
                              "published_at", "suspension_reason"}:  # fmt: skip
            setattr(copy, column.key, getattr(product, column.key))
    copy.title = str(lazy_gettext("%(title)s (copy)", title=product.title))[:200]
    copy.price_tiers = [
        PriceTier(min_quantity=t.min_quantity, unit_price_minor=t.unit_price_minor)
        for t in product.price_tiers
    ]
    copy.incoterms = [
        ProductIncoterm(rule=i.rule, named_place=i.named_place) for i in product.incoterms
    ]
    copy.specifications = [
        Specification(position=s.position, name=s.name, value=s.value)
        for s in product.specifications
    ]
    db.session.add(copy)
    db.session.flush()
    return copy


def publish_listing(actor: Actor, product: Product) -> None:
    """Draft or archived -> published; only verified companies publish."""
    if require_listing_editor(actor) != product.seller_id:
        raise NotAllowed(lazy_gettext("This listing belongs to another company."))
    assert actor.user is not None and actor.user.company is not None
    ensure_can_trade(actor.user.company)
    if product.status is ProductStatus.SUSPENDED:
        raise ValidationFailed(
            lazy_gettext(
                "The platform operator suspended this listing: %(reason)s",
                reason=product.suspension_reason or "",
            )
        )
    if product.status is ProductStatus.PUBLISHED:
        return
    product.status = ProductStatus.PUBLISHED
    product.published_at = utcnow()
    db.session.flush()
    reindex_product(product)


def archive_listing(actor: Actor, product: Product) -> None:
    if require_listing_editor(actor) != product.seller_id:
        raise NotAllowed(lazy_gettext("This listing belongs to another company."))
    if product.status is ProductStatus.SUSPENDED:
        raise ValidationFailed(lazy_gettext("A suspended listing stays as the operator left it."))
    product.status = ProductStatus.ARCHIVED
    db.session.flush()
    reindex_product(product)


def suspend_listing(actor: Actor, product: Product, reason: str) -> None:
    """The operator takes a listing off the catalogue, saying why."""
    if actor.user is None or not actor.user.is_operator:
        raise NotAllowed(lazy_gettext("Only the platform operator suspends listings."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(lazy_gettext("Give the reason for the suspension."), "reason")
    previous = product.status
    product.status = ProductStatus.SUSPENDED
    product.suspension_reason = reason[:1000]
    db.session.flush()
    reindex_product(product)
    record_audit(
        actor,
        "listing.suspended",
        company_id=product.seller_id,
        object_type="product",
        object_id=product.public_id,
        details={"from": previous.value, "reason": reason[:1000]},
    )


def reinstate_listing(actor: Actor, product: Product) -> None:
    """The operator lifts a suspension; the listing returns to draft for the seller."""
    if actor.user is None or not actor.user.is_operator:
        raise NotAllowed(lazy_gettext("Only the platform operator reinstates listings."))
    if product.status is not ProductStatus.SUSPENDED:
        return
    product.status = ProductStatus.DRAFT
    product.suspension_reason = None
    record_audit(
        actor,
        "listing.reinstated",
        company_id=product.seller_id,
        object_type="product",
        object_id=product.public_id,
    )


def seller_product(company_id: int, public_id: str) -> Product | None:
    """A listing of ``company_id``; another company's listing is None (answers 404)."""
    return db.session.scalar(
        select(Product).where(Product.seller_id == company_id, Product.public_id == public_id)
    )


def seller_products(company_id: int, status: ProductStatus | None = None) -> list[Product]:
    query = select(Product).where(Product.seller_id == company_id)
    if status is not None:
        query = query.where(Product.status == status)
    return list(db.session.scalars(query.order_by(Product.updated_at.desc(), Product.id.desc())))


def any_product(public_id: str) -> Product | None:
    """Any company's listing: for the operator, who moderates them all."""
    return db.session.scalar(select(Product).where(Product.public_id == public_id))


def listings_for_moderation(
    search: str, status: ProductStatus | None, limit: int = 100
) -> list[Product]:
    """Listings whose title contains ``search`` (as text, not a pattern), newest first."""
    query = select(Product).options(joinedload(Product.seller))
    if search.strip():
        query = query.where(Product.title.icontains(search.strip()[:200], autoescape=True))
    if status is not None:
        query = query.where(Product.status == status)
    return list(
        db.session.scalars(
            query.order_by(Product.updated_at.desc(), Product.id.desc()).limit(limit)
        )
    )


def parse_decimal(text: str | None) -> Decimal | None:
    """A decimal typed by a person, with one dot and no thousands separators.

    Commas are refused rather than guessed at: "2,50" is 2.50 in Europe and 250 elsewhere.
    """
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if "," in cleaned:
        raise ValueError(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value
