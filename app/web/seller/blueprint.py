"""The ``seller`` blueprint, its guard, and the listing lookup its route modules share.

Kept apart from the routes so that they import it without importing each other.
"""

from __future__ import annotations

from flask import Blueprint, abort

from app.models import Product
from app.services.accounts.capabilities import Action
from app.services.listings.editing import seller_product
from app.web.guards import guard_blueprint, signed_in_user
from app.web.order_pages import order_template_helpers

bp = Blueprint("seller", __name__, url_prefix="/seller")
guard_blueprint(bp, Action.SELLER_AREA)
# The order pages render the shared order macros.
bp.context_processor(order_template_helpers)


def own_listing(public_id: str) -> Product:
    """A listing of the signed-in user's company; anyone else's answers 404."""
    product = seller_product(signed_in_user().company_id or 0, public_id)
    if product is None:
        abort(404)
    return product
