"""The seller's finance records what the bank received, and reverses a mistaken entry.

Both forms write money, so both carry a one-time submission key (``app.web.once``): the
same form sent twice records once. A receipt that repeats a live one (same amount, value
date and reference, another key) is shown back with a warning and recorded only when the
clerk ticks "record it anyway".
"""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app.models import ChargeBearer, PaymentMilestone, PaymentReceipt, PaymentReversal
from app.security import safe_next_path
from app.services.payments import milestones as payments
from app.services.payments import reversals
from app.services.payments.milestones import LooksDuplicate, ReceiptInput
from app.web.forms import CorridorForm, as_choices
from app.web.guards import acting, signed_in_user
from app.web.once import Once, SubmissionKeyField, attempt_once, flash_replay
from app.web.order_labels import CHARGE_BEARER_LABELS
from app.web.payments.blueprint import back_to, bp, milestone_or_404


class ReceiptForm(CorridorForm):
    amount = StringField(_l("Amount sent (gross)"), validators=[InputRequired(), Length(max=40)])
    charges = StringField(_l("Bank charges deducted"), validators=[Optional(), Length(max=40)])
    bearer = SelectField(_l("Charges borne by"), default=ChargeBearer.SHA.value)
    value_date = DateField(_l("Value date"), validators=[InputRequired()])
    bank_reference = StringField(
        _l("Bank reference"), validators=[InputRequired(), Length(max=100)]
    )
    confirm_duplicate = BooleanField(_l("Record it anyway: the bank credited it twice"))
    submission_key = SubmissionKeyField()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.bearer.choices = as_choices(
            [(bearer.value, str(label)) for bearer, label in CHARGE_BEARER_LABELS.items()]
        )


def _receipt_parts(milestone: PaymentMilestone, form: ReceiptForm) -> tuple[object, ...]:
    """What the request asks (the confirmation left out: it does not change the entry)."""
    return (
        milestone.public_id,
        form.amount.data,
        form.charges.data or "0",
        form.bearer.data,
        form.value_date.data,
        form.bank_reference.data,
    )


def _confirm_page(
    milestone: PaymentMilestone, form: ReceiptForm, refusal: LooksDuplicate
) -> ResponseReturnValue:
    """The receipt shown back with the entry it repeats, for the clerk to confirm (409).

    The form keeps its submission key: the refused sending wrote nothing, so the confirmed
    one (or a reload of this page) is still that one request."""
    return (
        render_template(
            "payments/confirm_receipt.html",
            milestone=milestone,
            order=milestone.order,
            form=form,
            warning=str(refusal),
            twin=refusal.twin,
            back=safe_next_path(request.form.get("next")) or "",
        ),
        409,
    )


@bp.post("/milestones/<public_id>/receipts")
def record_receipt(public_id: str) -> ResponseReturnValue:
    milestone = milestone_or_404(public_id)
    form = ReceiptForm()
    if not form.validate_on_submit():
        if form.submission_key.errors:
            flash(form.submission_key.errors[0], "danger")
        else:
            flash(gettext("Give the amount, the value date and the bank's reference."), "danger")
        return back_to(milestone)
    data = ReceiptInput(
        form.amount.data,
        form.value_date.data,
        form.bank_reference.data,
        charges=form.charges.data,
        bearer=form.bearer.data,
        confirm_duplicate=bool(form.confirm_duplicate.data),
    )
    done: Once[PaymentReceipt] = attempt_once(
        form.submission_key.data,
        "receipt",
        _receipt_parts(milestone, form),
        lambda: payments.record_receipt(acting(), milestone, data),
        lambda receipt: receipt.public_id,
        quiet=(LooksDuplicate,),
    )
    if done.replayed is not None:
        flash_replay(done, gettext("This receipt was already recorded; nothing was added."))
    elif isinstance(done.error, LooksDuplicate):
        return _confirm_page(milestone, form, done.error)
    elif done.ok:
        flash(gettext("The receipt is recorded."), "success")
    return back_to(milestone)


class ReversalForm(CorridorForm):
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=500)])
    submission_key = SubmissionKeyField()


@bp.post("/receipts/<public_id>/reversal")
def reverse_receipt(public_id: str) -> ResponseReturnValue:
    receipt = payments.visible_receipt(signed_in_user().company_id or 0, public_id)
    if receipt is None:
        abort(404)
    form = ReversalForm()
    if not form.validate_on_submit():
        flash(gettext("Give the reason for the reversal."), "danger")
        return back_to(receipt.milestone)
    reason = form.reason.data or ""
    done: Once[PaymentReversal] = attempt_once(
        form.submission_key.data,
        "reversal",
        (receipt.public_id, reason),
        lambda: reversals.reverse_receipt(acting(), receipt, reason),
        lambda reversal: reversal.public_id,
    )
    if done.replayed is not None:
        flash_replay(done, gettext("This reversal was already recorded; nothing more changed."))
    elif done.ok:
        flash(gettext("The receipt is reversed; the order's payments are recomputed."), "success")
    return back_to(receipt.milestone)
