"""The supplier's workspace: its home says what waits (orders to accept, RFQs to answer)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from app.services.accounts.capabilities import Side
from app.services.orders.queries import OrderFilter, order_list
from app.services.orders.waiting import WaitingFor, waiting_counts
from app.services.quotations.queries import rfqs_to_answer
from app.web.guards import signed_in_user
from app.web.seller.blueprint import bp

# The newest orders the home page shows under its counts.
RECENT_ORDERS = 5


@bp.get("/")
def index() -> ResponseReturnValue:
    user = signed_in_user()
    company_id = user.company_id or 0
    counts = waiting_counts(company_id, [WaitingFor.ACCEPT, WaitingFor.PRODUCE, WaitingFor.SHIP])
    recent, total_orders, _page = order_list(company_id, Side.SELLER, OrderFilter(), 1)
    return render_template(
        "seller/index.html",
        company=user.company,
        to_accept=counts[WaitingFor.ACCEPT],
        to_produce=counts[WaitingFor.PRODUCE],
        to_ship=counts[WaitingFor.SHIP],
        to_answer=rfqs_to_answer(company_id),
        recent_orders=recent[:RECENT_ORDERS],
        total_orders=total_orders,
    )
