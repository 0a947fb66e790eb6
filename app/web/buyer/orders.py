"""The buyer's orders: cart, checkout with a review of every figure, tracking, cancel, delivery.

Routes on the ``buyer`` blueprint. Prices, sellers and statuses never come from the
request: the services take them from the cart, the listings and the lifecycle.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel import Locale
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf import FlaskForm

from app.database import commit, rollback
from app.i18n import current_locale_code
from app.models import Company, CompanyRole, Order, OrderStatus, ProductStatus, User
from app.payments.gateway import configured_gateway
from app.security import safe_next_path
from app.services.accounts.capabilities import Action, Side, can
from app.services.errors import DomainError, NotAllowed, ValidationFailed
from app.services.orders import actions
from app.services.orders.cart import (
    CartGroup,
    WantedLine,
    cart_groups,
    cart_lines,
    orderable_product,
    require_purchaser,
    set_cart_quantity,
    unit_price_minor,
)
from app.services.orders.lifecycle import STATUS_LABELS, may_move
from app.services.orders.placing import (
    OrderTerms,
    common_incoterms,
    find_group,
    offered_payment_terms,
    place_order,
)
from app.services.orders.queries import (
    PAGE_SIZE,
    OrderFilter,
    can_act,
    company_order,
    counterparties,
    next_action,
    order_list,
    order_page,
)
from app.web.buyer.order_forms import (
    DOCUMENT_KIND_LABELS,
    MILESTONE_LABELS,
    MILESTONE_TRIGGER_LABELS,
    NEXT_ACTION_LABELS,
    PAYMENT_METHOD_LABELS,
    PAYMENT_STATUS_LABELS,
    PAYMENT_TERMS_LABELS,
    SHIPMENT_MODE_LABELS,
    SHIPMENT_STATUS_LABELS,
    CancelForm,
    CartForm,
    CheckoutForm,
    ConfirmDeliveryForm,
    OrderFilterForm,
    status_choices,
)
from app.web.buyer.views import bp
from app.web.forms import as_choices, country_choices
from app.web.guards import acting, show_error_on_form, signed_in_user
from app.web.order_actions import submit_order_action

_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,20}")


def _viewer_company() -> int | None:
    return signed_in_user().company_id


def _viewer_role() -> CompanyRole | None:
    return signed_in_user().company_role


def order_template_helpers() -> dict[str, Any]:
    """What the shared order macros (templates/orders/_order.html) read, on both sides."""
    territories = Locale.parse(current_locale_code()).territories
    return {
        "country_name": lambda code: territories.get(code, code),
        "status_labels": STATUS_LABELS,
        "payment_status_labels": PAYMENT_STATUS_LABELS,
        "shipment_status_labels": SHIPMENT_STATUS_LABELS,
        "payment_terms_labels": PAYMENT_TERMS_LABELS,
        "shipment_mode_labels": SHIPMENT_MODE_LABELS,
        "document_kind_labels": DOCUMENT_KIND_LABELS,
        "milestone_labels": MILESTONE_LABELS,
        "milestone_trigger_labels": MILESTONE_TRIGGER_LABELS,
        "payment_method_labels": PAYMENT_METHOD_LABELS,
        "today": date.today(),
        "card_payments_on": configured_gateway() is not None,
        "viewer_is_buyer": lambda order: _viewer_company() == order.buyer_id,
        "may_upload_proof": lambda order: can(signed_in_user(), Action.PAY, order),
        "may_record_receipt": lambda order: can(signed_in_user(), Action.RECORD_RECEIPT, order),
        "next_action_labels": NEXT_ACTION_LABELS,
        "next_action": next_action,
        "Side": Side,
    }


bp.context_processor(order_template_helpers)


def form_errors(form: FlaskForm) -> str:
    """A form's errors as one sentence for a flash message (for forms posted from a list)."""
    parts = []
    for field in form:
        for error in field.errors:
            if isinstance(error, list | dict):  # a sub-form's errors; no flat form here has one
                continue
            parts.append(f"{field.label.text}: {error}" if field.label.text else str(error))
    return " ".join(parts) or gettext("Check the form and try again.")


