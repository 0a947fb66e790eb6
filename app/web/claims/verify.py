"""The public verification page of a claim's record (the link and QR code printed on it):
which claim, issued when, and a byte-for-byte check of a copy."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.file import FileField, FileRequired

from app.extensions import limiter
from app.services.claims.record import record_by_token
from app.web.forms import CorridorForm

verify_bp = Blueprint("claim_verify", __name__, url_prefix="/claims/verify")


class RecordUploadForm(CorridorForm):
    pdf = FileField(validators=[FileRequired()])


@verify_bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def verify(token: str) -> ResponseReturnValue:
    record = record_by_token(token)
    if record is None:
        abort(404)
    form = RecordUploadForm()
    outcome: str | None = None
    if form.validate_on_submit() and record.pdf_sha256:
        digest = hashlib.sha256(request.files["pdf"].read()).hexdigest()
        outcome = "match" if digest == record.pdf_sha256 else "differs"
    return render_template("claims/verify.html", record=record, form=form, outcome=outcome)
