"""The one way an order page's action form is handled, for buyer and seller alike."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from app.database import commit, rollback
from app.models import Order
from app.services.errors import DomainError, NotAllowed
from app.services.orders.lifecycle import expect_status
from app.web.guards import show_error_on_form


def submit_order_action(
    order: Order,
    form: FlaskForm,
    act: Callable[[], None],
    done: str,
    *,
    order_endpoint: str,
    rerender: Callable[[FlaskForm], ResponseReturnValue],
) -> ResponseReturnValue:
    """Validate ``form``, run ``act`` on the order as its page showed it, commit or explain.

    The form carries the status the page showed (``seen_status``): if the other party moved
    the order since, the action is refused rather than applied to a different state.
    """
    if form.validate_on_submit():
        try:
            expect_status(order, request.form.get("seen_status"))
            act()
        except NotAllowed:
            rollback()
            abort(403)
        except DomainError as error:
            rollback()
            if not show_error_on_form(form, error):
                flash(str(error), "danger")
        else:
            commit()
            flash(done, "success")
            return redirect(url_for(order_endpoint, public_id=order.public_id))
    return rerender(form)
