"""Payment actions posted from the order pages of either side, and transfer proofs.

The services decide who may act (the seller's finance records receipts; the buyer's
people upload proofs); here a milestone is found only through an order the signed-in
person's company is party to, so another company's payment answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length

from app.models import PaymentMilestone
from app.payments.gateway import GatewayError, configured_gateway
from app.security import content_security_policy, safe_next_path
from app.services.errors import DomainError
from app.services.payments import cards as card_payments
from app.services.payments import letters_of_credit
from app.services.payments import milestones as payments
from app.services.payments.milestones import ReceiptInput
from app.web.boundary import attempt
from app.web.forms import CorridorForm
from app.web.guards import acting, guard_blueprint, signed_in_user
from app.web.order_pages import order_template_helpers

T = TypeVar("T")

bp = Blueprint("payments", __name__, url_prefix="/payments")
guard_blueprint(bp, None)
bp.context_processor(order_template_helpers)


class CardServiceDown(DomainError):
    """The card service did not answer: told like a refusal, and the request rolled back."""


def _through_card_service(action: Callable[[], T], unavailable: str) -> Callable[[], T]:
    """``action``, with the gateway's failure as a refusal that ``attempt`` flashes.

    Whatever the service wrote before the gateway failed (an intent row, a refund being
    recorded) is rolled back with it, as any refusal's work is.
    """

    def run() -> T:
        try:
            return action()
        except GatewayError as error:
            raise CardServiceDown(unavailable) from error

    return run


class ReceiptForm(CorridorForm):
    amount = StringField(validators=[InputRequired(), Length(max=30)])
    value_date = DateField(validators=[InputRequired()])
    bank_reference = StringField(validators=[InputRequired(), Length(max=100)])


class ProofForm(CorridorForm):
    proof = FileField(validators=[FileRequired()])


def _milestone(public_id: str) -> PaymentMilestone:
    milestone = payments.visible_milestone(signed_in_user().company_id or 0, public_id)
    if milestone is None:
        abort(404)
    return milestone


def _back(milestone: PaymentMilestone) -> ResponseReturnValue:
    target = safe_next_path(request.form.get("next"))
    return redirect(target or url_for("finance.order", public_id=milestone.order.public_id))


def _run(
    milestone: PaymentMilestone, action: Callable[[], object], done: str
) -> ResponseReturnValue:
    """Run a payment action and go back; a refusal is flashed (403s reach the boundary)."""
    if attempt(action).ok:
        flash(done, "success")
    return _back(milestone)


@bp.post("/milestones/<public_id>/receipts")
def record_receipt(public_id: str) -> ResponseReturnValue:
    milestone = _milestone(public_id)
    form = ReceiptForm()
    if not form.validate_on_submit():
        flash(gettext("Give the amount, the value date and the bank's reference."), "danger")
        return _back(milestone)
    data = ReceiptInput(form.amount.data, form.value_date.data, form.bank_reference.data)
    return _run(
        milestone,
        lambda: payments.record_receipt(acting(), milestone, data),
        gettext("The receipt is recorded."),
    )


class LetterOfCreditForm(CorridorForm):
    lc_number = StringField(validators=[InputRequired(), Length(max=40)])
    lc_issuing_bank = StringField(validators=[InputRequired(), Length(max=200)])
    amount = StringField(validators=[InputRequired(), Length(max=30)])
    lc_expiry = DateField(validators=[InputRequired()])


@bp.post("/milestones/<public_id>/letter-of-credit")
def letter_of_credit(public_id: str) -> ResponseReturnValue:
    milestone = _milestone(public_id)
    form = LetterOfCreditForm()
    if not form.validate_on_submit():
        flash(gettext("Give the L/C number, issuing bank, amount and expiry."), "danger")
        return _back(milestone)
    data = letters_of_credit.LetterOfCreditInput(
        form.lc_number.data, form.lc_issuing_bank.data, form.amount.data, form.lc_expiry.data
    )
    return _run(
        milestone,
        lambda: letters_of_credit.record_letter_of_credit(acting(), milestone, data),
        gettext("The letter of credit is recorded; the seller sees it now."),
    )


@bp.post("/milestones/<public_id>/proofs")
def upload_proof(public_id: str) -> ResponseReturnValue:
    milestone = _milestone(public_id)
    form = ProofForm()
    if not form.validate_on_submit():
        flash(gettext("Choose the bank's PDF or a photo of the transfer slip."), "danger")
        return _back(milestone)
    upload = request.files["proof"].stream
    return _run(
        milestone,
        lambda: payments.upload_proof(acting(), milestone, upload),
        gettext("The proof of transfer is uploaded; the seller has it now."),
    )


@bp.post("/receipts/<public_id>/refunds")
def refund(public_id: str) -> ResponseReturnValue:
    receipt = payments.visible_receipt(signed_in_user().company_id or 0, public_id)
    if receipt is None:
        abort(404)
    gateway = configured_gateway()
    if gateway is None:
        abort(404)
    amount, reason = request.form.get("amount", ""), request.form.get("reason", "")
    return _run(
        receipt.milestone,
        _through_card_service(
            lambda: card_payments.refund_card_payment(acting(), receipt, amount, reason, gateway),
            gettext("The card service did not answer. Nothing was refunded; try again."),
        ),
        gettext("The refund is on its way to the card."),
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@bp.post("/milestones/<public_id>/card")
def pay_by_card(public_id: str) -> ResponseReturnValue:
    """The card form for one milestone; the card goes from the browser to Stripe only."""
    milestone = _milestone(public_id)
    gateway = configured_gateway()
    if gateway is None:
        abort(404)
    intent = attempt(
        _through_card_service(
            lambda: card_payments.start_card_payment(acting(), milestone, gateway),
            gettext(
                "The card service did not answer. Try again in a minute, or pay by bank transfer."
            ),
        )
    ).value
    if intent is None:
        return _back(milestone)
    config = current_app.config
    response = make_response(
        render_template(
            "payments/card.html",
            milestone=milestone,
            order=milestone.order,
            client_secret=intent.client_secret,
            publishable_key=config["STRIPE_PUBLISHABLE_KEY"],
            stripe_js_url=config["STRIPE_JS_URL"],
            back=safe_next_path(request.form.get("next")) or url_for("buyer.orders"),
        )
    )
    stripe_origin = _origin(config["STRIPE_JS_URL"])
    api_origin = _origin(config.get("STRIPE_API_BASE") or "https://api.stripe.com")
    response.headers["Content-Security-Policy"] = content_security_policy(
        script_src=(stripe_origin,),
        frame_src=(stripe_origin,),
        connect_src=(stripe_origin, api_origin),
    )
    # The page holds the intent's client secret: never cached.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/proofs/<public_id>")
def proof(public_id: str) -> ResponseReturnValue:
    found = payments.visible_proof(signed_in_user().company_id or 0, public_id)
    if found is None:
        abort(404)
    response = current_app.response_class(found.content, mimetype=found.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