def list_page_url(endpoint: str) -> Callable[[int], str]:
    """Links to other pages of a filtered list keep the filters."""

    def url(page: int) -> str:
        arguments: dict[str, Any] = request.args.to_dict()
        arguments["page"] = page
        return url_for(endpoint, **arguments)

    return url


def order_filter(form: OrderFilterForm, companies: list[Company]) -> OrderFilter:
    """The list filters the query string carries; a malformed one is ignored, not an error."""
    form.status.choices = as_choices(status_choices())
    form.counterparty.choices = as_choices(
        [("", gettext("Any")), *((c.public_id, c.legal_name) for c in companies)]
    )
    form.validate()

    def valid(field: Any) -> Any:
        return None if field.errors else (field.data or None)

    status = valid(form.status)
    return OrderFilter(
        status=OrderStatus(status) if status else None,
        counterparty=valid(form.counterparty),
        po_number=valid(form.po),
        placed_from=valid(form.placed_from),
        placed_to=valid(form.placed_to),
    )


# --- the cart -------------------------------------------------------------------------


@dataclass
class PricedLine:
    """A cart line with its tier price, or the reason it cannot be ordered as it stands."""

    line: WantedLine
    unit_price_minor: int | None
    problem: str | None

    @property
    def total_minor(self) -> int | None:
        if self.unit_price_minor is None:
            return None
        return self.unit_price_minor * self.line.quantity


@dataclass
class PricedGroup:
    group: CartGroup
    lines: list[PricedLine]

    @property
    def orderable(self) -> bool:
        return all(line.problem is None for line in self.lines)

    @property
    def goods_total_minor(self) -> int | None:
        return self.group.goods_total.to_minor() if self.orderable else None


def priced(group: CartGroup) -> PricedGroup:
    # A listing can change after it went into the cart (archived, MOQ raised): the cart
    # still shows the line, says why, and lets the buyer fix or remove it.
    lines = []
    for line in group.lines:
        if line.product.status is not ProductStatus.PUBLISHED:
            lines.append(PricedLine(line, None, gettext("No longer offered. Remove it.")))
            continue
        try:
            lines.append(PricedLine(line, unit_price_minor(line.product, line.quantity), None))
        except ValidationFailed as error:
            lines.append(PricedLine(line, None, str(error)))
    return PricedGroup(group, lines)


def _purchaser() -> User:
    try:
        return require_purchaser(acting())
    except NotAllowed:
        abort(403)


def _whole_number(raw: str | None) -> object:
    """An int when the text is one; otherwise the text, for the cart service to refuse."""
    text = (raw or "").strip()
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else text


@bp.get("/cart")
def cart() -> ResponseReturnValue:
    user = _purchaser()
    groups = [priced(group) for group in cart_groups(cart_lines(user))]
    return render_template("buyer/cart.html", groups=groups)


@bp.post("/cart")
def update_cart() -> ResponseReturnValue:
    user = _purchaser()
    form = CartForm()
    back = safe_next_path(form.next.data) or url_for("buyer.cart")
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
        return redirect(back)
    quantity = _whole_number(form.quantity.data)
    product = orderable_product(form.product.data or "")
    if product is None and quantity == 0:
        # Removing a line whose listing was since archived: it is still in the cart.
        product = next(
            (c.product for c in cart_lines(user) if c.product.public_id == form.product.data),
            None,
        )
    if product is None:
        abort(404)
    try:
        line = set_cart_quantity(acting(), product, quantity)
    except NotAllowed:
        rollback()
        abort(403)
    except DomainError as error:
        rollback()
        flash(str(error), "danger")
        return redirect(back)
    commit()
    if line is None:
        flash(gettext("Removed from the cart."), "success")
    else:
        flash(gettext("The cart is updated."), "success")
    return redirect(back)


# --- checkout -------------------------------------------------------------------------


