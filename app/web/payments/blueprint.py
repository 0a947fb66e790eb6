"""The payments blueprint and what its route modules share: finding the milestone and the
way back to the order page the form was on.

The route modules (``views``, ``receipts``) import from here and never from each other;
``app.web.payments`` imports them all, which registers their routes on ``bp``.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask.typing import ResponseReturnValue

from app.models import PaymentMilestone
from app.security import safe_next_path
from app.services.payments import milestones as payments
from app.web.guards import guard_blueprint, signed_in_user
from app.web.order_pages import order_template_helpers

bp = Blueprint("payments", __name__, url_prefix="/payments")
guard_blueprint(bp, None)
bp.context_processor(order_template_helpers)


def milestone_or_404(public_id: str) -> PaymentMilestone:
    """A milestone of an order the signed-in person's company is party to; else 404."""
    milestone = payments.visible_milestone(signed_in_user().company_id or 0, public_id)
    if milestone is None:
        abort(404)
    return milestone


def back_to(milestone: PaymentMilestone) -> ResponseReturnValue:
    """To the page the form was on (``next``), else the order's finance page."""
    target = safe_next_path(request.form.get("next"))
    return redirect(target or url_for("finance.order", public_id=milestone.order.public_id))
