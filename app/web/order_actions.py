"""The one way an order page's action form is handled, for buyer and seller alike."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from app.models import Order
from app.services.orders.lifecycle import expect_status
from app.web.boundary import attempt


def submit_order_action(
    order: Order,
    form: FlaskForm,
    act: Callable[[], None],
    done: str,
    *,
    order_endpoint: str,
    rerender: Callable[[FlaskForm], ResponseReturnValue],
) -> ResponseReturnValue:
    """Validate ``form``, run ``act`` on the order as its page showed it, or explain.

    The form carries the status the page showed (``seen_status``): if the other party moved
    the order since, the action is refused rather than applied to a different state.
    """
    if form.validate_on_submit():

        def act_on_seen_order() -> None:
            expect_status(order, request.form.get("seen_status"))
            act()

        if attempt(act_on_seen_order, form).ok:
            flash(done, "success")
            return redirect(url_for(order_endpoint, public_id=order.public_id))
    return rerender(form)