def _checkout_form(group: CartGroup, buyer: Company) -> CheckoutForm:
    form = CheckoutForm()
    offers = common_incoterms(group)
    form.delivery.choices = as_choices(
        [
            ("", gettext("Choose…")),
            *((f"{rule.value}|{place}", f"{rule.value} {place}") for rule, place in offers),
        ]
    )
    form.destination_country.choices = as_choices([("", gettext("Choose…"))]) + country_choices()
    form.payment_terms.choices = as_choices(
        [
            (terms.value, str(PAYMENT_TERMS_LABELS[terms]))
            for terms in offered_payment_terms(group.seller.id, buyer.id)
        ]
    )
    if request.method == "GET":
        if len(offers) == 1:
            form.delivery.data = f"{offers[0][0].value}|{offers[0][1]}"
        form.destination_country.data = buyer.country
        form.consignee.data = "\n".join(
            part
            for part in (buyer.legal_name, buyer.legal_name_local, buyer.address, buyer.city)
            if part
        )
        form.payment_terms.data = form.payment_terms.choices[0].value
    return form


def _terms(form: CheckoutForm) -> OrderTerms:
    rule, _, place = (form.delivery.data or "").partition("|")
    return OrderTerms(
        incoterm=rule,
        incoterm_place=place,
        destination_country=form.destination_country.data or "",
        destination_port=form.destination_port.data or "",
        consignee=form.consignee.data or "",
        payment_terms=form.payment_terms.data or "",
        notify_party=form.notify_party.data,
        buyer_po_number=form.buyer_po_number.data,
        requested_delivery_date=form.requested_delivery_date.data,
        notes=form.notes.data,
        expected_total_minor=form.expected_total_minor.data,
    )


@bp.route("/checkout/<group_key>", methods=["GET", "POST"])
def checkout(group_key: str) -> ResponseReturnValue:
    user = _purchaser()
    group = find_group(acting(), group_key)
    if group is None:
        flash(gettext("This part of your cart is empty or changed. Review it again."), "warning")
        return redirect(url_for("buyer.cart"))
    assert user.company is not None
    form = _checkout_form(group, user.company)
    action = request.form.get("action", "review")
    shown = priced(group)
    if form.validate_on_submit() and shown.orderable:
        if action == "place" and form.expected_total_minor.data is not None:
            return _place(group, form)
        if action != "edit":
            form.expected_total_minor.data = shown.goods_total_minor
            delivery = form.delivery.data or ""
            return render_template(
                "buyer/review.html", form=form, group=shown, delivery=delivery.replace("|", " ")
            )
    return render_template("buyer/checkout.html", form=form, group=shown)


def _place(group: CartGroup, form: CheckoutForm) -> ResponseReturnValue:
    group_key = group.key
    try:
        order = place_order(acting(), group_key, _terms(form), group=group)
    except NotAllowed:
        rollback()
        abort(403)
    except DomainError as error:
        # Nothing of the order stays: no lines, no stock taken, the cart as it was.
        rollback()
        if not show_error_on_form(form, error):
            flash(str(error), "danger")
        current = find_group(acting(), group_key)
        if current is None:
            return redirect(url_for("buyer.cart"))
        return render_template("buyer/checkout.html", form=form, group=priced(current))
    # Read before the commit expires the order: no query just to build the redirect.
    reference, public_id = order.reference, order.public_id
    commit()
    flash(gettext("Order %(ref)s is placed. The seller has been told.", ref=reference), "success")
    return redirect(url_for("buyer.order", public_id=public_id))


# --- tracking and the buyer's moves ---------------------------------------------------


@bp.get("/orders")
def orders() -> ResponseReturnValue:
    company_id = signed_in_user().company_id or 0
    form = OrderFilterForm(formdata=request.args)
    criteria = order_filter(form, counterparties(company_id, Side.BUYER))
    rows, total, page = order_list(
        company_id, Side.BUYER, criteria, request.args.get("page", 1, type=int) or 1
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
    order = company_order(signed_in_user().company_id or 0, public_id, Side.BUYER)
    if order is None:
        abort(404)
    return order


def _render_order(public_id: str, **forms: FlaskForm) -> ResponseReturnValue:
    order = order_page(signed_in_user().company_id or 0, public_id, Side.BUYER)
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
    if not can_act(signed_in_user(), Side.BUYER):
        abort(403)
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
