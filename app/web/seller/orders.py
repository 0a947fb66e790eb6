"""The seller's orders: list, order page, accept or reject, production, shipment, trusted buyers.

Routes on the ``seller`` blueprint. Every order is looked up through the signed-in
user's company, so another company's order answers 404 before any form is read.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf import FlaskForm

from app.database import commit, rollback
from app.models import Order, OrderStatus, ShipmentMode
from app.services.accounts.capabilities import Side
from app.services.errors import DomainError, NotAllowed
from app.services.orders import actions
from app.services.orders.lifecycle import may_move
from app.services.orders.queries import (
    PAGE_SIZE,
    can_act,
    company_order,
    counterparties,
    order_list,
    order_page,
)
from app.services.orders.trusted import set_trusted, trusted_buyer_ids
from app.web.buyer.order_forms import SHIPMENT_MODE_LABELS, OrderFilterForm
from app.web.buyer.orders import list_page_url, order_filter, order_template_helpers
from app.web.forms import as_choices
from app.web.guards import acting, show_error_on_form, signed_in_user
from app.web.order_actions import submit_order_action
from app.web.seller.order_forms import (
    AcceptForm,
    RejectForm,
    ShipmentForm,
    StartProductionForm,
    TrustForm,
)
from app.web.seller.views import bp

bp.context_processor(order_template_helpers)


def _company_id() -> int:
    return signed_in_user().company_id or 0


def _own_order(public_id: str) -> Order:
    order = company_order(_company_id(), public_id, Side.SELLER)
    if order is None:
        abort(404)
    return order


def _must_act() -> None:
    """Viewers look; only the owner and sales staff change orders."""
    if not can_act(signed_in_user(), Side.SELLER):
        abort(403)


def _accept_form(order: Order, bound: bool = True) -> AcceptForm:
    form = AcceptForm() if bound else AcceptForm(formdata=None)
    # Charges the Incoterm leaves to the buyer are not fields at all, so none can be posted.
    if order.incoterm not in actions.FREIGHT_ON_SELLER:
        del form.freight
    if order.incoterm not in actions.INSURANCE_ON_SELLER:
        del form.insurance
    return form


@bp.get("/orders")
def orders() -> ResponseReturnValue:
    company_id = _company_id()
    form = OrderFilterForm(formdata=request.args)
    criteria = order_filter(form, counterparties(company_id, Side.SELLER))
    rows, total, page = order_list(
        company_id, Side.SELLER, criteria, request.args.get("page", 1, type=int) or 1
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
    return render_template(
        "seller/order.html",
        order=order,
        may_accept=may_move(user, order, OrderStatus.ACCEPTED),
        may_reject=may_move(user, order, OrderStatus.REJECTED),
        may_produce=may_move(user, order, OrderStatus.IN_PRODUCTION),
        may_ship=may_move(user, order, OrderStatus.SHIPPED),
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
    _must_act()
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
    _must_act()
    if not may_move(signed_in_user(), order, OrderStatus.SHIPPED):
        flash(gettext("A shipment is recorded once the order is in production."), "warning")
        return redirect(url_for("seller.order", public_id=public_id))
    form = ShipmentForm()
    form.mode.choices = as_choices(
        [(mode.value, str(label)) for mode, label in SHIPMENT_MODE_LABELS.items()]
    )
    if form.validate_on_submit():
        try:
            actions.record_shipment(acting(), order, _shipment_input(form))
        except NotAllowed:
            rollback()
            abort(403)
        except DomainError as error:
            rollback()
            if not show_error_on_form(form, error):
                flash(str(error), "danger")
        else:
            commit()
            flash(gettext("The shipment is recorded. The buyer has been told."), "success")
            return redirect(url_for("seller.order", public_id=public_id))
    elif request.method == "GET":
        form.mode.data = ShipmentMode.SEA.value
        form.port_of_loading.data = order.incoterm_place
        form.port_of_discharge.data = order.destination_port
    return render_template("seller/shipment.html", form=form, order=order)


# --- trusted buyers -------------------------------------------------------------------


@bp.route("/buyers", methods=["GET", "POST"])
def buyers() -> ResponseReturnValue:
    company_id = _company_id()
    companies = counterparties(company_id, Side.SELLER)
    if request.method == "POST":
        _must_act()
        form = TrustForm()
        if not form.validate_on_submit():
            abort(400)
        buyer = next((c for c in companies if c.public_id == form.buyer.data), None)
        if buyer is None:
            abort(404)
        trusted = form.trusted.data == "1"
        try:
            set_trusted(acting(), buyer.id, trusted)
        except NotAllowed:
            rollback()
            abort(403)
        except DomainError as error:
            rollback()
            flash(str(error), "danger")
            return redirect(url_for("seller.buyers"))
        commit()
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
