"""Trusted buyers: the seller's say on who may order on open account (net 30)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Company, Order, TrustedBuyer
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed


def _require_seller_staff(actor: Actor) -> int:
    user = require(actor.user, Action.TRUST_BUYERS)
    assert user.company_id is not None  # the capability needs a company
    return user.company_id


def trusted_buyer_ids(seller_id: int) -> set[int]:
    """The buyer companies ``seller_id`` offers net 30."""
    return set(
        db.session.scalars(select(TrustedBuyer.buyer_id).where(TrustedBuyer.seller_id == seller_id))
    )


def set_trusted(actor: Actor, buyer_company_id: int, trusted: bool) -> bool:
    """Offer (or stop offering) net 30 to a buyer who has ordered from the actor's company.

    Returns whether anything changed; each change is audited. Orders already placed keep
    the terms they were placed on: trust only widens what the next checkout offers.
    """
    seller_id = _require_seller_staff(actor)
    buyer = db.session.get(Company, buyer_company_id)
    has_ordered = db.session.scalar(
        select(Order.id)
        .where(Order.seller_id == seller_id, Order.buyer_id == buyer_company_id)
        .limit(1)
    )
    # Trust follows a trading relationship; it is not a way to probe other companies' ids.
    if buyer is None or buyer.id == seller_id or has_ordered is None:
        raise ValidationFailed(
            lazy_gettext("Only buyers who have ordered from you can be trusted.")
        )
    existing = db.session.scalar(
        select(TrustedBuyer).where(
            TrustedBuyer.seller_id == seller_id, TrustedBuyer.buyer_id == buyer.id
        )
    )
    if trusted == (existing is not None):
        return False
    if trusted:
        try:
            # A colleague clicking at the same moment hits the unique constraint: same outcome.
            with db.session.begin_nested():
                db.session.add(TrustedBuyer(seller_id=seller_id, buyer_id=buyer.id))
        except IntegrityError:
            return False
    else:
        db.session.delete(existing)
    record_audit(
        actor,
        "buyer.trusted" if trusted else "buyer.untrusted",
        company_id=seller_id,
        object_type="company",
        object_id=buyer.public_id,
    )
    db.session.flush()
    return True
