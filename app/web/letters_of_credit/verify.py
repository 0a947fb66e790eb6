"""The public verification page of an examination report (the link and QR code printed on
it): who issued it, for which credit, its result, and a byte-for-byte check of a copy."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.file import FileField, FileRequired

from app.extensions import limiter
from app.services.letters_of_credit.examination import examination_by_token
from app.web.forms import CorridorForm

verify_bp = Blueprint("credit_verify", __name__, url_prefix="/credits/verify")


class ReportUploadForm(CorridorForm):
    pdf = FileField(validators=[FileRequired()])


@verify_bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def verify(token: str) -> ResponseReturnValue:
    report = examination_by_token(token)
    if report is None:
        abort(404)
    form = ReportUploadForm()
    outcome: str | None = None
    if form.validate_on_submit() and report.pdf_sha256:
        digest = hashlib.sha256(request.files["pdf"].read()).hexdigest()
        outcome = "match" if digest == report.pdf_sha256 else "differs"
    return render_template(
        "letters_of_credit/verify.html", report=report, form=form, outcome=outcome
    )
