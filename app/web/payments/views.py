"""Payment actions posted from the order pages of either side, and transfer proofs.

The services decide who may act (the seller's finance records receipts; the buyer's
people upload proofs); here a milestone is found only through an order the signed-in
person's company is party to, so another company's payment answers 404.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length

from app.database import commit, rollback
from app.models import PaymentMilestone
from app.security import safe_next_path
from app.services import payments
from app.services.errors import DomainError, NotAllowed
from app.services.payments import ReceiptInput
from app.web.forms import CorridorForm
from app.web.guards import acting, guard_signed_in, signed_in_user

bp = Blueprint("payments", __name__, url_prefix="/payments")
guard_signed_in(bp)


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
    try:
        action()
    except NotAllowed:
        rollback()
        abort(403)
    except DomainError as error:
        rollback()
        flash(str(error), "danger")
        return _back(milestone)
    commit()
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
