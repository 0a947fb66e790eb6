"""Payment actions posted from the order pages of either side, and transfer proofs.

The services decide who may act (the seller's finance records receipts; the buyer's
people upload proofs); here a milestone is found only through an order the signed-in
person's company is party to, so another company's payment answers 404. Receipts and
their reversals are in ``receipts``; the card's start and refunds carry a one-time
submission key (``app.web.once``), as every form that writes money does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length

from app.models import PaymentMilestone, PaymentRefund
from app.payments.gateway import GatewayError, Intent, PaymentGateway, configured_gateway
from app.security import content_security_policy, safe_next_path
from app.services.errors import DomainError
from app.services.files import stream_stored
from app.services.payments import cards as card_payments
from app.services.payments import letters_of_credit
from app.services.payments import milestones as payments
from app.web.boundary import attempt
from app.web.files import download_headers
from app.web.forms import CorridorForm
from app.web.guards import acting, signed_in_user
from app.web.once import Once, SubmissionKeyField, attempt_once, flash_replay
from app.web.payments.blueprint import back_to, bp, milestone_or_404

T = TypeVar("T")


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


class ProofForm(CorridorForm):
    proof = FileField(validators=[FileRequired()])


def _run(
    milestone: PaymentMilestone, action: Callable[[], object], done: str
) -> ResponseReturnValue:
    """Run a payment action and go back; a refusal is flashed (403s reach the boundary)."""
    if attempt(action).ok:
        flash(done, "success")
    return back_to(milestone)


class LetterOfCreditForm(CorridorForm):
    lc_number = StringField(validators=[InputRequired(), Length(max=40)])
    lc_issuing_bank = StringField(validators=[InputRequired(), Length(max=200)])
    amount = StringField(validators=[InputRequired(), Length(max=30)])
    lc_expiry = DateField(validators=[InputRequired()])


@bp.post("/milestones/<public_id>/letter-of-credit")
def letter_of_credit(public_id: str) -> ResponseReturnValue:
    milestone = milestone_or_404(public_id)
    form = LetterOfCreditForm()
    if not form.validate_on_submit():
        flash(gettext("Give the L/C number, issuing bank, amount and expiry."), "danger")
        return back_to(milestone)
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
    milestone = milestone_or_404(public_id)
    form = ProofForm()
    if not form.validate_on_submit():
        flash(gettext("Choose the bank's PDF or a photo of the transfer slip."), "danger")
        return back_to(milestone)
    upload = request.files["proof"].stream
    return _run(
        milestone,
        lambda: payments.upload_proof(acting(), milestone, upload),
        gettext("The proof of transfer is uploaded; the seller has it now."),
    )


class RefundForm(CorridorForm):
    amount = StringField(validators=[InputRequired(), Length(max=40)])
    reason = StringField(validators=[InputRequired(), Length(max=500)])
    submission_key = SubmissionKeyField()


@bp.post("/receipts/<public_id>/refunds")
def refund(public_id: str) -> ResponseReturnValue:
    receipt = payments.visible_receipt(signed_in_user().company_id or 0, public_id)
    if receipt is None:
        abort(404)
    gateway = configured_gateway()
    if gateway is None:
        abort(404)
    form = RefundForm()
    if not form.validate_on_submit():
        flash(gettext("Give the amount and the reason for the refund."), "danger")
        return back_to(receipt.milestone)
    amount, reason = form.amount.data or "", form.reason.data or ""
    done: Once[PaymentRefund] = attempt_once(
        form.submission_key.data,
        "refund",
        (receipt.public_id, amount, reason),
        _through_card_service(
            lambda: card_payments.refund_card_payment(acting(), receipt, amount, reason, gateway),
            gettext("The card service did not answer. Nothing was refunded; try again."),
        ),
        lambda made: made.public_id,
    )
    if done.replayed is not None:
        flash_replay(done, gettext("This refund was already sent; nothing more was refunded."))
    elif done.ok:
        flash(gettext("The refund is on its way to the card."), "success")
    return back_to(receipt.milestone)


class CardForm(CorridorForm):
    submission_key = SubmissionKeyField()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _card_intent(milestone: PaymentMilestone, gateway: PaymentGateway) -> Intent | None:
    """The intent this press of the card button made or, for the same form sent again, the
    one its first sending made (None: refused, and the reason flashed)."""
    form = CardForm()
    if not form.validate_on_submit():
        flash(gettext("This form is out of date: reload the page and enter it again."), "danger")
        return None
    unavailable = gettext(
        "The card service did not answer. Try again in a minute, or pay by bank transfer."
    )
    done: Once[Intent] = attempt_once(
        form.submission_key.data,
        "card",
        (milestone.public_id,),
        _through_card_service(
            lambda: card_payments.start_card_payment(acting(), milestone, gateway), unavailable
        ),
        lambda intent: intent.id,
    )
    if done.replayed is None:
        return done.value
    intent_id = done.replayed.result_id
    if not done.same_request or not intent_id:
        flash_replay(done, gettext("This card page is out of date: press the card button again."))
        return None
    return attempt(
        _through_card_service(
            lambda: card_payments.resume_card_payment(acting(), milestone, gateway, intent_id),
            unavailable,
        )
    ).value


@bp.post("/milestones/<public_id>/card")
def pay_by_card(public_id: str) -> ResponseReturnValue:
    """The card form for one milestone; the card goes from the browser to Stripe only."""
    milestone = milestone_or_404(public_id)
    gateway = configured_gateway()
    if gateway is None:
        abort(404)
    intent = _card_intent(milestone, gateway)
    if intent is None:
        return back_to(milestone)
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
    # Proofs uploaded before 0019 still carry their bytes; newer ones stream from storage.
    body = found.content if found.stored_file is None else stream_stored(found.stored_file)
    response = current_app.response_class(
        body, mimetype=found.content_type, direct_passthrough=found.stored_file is not None
    )
    response.content_length = found.byte_size
    return download_headers(response, found.filename)
