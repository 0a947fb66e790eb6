"""What other pages show of claims: an order's claim window and claims, a supplier's
claim outcomes (template globals of the claims blueprint)."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import Company, Order
from app.models.base import utcnow
from app.services.accounts.capabilities import Action, can
from app.services.claims import (
    filing,
    queries,
    window,
)
from app.services.claims.states import LABELS
from app.web.claims.blueprint import bp
from app.web.guards import signed_in_user


@bp.app_template_global("order_claims")
def order_claims(order: Order) -> dict[str, Any]:
    """What an order page shows of claims: the window and its countdown, the claims.

    One statement, and only from delivery on: the order pages keep their budget of
    statements. Before shipment a buyer past the promised date is offered a claim that
    the goods were not shipped (its claims are on the claims list).
    """
    now = utcnow()
    user = signed_in_user()
    if order.status.value not in ("delivered", "completed"):
        late = filing.shipment_overdue(order, now)
        return {
            "window": None,
            "claims": [],
            "may_file": late and can(user, Action.FILE_CLAIM, order),
        }
    found, claims = queries.window_and_claims(order)
    is_open = window.is_open(found, now)
    return {
        "window": found,
        "open": is_open,
        "days_left": max((found.closes_at - now).days, 0) if found is not None else None,
        "claims": claims,
        "labels": LABELS,
        "may_file": is_open and can(user, Action.FILE_CLAIM, order),
    }


@bp.app_template_global("seller_claim_outcomes")
def seller_claim_outcomes(company: Company) -> queries.ClaimOutcomes | None:
    """The supplier profile's claim counts (None until the seller has 5 orders)."""
    return queries.claim_outcomes(db.session, company.id)
