"""Listings: create, edit, duplicate, publish, archive; the operator suspends.

All validation goes through here (``validate_listing``, and every write runs the same
checks of ``listing_checks``) so the web form and the bulk import refuse exactly the same
things with the same words. Errors are collected per field (``price_tiers-1-min_quantity``
style names, as WTForms' FieldList names them) and raised together.
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import PriceTier, Product, ProductIncoterm, ProductStatus, Specification
from app.models.base import utcnow
from app.services.accounts.capabilities import Action, require
from app.services.accounts.companies import ensure_can_trade
from app.services.audit.recording import Actor, record_audit
from app.services.catalog.index import reindex_product
from app.services.errors import NotAllowed, ValidationFailed
from app.services.licences import gate as licence_gate
from app.services.listings.listing_checks import CheckedListing, check_listing

# The input, its limits and its error live in listing_input (the checks need them too);
# they are named here as well, where the form and the import have always found them.
from app.services.listings.listing_input import (
    MAX_INCOTERMS,
    MAX_LEAD_TIME_DAYS,
    MAX_SPECIFICATIONS,
    MAX_TIERS,
    ListingInput,
    ListingInvalid,
)

__all__ = [
    "MAX_INCOTERMS",
    "MAX_LEAD_TIME_DAYS",
    "MAX_SPECIFICATIONS",
    "MAX_TIERS",
    "ListingInput",
    "ListingInvalid",
    "any_product",
    "archive_listing",
    "create_listing",
    "duplicate_listing",
    "listings_for_moderation",
    "publish_listing",
    "reinstate_listing",
    "require_listing_editor",
    "seller_product",
    "seller_products",
    "suspend_listing",
    "update_listing",
    "validate_listing",
]


MAX_SUSPENSION_REASON = 1000  # as the operator's form allows


def validate_listing(data: ListingInput) -> None:
    """Raise ``ListingInvalid`` with every problem, or return when the listing is sound."""
    check_listing(data)


def require_listing_editor(actor: Actor) -> int:
    user = require(actor.user, Action.EDIT_LISTINGS)
    assert user.company_id is not None  # the capability needs a company
    return user.company_id


def _write(product: Product, checked: CheckedListing) -> None:
    for name, value in checked.values.items():
        setattr(product, name, value)
    product.price_tiers = [PriceTier(min_quantity=q, unit_price_minor=p) for q, p in checked.tiers]
    product.incoterms = [ProductIncoterm(rule=r, named_place=p) for r, p in checked.incoterms]
    product.specifications = [
        Specification(position=i, name=k, value=v, name_zh=zh, name_ur=ur)
        for i, (k, v, zh, ur) in enumerate(checked.specifications)
    ]


def create_listing(actor: Actor, data: ListingInput) -> Product:
    """A new draft listing of the actor's company."""
    seller_id = require_listing_editor(actor)
    checked = check_listing(data)
    product = Product(seller_id=seller_id, status=ProductStatus.DRAFT)
    _write(product, checked)
    db.session.add(product)
    db.session.flush()
    return product


def update_listing(actor: Actor, product: Product, data: ListingInput) -> None:
    """Change a listing; a published one stays published and is re-indexed."""
    if require_listing_editor(actor) != product.seller_id:
        raise NotAllowed(lazy_gettext("This listing belongs to another company."))
    checked = check_listing(data)
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
        Specification(
            position=s.position, name=s.name, value=s.value, name_zh=s.name_zh, name_ur=s.name_ur
        )
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
    # Class 1: only a holder of an accepted manufacture or sale licence covering it.
    licence_gate.check_publish(db.session, actor, product)
    previous = product.status
    product.status = ProductStatus.PUBLISHED
    product.published_at = utcnow()
    db.session.flush()
    reindex_product(product)
    record_audit(
        actor,
        "listing.published",
        company_id=product.seller_id,
        object_type="product",
        object_id=product.public_id,
        details={"from": previous.value},
    )


def archive_listing(actor: Actor, product: Product) -> None:
    if require_listing_editor(actor) != product.seller_id:
        raise NotAllowed(lazy_gettext("This listing belongs to another company."))
    if product.status is ProductStatus.SUSPENDED:
        raise ValidationFailed(lazy_gettext("A suspended listing stays as the operator left it."))
    previous = product.status
    product.status = ProductStatus.ARCHIVED
    db.session.flush()
    reindex_product(product)
    record_audit(
        actor,
        "listing.archived",
        company_id=product.seller_id,
        object_type="product",
        object_id=product.public_id,
        details={"from": previous.value},
    )


def suspend_listing(actor: Actor, product: Product, reason: str) -> None:
    """The operator takes a listing off the catalogue, saying why."""
    if actor.user is None or not actor.user.is_operator:
        raise NotAllowed(lazy_gettext("Only the platform operator suspends listings."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(lazy_gettext("Give the reason for the suspension."), "reason")
    if len(reason) > MAX_SUSPENSION_REASON:
        # Refused, never cut: the seller would read half a sentence.
        raise ValidationFailed(
            lazy_gettext(
                "Keep the reason under %(count)d characters.", count=MAX_SUSPENSION_REASON
            ),
            "reason",
        )
    previous = product.status
    product.status = ProductStatus.SUSPENDED
    product.suspension_reason = reason
    db.session.flush()
    reindex_product(product)
    record_audit(
        actor,
        "listing.suspended",
        company_id=product.seller_id,
        object_type="product",
        object_id=product.public_id,
        details={"from": previous.value, "reason": reason},
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
