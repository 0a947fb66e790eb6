"""An ERP changes a listing's price tiers and stock, guarded by the version it last read.

Optimistic concurrency: the listing's version is its last change time (in microseconds);
a write names the version it was computed from and is refused (``StaleVersion``) when the
listing changed since, by its seller's page, an import, another ERP call or an order
taking stock. The check is one conditional UPDATE, so of two writers holding the same
version exactly one passes. The write itself is the page's own (``update_listing``): the
same checks, the same messages, the same re-indexing.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import cast

from flask_babel import lazy_gettext
from sqlalchemy import Table, select, update
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Product, ProductStatus
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.errors import Conflict, NotAllowed
from app.services.listings.editing import require_listing_editor, update_listing
from app.services.listings.import_rows import current_input
from app.services.listings.listing_input import QuantityInput

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TICK = timedelta(microseconds=1)
_PRODUCTS = cast(Table, Product.__table__)
MAX_LIMIT = 100


class StaleVersion(Conflict):
    """The listing changed since the version the request names."""


# "Leave the stock as it is" (None already means made to order).
KEEP: object = object()


def listing_version(product: Product) -> str:
    """The version a client sends back to change the listing (also its ETag)."""
    return str((product.updated_at - _EPOCH) // _TICK)


def _version_time(version: str) -> datetime | None:
    text = version.strip().strip('"')
    if not text.isdigit() or len(text) > 20:
        return None
    return _EPOCH + int(text) * _TICK


def update_stock_and_prices(
    actor: Actor,
    product: Product,
    *,
    seen_version: str,
    price_tiers: list[tuple[QuantityInput, Decimal | None]] | None = None,
    stock_quantity: QuantityInput | object = KEEP,
) -> None:
    """Replace the listing's price tiers and/or stock if it is still at ``seen_version``.

    ``price_tiers`` are (minimum quantity, unit price) pairs as the listing form takes them;
    quantities may be the API's text ("12.345") and are held to the listing's unit by the
    listing checks. ``stock_quantity`` None makes the listing made to order (it then needs
    a lead time).
    """
    if require_listing_editor(actor) != product.seller_id:
        raise NotAllowed(lazy_gettext("This listing belongs to another company."))
    seen = _version_time(seen_version)
    stale = StaleVersion(
        lazy_gettext(
            "The listing changed since you read it. Read it again and send its new version."
        ),
        "version",
    )
    if seen is None:
        raise stale
    changed = current_input(product)
    if price_tiers is not None:
        changed = dataclasses.replace(changed, price_tiers=price_tiers)
    if stock_quantity is not KEEP:
        changed = dataclasses.replace(changed, stock_quantity=stock_quantity)  # type: ignore[arg-type]
    # Claim the row at the version read; a concurrent writer waits here, then finds it moved.
    claimed = db.session.execute(
        update(_PRODUCTS)
        .where(_PRODUCTS.c.id == product.id, _PRODUCTS.c.updated_at == seen)
        .values(updated_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise stale
    update_listing(actor, product, changed)


class UnknownCursor(LookupError):
    """``starting_after`` names no listing of this company."""


def listings_after(
    company_id: int,
    *,
    limit: int = 10,
    starting_after: str | None = None,
    status: ProductStatus | None = None,
) -> tuple[list[Product], bool]:
    """Up to ``limit`` of the company's listings, oldest first (a listing's place in the
    list never moves, so a cursor neither skips nor repeats one), after the listing
    ``starting_after``; and whether more follow."""
    query = select(Product).where(Product.seller_id == company_id)
    if starting_after is not None:
        cursor = db.session.scalar(
            select(Product.id).where(
                Product.public_id == starting_after, Product.seller_id == company_id
            )
        )
        if cursor is None:
            raise UnknownCursor(starting_after)
        query = query.where(Product.id > cursor)
    if status is not None:
        query = query.where(Product.status == status)
    limit = min(max(limit, 1), MAX_LIMIT)
    rows = list(
        db.session.scalars(
            query.options(selectinload(Product.price_tiers), selectinload(Product.incoterms))
            .order_by(Product.id)
            .limit(limit + 1)
        )
    )
    return rows[:limit], len(rows) > limit
