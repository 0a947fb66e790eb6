"""Releasing goods before the payment: the seller's owner or finance lets production or the
shipment go ahead while the deposit (or advance) is still missing, with a reason.

Posted from the seller's order page (owners) and from finance's order page; the route lives
here because ``/finance`` admits exactly the owners and finance staff. The service asks the
capability table again (``RELEASE_BEFORE_PAYMENT``); another company's order is 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.models import Order
from app.security import safe_next_path
from app.services.accounts.capabilities import Side
from app.services.orders.lifecycle import expect_status
from app.services.orders.queries import company_order
from app.services.payments import controls
from app.web.boundary import attempt
from app.web.finance.blueprint import bp, own_company
from app.web.forms import CorridorForm
from app.web.guards import acting


class ReleaseForm(CorridorForm):
    reason = TextAreaField(
        _l("Why the goods go ahead before the payment"),
        validators=[
            InputRequired(),
            Length(min=controls.MIN_REASON, max=controls.MAX_REASON),
        ],
    )
    seen_status = HiddenField()


def _release(order: Order, form: ReleaseForm) -> None:
    expect_status(order, form.seen_status.data)
    controls.release(acting(), order, form.reason.data)


@bp.post("/orders/<public_id>/release")
def release_before_payment(public_id: str) -> ResponseReturnValue:
    order = company_order(own_company().id, public_id, Side.SELLER)
    if order is None:
        abort(404)
    back = safe_next_path(request.form.get("next")) or url_for(
        "finance.order", public_id=order.public_id
    )
    form = ReleaseForm()
    if not form.validate_on_submit():
        flash(gettext("Say why the goods go ahead before the payment."), "danger")
        return redirect(back)
    if attempt(lambda: _release(order, form), form, flash_refusal=True).ok:
        flash(
            gettext("Released: the seller's next move no longer waits for the payment."), "success"
        )
    else:
        for message in form.reason.errors:
            flash(message, "danger")
    return redirect(back)
