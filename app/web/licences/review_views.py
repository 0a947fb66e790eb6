"""Licence pages of the operator: the review queue, authorities, company evidence."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Company
from app.models.licence import Authority, Licence, ReviewStatus
from app.services.audit.recording import record_audit
from app.services.errors import NotFound
from app.services.licences import authority as authority_service
from app.services.licences import vault, verification
from app.web.boundary import attempt
from app.web.files import send_stored
from app.web.forms import as_choices
from app.web.guards import acting
from app.web.licences.blueprint import review_bp
from app.web.licences.forms import (
    AuthorityForm,
    AuthorityUserForm,
    ReviewForm,
)


@review_bp.get("/")
def queue() -> ResponseReturnValue:
    wanted = request.args.get("status", "pending")
    status = ReviewStatus(wanted) if wanted in {s.value for s in ReviewStatus} else None
    return render_template(
        "licences/review_queue.html",
        licences=vault.licences_for_review(db.session, status),
        status=status,
    )


def _any(public_id: str) -> Licence:
    licence = db.session.scalar(select(Licence).where(Licence.public_id == public_id))
    if licence is None:
        abort(404)
    return licence


@review_bp.route("/<public_id>", methods=["GET", "POST"])
def review(public_id: str) -> ResponseReturnValue:
    licence = _any(public_id)
    form = ReviewForm()
    if form.validate_on_submit():
        outcome = attempt(
            lambda: vault.review_licence(
                db.session,
                acting(),
                licence,
                accept=form.decision.data == "accept",
                reason=form.reason.data,
            ),
            form,
        )
        if outcome.ok:
            flash(gettext("The review is recorded and the holder told."), "success")
            return redirect(url_for("licence_review.queue"))
    return render_template("licences/review.html", licence=licence, form=form)


@review_bp.get("/<public_id>/scan")
def review_scan(public_id: str) -> ResponseReturnValue:
    licence = _any(public_id)
    record_audit(
        acting(),
        "licence.scan_viewed",
        company_id=licence.holder_id,
        object_type="licence",
        object_id=licence.public_id,
    )
    return send_stored(licence.scan)


@review_bp.route("/authorities", methods=["GET", "POST"])
def authorities() -> ResponseReturnValue:
    form = AuthorityForm(prefix="authority")
    user_form = AuthorityUserForm(prefix="account")
    user_form.authority.choices = as_choices(
        [(a.public_id, a.name) for a in vault.authorities(db.session)]
    )
    if "authority-name" in request.form and form.validate_on_submit():
        outcome = attempt(
            lambda: vault.create_authority(
                db.session,
                acting(),
                name=form.name.data or "",
                country=form.country.data or "",
                name_local=form.name_local.data,
            ),
            form,
        )
        if outcome.ok:
            flash(gettext("The authority is recorded."), "success")
            return redirect(url_for("licence_review.authorities"))
    if "account-email" in request.form and user_form.validate_on_submit():
        authority = db.session.scalar(
            select(Authority).where(Authority.public_id == user_form.authority.data)
        )
        if authority is None:
            abort(404)
        opened = attempt(
            lambda: authority_service.create_authority_user(
                db.session,
                acting(),
                authority,
                email=user_form.email.data or "",
                full_name=user_form.full_name.data or "",
                password=user_form.password.data or "",
            ),
            user_form,
        )
        if opened.ok:
            flash(gettext("The authority's account is open."), "success")
            return redirect(url_for("licence_review.authorities"))
    return render_template(
        "licences/authorities.html",
        authorities=vault.authorities(db.session),
        form=form,
        user_form=user_form,
    )


def _company(public_id: str) -> Company:
    company = db.session.scalar(select(Company).where(Company.public_id == public_id))
    if company is None:
        abort(404)
    return company


@review_bp.get("/companies/<public_id>")
def company_verification(public_id: str) -> ResponseReturnValue:
    """Moved: verification is decided on the operator's company page, the one path."""
    return redirect(url_for("operator.company", public_id=_company(public_id).public_id), 301)


@review_bp.get("/evidence/<public_id>")
def operator_evidence_file(public_id: str) -> ResponseReturnValue:
    try:
        document = verification.evidence_for(db.session, None, public_id)
    except NotFound:
        abort(404)
    record_audit(
        acting(),
        "company.evidence_viewed",
        company_id=document.company_id,
        object_type="company_evidence",
        object_id=document.public_id,
    )
    return send_stored(document.file)
