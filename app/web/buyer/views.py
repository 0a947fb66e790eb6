"""The importer's workspace: its home says what waits (payments to make, documents to
download) and whether the company may order yet."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from app.services.accounts.capabilities import Side
from app.services.orders.queries import OrderFilter, order_list
from app.services.orders.waiting import WaitingFor, waiting_counts
from app.web.buyer.blueprint import bp
from app.web.guards import signed_in_user

# The newest orders the home page shows under its counts.
RECENT_ORDERS = 5


@bp.get("/")
def index() -> ResponseReturnValue:
    user = signed_in_user()
    company_id = user.company_id or 0
    counts = waiting_counts(
        company_id, [WaitingFor.PAYMENT, WaitingFor.DELIVERY, WaitingFor.DOCUMENTS]
    )
    recent, total_orders, _page = order_list(company_id, Side.BUYER, OrderFilter(), 1)
    return render_template(
        "buyer/index.html",
        company=user.company,
        to_pay=counts[WaitingFor.PAYMENT],
        to_download=counts[WaitingFor.DOCUMENTS],
        to_confirm=counts[WaitingFor.DELIVERY],
        recent_orders=recent[:RECENT_ORDERS],
        total_orders=total_orders,
    )
