"""Change proposals on an order page, for buyer and seller alike.

``register(bp, side)`` adds the routes to a party's blueprint: answering (accept,
decline) or withdrawing a proposal, and for the seller proposing a change and cancelling
after the buyer declined one. Orders are looked up through the signed-in user's company
(another company's order answers 404); who may do what is the services' question.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.extensions import db
from app.models import Order, OrderChangeProposal, ProposalState
from app.money import MAX_CURRENCY_EXPONENT, currency_exponent
from app.services.accounts.capabilities import Side
from app.services.fulfilment import proposals
from app.services.fulfilment.charges import MAX_CHARGE, charge_minor
from app.services.orders.queries import company_order
from app.web.boundary import attempt
from app.web.forms import CorridorForm, ExactDecimalField
from app.web.guards import acting, signed_in_user


class AnswerForm(CorridorForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=2000)])


class ProposeChangeForm(CorridorForm):
    freight = ExactDecimalField(
        _l("Freight"), [Optional()], places=MAX_CURRENCY_EXPONENT, maximum=MAX_CHARGE
    )
    insurance = ExactDecimalField(
        _l("Insurance"), [Optional()], places=MAX_CURRENCY_EXPONENT, maximum=MAX_CHARGE
    )
    confirmed_ship_date = DateField(_l("Confirmed ship date"), validators=[Optional()])
    reason = TextAreaField(
        _l("Why the change"),
        validators=[DataRequired(message=_l("Tell the buyer why.")), Length(max=2000)],
    )


class SellerCancelForm(CorridorForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Tell the buyer why.")), Length(max=2000)],
    )


_ANSWERS = {
    "accept": (ProposalState.ACCEPTED, _l("You accepted the change. The order is updated.")),
    "decline": (ProposalState.DECLINED, _l("You declined the change. The order stays as it was.")),
    "withdraw": (ProposalState.WITHDRAWN, _l("You withdrew the proposed change.")),
}


def _flash_errors(form: CorridorForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")


def _minor(amount: Decimal | None, order: Order, name: str) -> int | None:
    return None if amount is None else charge_minor(amount, order.currency, name)


def register(bp: Blueprint, side: Side) -> None:
    """Add the proposal routes to ``bp``, the blueprint of ``side``."""
    order_endpoint = f"{bp.name}.order"

    def own_order(public_id: str) -> Order:
        order = company_order(signed_in_user().company_id or 0, public_id, side)
        if order is None:
            abort(404)
        return order

    def back(order: Order) -> ResponseReturnValue:
        return redirect(url_for(order_endpoint, public_id=order.public_id) + "#proposals")

    def answer_proposal(public_id: str, proposal_id: str, answer: str) -> ResponseReturnValue:
        order = own_order(public_id)
        proposal = db.session.scalar(
            select(OrderChangeProposal).where(
                OrderChangeProposal.order_id == order.id,
                OrderChangeProposal.public_id == proposal_id,
            )
        )
        if proposal is None or answer not in _ANSWERS:
            abort(404)
        to, done = _ANSWERS[answer]
        form = AnswerForm()
        if not form.validate_on_submit():
            _flash_errors(form)
        elif attempt(
            lambda: proposals.move_proposal(acting(), proposal, to, form.note.data), form
        ).ok:
            flash(str(done), "success")
        else:
            _flash_errors(form)
        return back(order)

    bp.add_url_rule(
        "/orders/<public_id>/proposals/<proposal_id>/<answer>",
        endpoint="answer_proposal",
        view_func=answer_proposal,
        methods=["POST"],
    )
    if side is not Side.SELLER:
        return

    def propose_change(public_id: str) -> ResponseReturnValue:
        order = own_order(public_id)
        form = ProposeChangeForm()
        for charge in (form.freight, form.insurance):
            charge.limit(places=currency_exponent(order.currency))
        if not form.validate_on_submit():
            _flash_errors(form)
            return back(order)

        def act() -> None:
            change = proposals.ProposedChange(
                freight_minor=_minor(form.freight.data, order, "freight"),
                insurance_minor=_minor(form.insurance.data, order, "insurance"),
                confirmed_ship_date=form.confirmed_ship_date.data,
            )
            proposals.propose_change(acting(), order, change, form.reason.data)

        if attempt(act, form).ok:
            flash(gettext("The change is proposed. The buyer has been asked."), "success")
        else:
            _flash_errors(form)
        return back(order)

    def cancel_after_decline(public_id: str) -> ResponseReturnValue:
        order = own_order(public_id)
        form = SellerCancelForm()
        if not form.validate_on_submit():
            _flash_errors(form)
        elif attempt(
            lambda: proposals.cancel_after_decline(acting(), order, form.reason.data), form
        ).ok:
            flash(gettext("The order is cancelled. The buyer has been told."), "success")
        else:
            _flash_errors(form)
        return back(order)

    bp.add_url_rule(
        "/orders/<public_id>/propose-change",
        endpoint="propose_change",
        view_func=propose_change,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/orders/<public_id>/cancel-after-decline",
        endpoint="cancel_after_decline",
        view_func=cancel_after_decline,
        methods=["POST"],
    )
