"""The seller's orders: list, order page, accept or reject, production, shipment, trusted buyers.

Routes on the ``seller`` blueprint. Every order is looked up through the signed-in
user's company, so another company's order answers 404 before any form is read. Who may
move an order or trust a buyer is the capability table's question, asked by the services
(their ``NotAllowed`` reaches the boundary as a 403); the pages offer only what it allows.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf import FlaskForm

from app.models import Order, OrderStatus, ShipmentMode
from app.money import currency_exponent
from app.services.accounts.capabilities import Action, Side, require
from app.services.fulfilment import actions
from app.services.fulfilment.charges import FREIGHT_ON_SELLER, INSURANCE_ON_SELLER
from app.services.fulfilment.shipment_prefill import shipment_ports
from app.services.orders.lifecycle import may_move
from app.services.orders.lots import may_close_balance
from app.services.orders.queries import (
    PAGE_SIZE,
    company_order,
    counterparties,
    order_list,
    order_page,
)
from app.services.orders.trusted import set_trusted, trusted_buyer_ids
from app.services.payments.controls import current_hold
from app.web import order_changes
from app.web.boundary import attempt
from app.web.forms import as_choices, page_number
from app.web.guards import acting, signed_in_user
from app.web.order_actions import submit_order_action
from app.web.order_labels import SHIPMENT_MODE_LABELS
from app.web.order_pages import OrderFilterForm, list_page_url, order_filter
from app.web.seller import shipment_contents_form
from app.web.seller.blueprint import bp
from app.web.seller.order_forms import (
    AcceptForm,
    CloseBalanceForm,
    RejectForm,
    ShipmentForm,
    StartProductionForm,
    TrustForm,
)


def _company_id() -> int:
    return signed_in_user().company_id or 0


def _own_order(public_id: str) -> Order:
    order = company_order(_company_id(), public_id, Side.SELLER)
    if order is None:
        abort(404)
    return order


def _refuse_viewers(order: Order) -> None:
    """Refuse those who may only look (viewers) before anything else is judged.

    The lifecycle judges whether the order can make a move before who makes it, so a
    viewer's post would otherwise be answered with the order's state instead of a 403.
    The rule is the capability table's; its ``NotAllowed`` reaches the boundary as 403.
    """
    require(signed_in_user(), Action.ACT_AS_SELLER, order)


def _accept_form(order: Order, bound: bool = True) -> AcceptForm:
    form = AcceptForm() if bound else AcceptForm(formdata=None)
    # Charges the Incoterm leaves to the buyer are not fields at all, so none can be posted.
    if order.incoterm not in FREIGHT_ON_SELLER:
        del form.freight
    if order.incoterm not in INSURANCE_ON_SELLER:
        del form.insurance
    # Charges are in the order's currency: no more decimals than it has.
    for charge in ("freight", "insurance"):
        if charge in form:
            form[charge].limit(places=currency_exponent(order.currency))
    return form


@bp.get("/orders")
def orders() -> ResponseReturnValue:
    company_id = _company_id()
    form = OrderFilterForm(formdata=request.args)
    criteria = order_filter(form, counterparties(company_id, Side.SELLER))
    rows, total, page = order_list(
        company_id, Side.SELLER, criteria, page_number(request.args.get("page"))
    )
    return render_template(
        "seller/orders.html",
        orders=rows,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        form=form,
        page_url=list_page_url("seller.orders"),
    )


def _render_order(public_id: str, **forms: FlaskForm) -> ResponseReturnValue:
    order = order_page(_company_id(), public_id, Side.SELLER)
    if order is None:
        abort(404)
    user = signed_in_user()
    forms.setdefault("accept_form", _accept_form(order, bound=False))
    forms.setdefault("reject_form", RejectForm(formdata=None))
    forms.setdefault("production_form", StartProductionForm(formdata=None))
    forms.setdefault("close_form", CloseBalanceForm(formdata=None))
    return render_template(
        "seller/order.html",
        order=order,
        may_accept=may_move(user, order, OrderStatus.ACCEPTED),
        may_reject=may_move(user, order, OrderStatus.REJECTED),
        may_produce=may_move(user, order, OrderStatus.IN_PRODUCTION),
        may_ship=may_move(user, order, OrderStatus.SHIPPED),
        may_close=may_move(user, order, OrderStatus.SHIPPED) and may_close_balance(order),
        **forms,
    )


@bp.get("/orders/<public_id>")
def order(public_id: str) -> ResponseReturnValue:
    return _render_order(public_id)


def _act(
    public_id: str,
    make_form: Callable[[Order], FlaskForm],
    form_name: str,
    act: Callable[[Order, FlaskForm], None],
    done: str,
) -> ResponseReturnValue:
    order = _own_order(public_id)
    _refuse_viewers(order)
    form = make_form(order)
    return submit_order_action(
        order,
        form,
        lambda: act(order, form),
        done,
        order_endpoint="seller.order",
        rerender=lambda bound: _render_order(public_id, **{form_name: bound}),
    )


def _accept(order: Order, form: FlaskForm) -> None:
    assert isinstance(form, AcceptForm)
    actions.accept(
        acting(),
        order,
        confirmed_ship_date=form.confirmed_ship_date.data,
        freight=form.freight.data if "freight" in form else None,
        insurance=form.insurance.data if "insurance" in form else None,
        note=form.note.data,
    )


@bp.post("/orders/<public_id>/accept")
def accept_order(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        _accept_form,
        "accept_form",
        _accept,
        gettext("The order is accepted. The buyer has been told."),
    )


@bp.post("/orders/<public_id>/reject")
def reject_order(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        lambda order: RejectForm(),
        "reject_form",
        lambda order, form: actions.reject(acting(), order, form.reason.data or ""),
        gettext("The order is rejected. The buyer has been told."),
    )


@bp.post("/orders/<public_id>/start-production")
def start_production(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        lambda order: StartProductionForm(),
        "production_form",
        lambda order, form: actions.start_production(acting(), order, form.note.data),
        gettext("The order is in production."),
    )


@bp.post("/orders/<public_id>/close-balance")
def close_balance(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        lambda order: CloseBalanceForm(),
        "close_form",
        lambda order, form: actions.close_balance(acting(), order, form.note.data),
        gettext("The order is closed at the quantity shipped. The buyer has been told."),
    )


# --- shipment -------------------------------------------------------------------------


def _shipment_input(form: ShipmentForm) -> actions.ShipmentInput:
    return actions.ShipmentInput(
        mode=form.mode.data or "",
        carrier=form.carrier.data or "",
        transport_document_number=form.transport_document_number.data or "",
        port_of_loading=form.port_of_loading.data or "",
        port_of_discharge=form.port_of_discharge.data or "",
        etd=form.etd.data,
        eta=form.eta.data,
        net_weight_kg=form.net_weight_kg.data,
        gross_weight_kg=form.gross_weight_kg.data,
        vessel=form.vessel.data,
        voyage=form.voyage.data,
        flight=form.flight.data,
        container_numbers=form.container_numbers.data,
        packages=[
            actions.PackageInput(
                count=row.form.count.data or 0,
                marks=row.form.marks.data or "",
                package_type=row.form.package_type.data,
                contents=row.form.contents.data,
                net_weight_kg=row.form.net_weight_kg.data,
                gross_weight_kg=row.form.gross_weight_kg.data,
            )
            for row in form.packages
        ],
    )


@bp.route("/orders/<public_id>/shipment", methods=["GET", "POST"])
def shipment(public_id: str) -> ResponseReturnValue:
    order = _own_order(public_id)
    _refuse_viewers(order)  # the page is nothing but the form
    if not may_move(signed_in_user(), order, OrderStatus.SHIPPED):
        flash(gettext("A shipment is recorded once the order is in production."), "warning")
        return redirect(url_for("seller.order", public_id=public_id))
    held = current_hold(order)
    if held is not None:  # the order page says what is missing and offers the release
        flash(str(held.message), "warning")
        return redirect(url_for("seller.order", public_id=public_id))
    form = ShipmentForm()
    form.mode.choices = as_choices(
        [(mode.value, str(label)) for mode, label in SHIPMENT_MODE_LABELS.items()]
    )
    shipment_contents_form.offer_lines(form, order)
    if form.validate_on_submit():
        data = shipment_contents_form.contents_input(form, _shipment_input(form))
        if attempt(lambda: actions.record_shipment(acting(), order, data), form).ok:
            flash(gettext("The shipment is recorded. The buyer has been told."), "success")
            return redirect(url_for("seller.order", public_id=public_id))
    elif request.method == "GET":
        form.mode.data = ShipmentMode.SEA.value
        ports = shipment_ports(order)
        form.port_of_loading.data = ports.port_of_loading
        form.port_of_discharge.data = ports.port_of_discharge
        shipment_contents_form.prefill_contents(form, order)
    return render_template(
        "seller/shipment.html", form=form, order=order, in_bulk=actions.ships_in_bulk(order)
    )


# --- trusted buyers -------------------------------------------------------------------


@bp.route("/buyers", methods=["GET", "POST"])
def buyers() -> ResponseReturnValue:
    company_id = _company_id()
    companies = counterparties(company_id, Side.SELLER)
    if request.method == "POST":
        form = TrustForm()
        if not form.validate_on_submit():
            abort(400)
        buyer = next((c for c in companies if c.public_id == form.buyer.data), None)
        if buyer is None:
            abort(404)
        trusted = form.trusted.data == "1"
        # set_trusted refuses viewers (403); any other refusal is flashed on this page.
        if attempt(lambda: set_trusted(acting(), buyer.id, trusted)).ok:
            if trusted:
                message = gettext("%(buyer)s may now choose net 30.", buyer=buyer.legal_name)
            else:
                message = gettext("%(buyer)s no longer gets net 30.", buyer=buyer.legal_name)
            flash(message, "success")
        return redirect(url_for("seller.buyers"))
    return render_template(
        "seller/buyers.html",
        companies=companies,
        trusted=trusted_buyer_ids(company_id),
    )


# Proposing changes, withdrawing them, cancelling after one was declined.
order_changes.register(bp, Side.SELLER)
