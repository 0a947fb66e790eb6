"""The buyer's cart and checkout, with a review of every figure before the order is placed.

Routes on the ``buyer`` blueprint. Prices, sellers and statuses never come from the
request: the services take them from the cart, the listings and the lifecycle, and they
decide who may order (``require_purchaser``): a refusal reaches the boundary as a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf import FlaskForm

from app.models import Company, ProductStatus, User
from app.money import line_amount_minor
from app.security import safe_next_path
from app.services.errors import ValidationFailed
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
from app.services.orders.consignee import consignee_address
from app.services.orders.placing import (
    OrderTerms,
    common_incoterms,
    find_group,
    offered_payment_terms,
    place_order,
)
from app.services.orders.tolerance import parse_tolerance
from app.web.boundary import attempt
from app.web.buyer.blueprint import bp
from app.web.buyer.order_forms import CartForm, CheckoutForm
from app.web.forms import as_choices, country_choices
from app.web.guards import acting
from app.web.order_labels import PAYMENT_TERMS_LABELS


def form_errors(form: FlaskForm) -> str:
    """A form's errors as one sentence for a flash message (for forms posted from a list)."""
    parts = []
    for field in form:
        for error in field.errors:
            if isinstance(error, list | dict):  # a sub-form's errors; no flat form here has one
                continue
            parts.append(f"{field.label.text}: {error}" if field.label.text else str(error))
    return " ".join(parts) or gettext("Check the form and try again.")


@dataclass
class PricedLine:
    """A cart line with its tier price, or the reason it cannot be ordered as it stands."""

    line: WantedLine
    unit_price_minor: Decimal | None
    problem: str | None

    @property
    def total_minor(self) -> int | None:
        if self.unit_price_minor is None:
            return None
        return line_amount_minor(self.line.quantity, self.unit_price_minor)


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
            # Only the price of this line is in question: nothing was written to undo.
            lines.append(PricedLine(line, None, str(error)))
    return PricedGroup(group, lines)


def _purchaser() -> User:
    """The signed-in purchaser; the service's refusal (a viewer, say) answers 403."""
    return require_purchaser(acting())


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
    quantity = form.quantity.data
    product = orderable_product(form.product.data or "")
    if product is None and quantity == 0:
        # Removing a line whose listing was since archived: it is still in the cart.
        product = next(
            (c.product for c in cart_lines(user) if c.product.public_id == form.product.data),
            None,
        )
    if product is None:
        abort(404)
    updated = attempt(lambda: set_cart_quantity(acting(), product, quantity))
    if not updated.ok:
        return redirect(back)
    if updated.value is None:
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
        form.consignee.data = consignee_address(buyer)
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
        tolerance_percent=form.tolerance_percent.data,
        tolerance_option=form.tolerance_option.data,
        partial_shipments=bool(form.partial_shipments.data),
        provisional_percent=form.provisional_percent.data,
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
                "buyer/review.html",
                form=form,
                group=shown,
                delivery=delivery.replace("|", " "),
                # The form checked the percent by the same rule: it reads here.
                tolerance_clause=parse_tolerance(
                    form.tolerance_percent.data, form.tolerance_option.data
                ).clause(),
            )
    return render_template("buyer/checkout.html", form=form, group=shown)


def _place(group: CartGroup, form: CheckoutForm) -> ResponseReturnValue:
    group_key = group.key
    placed = attempt(lambda: place_order(acting(), group_key, _terms(form), group=group), form)
    order = placed.value
    if order is None:
        # Refused and rolled back: no lines, no stock taken, the cart as it was. The cart
        # is read again, as the refusal may be that it changed.
        current = find_group(acting(), group_key)
        if current is None:
            return redirect(url_for("buyer.cart"))
        return render_template("buyer/checkout.html", form=form, group=priced(current))
    flash(
        gettext("Order %(ref)s is placed. The seller has been told.", ref=order.reference),
        "success",
    )
    return redirect(url_for("buyer.order", public_id=order.public_id))
