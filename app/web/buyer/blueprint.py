"""The ``buyer`` blueprint and its guard; route modules attach their views to ``bp``.

Kept apart from the routes so that they import it without importing each other.
"""

from __future__ import annotations

from flask import Blueprint

from app.services.accounts.capabilities import Action
from app.web.guards import guard_blueprint
from app.web.order_pages import order_template_helpers

bp = Blueprint("buyer", __name__, url_prefix="/buyer")
guard_blueprint(bp, Action.BUYER_AREA)
# The cart, checkout and order pages render the shared order macros.
bp.context_processor(order_template_helpers)
