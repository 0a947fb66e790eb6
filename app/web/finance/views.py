"""Finance staff on either side: the orders they are paid or pay for, and their payments.

The invoice register, exports and receivables arrive with the finance issue.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from app.models import CompanyRole
from app.services.orders.lifecycle import Side
from app.services.orders.queries import OrderFilter, order_list, order_page
from app.web.buyer.orders import order_template_helpers
from app.web.guards import guard_company_blueprint, signed_in_user

bp = Blueprint("finance", __name__, url_prefix="/finance")
guard_company_blueprint(bp, frozenset({CompanyRole.OWNER, CompanyRole.FINANCE}))
bp.context_processor(order_template_helpers)


def _sides() -> list[str]:
    company = signed_in_user().company
    assert company is not None
    return [
        side
        for side, takes_part in ((Side.SELLER, company.sells), (Side.BUYER, company.buys))
        if takes_part
    ]


@bp.get("/")
def index() -> ResponseReturnValue:
    company_id = signed_in_user().company_id or 0
    page = request.args.get("page", 1, type=int) or 1
    lists = {side: order_list(company_id, side, OrderFilter(), page)[0] for side in _sides()}
    return render_template("finance/index.html", company=signed_in_user().company, lists=lists)


@bp.get("/orders/<public_id>")
def order(public_id: str) -> ResponseReturnValue:
    company_id = signed_in_user().company_id or 0
    for side in _sides():
        found = order_page(company_id, public_id, side)
        if found is not None:
            return render_template("finance/order.html", order=found, side=side)
    abort(404)
