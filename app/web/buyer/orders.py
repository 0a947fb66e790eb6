"""The buyer's orders: list, tracking, cancel, confirm delivery.

Routes on the ``buyer`` blueprint. Every order is looked up through the signed-in user's
company, so another company's order answers 404 before any form is read. Who may cancel
or confirm is the capability table's question (``Action.ACT_AS_BUYER``), asked again by
the lifecycle; the page offers only the moves ``may_move`` allows.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf import FlaskForm

from app.models import Order, OrderStatus
from app.services.accounts.capabilities import Action, Side, require
from app.services.fulfilment import actions
from app.services.orders.lifecycle import may_move
from app.services.orders.queries import (
    PAGE_SIZE,
    company_order,
    counterparties,
    order_list,
    order_page,
)
from app.web import order_changes
from app.web.buyer.blueprint import bp
from app.web.buyer.order_forms import CancelForm, ConfirmDeliveryForm
from app.web.forms import page_number
from app.web.guards import acting, signed_in_user
from app.web.order_actions import submit_order_action
from app.web.order_pages import OrderFilterForm, list_page_url, order_filter


def _company_id() -> int:
    return signed_in_user().company_id or 0


@bp.get("/orders")
def orders() -> ResponseReturnValue:
    company_id = _company_id()
    form = OrderFilterForm(formdata=request.args)
    criteria = order_filter(form, counterparties(company_id, Side.BUYER))
    rows, total, page = order_list(
        company_id, Side.BUYER, criteria, page_number(request.args.get("page"))
    )
    return render_template(
        "buyer/orders.html",
        orders=rows,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        form=form,
        page_url=list_page_url("buyer.orders"),
    )


def _own_order(public_id: str) -> Order:
    order = company_order(_company_id(), public_id, Side.BUYER)
    if order is None:
        abort(404)
    return order


def _render_order(public_id: str, **forms: FlaskForm) -> ResponseReturnValue:
    order = order_page(_company_id(), public_id, Side.BUYER)
    if order is None:
        abort(404)
    user = signed_in_user()
    forms.setdefault("cancel_form", CancelForm(formdata=None))
    forms.setdefault("delivery_form", ConfirmDeliveryForm(formdata=None))
    return render_template(
        "buyer/order.html",
        order=order,
        may_cancel=may_move(user, order, OrderStatus.CANCELLED),
        may_confirm=may_move(user, order, OrderStatus.DELIVERED),
        **forms,
    )


@bp.get("/orders/<public_id>")
def order(public_id: str) -> ResponseReturnValue:
    return _render_order(public_id)


def _act(
    public_id: str,
    form: FlaskForm,
    form_name: str,
    act: Callable[[Order], None],
    done: str,
) -> ResponseReturnValue:
    order = _own_order(public_id)
    # Before the form and the move are judged: the lifecycle checks whether the order can
    # move before who moves it, and a viewer is to be refused (403), not told its state.
    require(signed_in_user(), Action.ACT_AS_BUYER, order)
    return submit_order_action(
        order,
        form,
        lambda: act(order),
        done,
        order_endpoint="buyer.order",
        rerender=lambda bound: _render_order(public_id, **{form_name: bound}),
    )


@bp.post("/orders/<public_id>/cancel")
def cancel_order(public_id: str) -> ResponseReturnValue:
    form = CancelForm()
    return _act(
        public_id,
        form,
        "cancel_form",
        lambda order: actions.cancel(acting(), order, form.reason.data),
        gettext("The order is cancelled. The seller has been told."),
    )


@bp.post("/orders/<public_id>/confirm-delivery")
def confirm_delivery(public_id: str) -> ResponseReturnValue:
    form = ConfirmDeliveryForm()
    return _act(
        public_id,
        form,
        "delivery_form",
        lambda order: actions.confirm_delivery(acting(), order, form.note.data),
        gettext("Delivery is confirmed. Thank you."),
    )


# Answering the seller's proposed changes (freight on acceptance, a later ship date).
order_changes.register(bp, Side.BUYER)
