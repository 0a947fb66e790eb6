"""Licence pages: the company's vault, the operator's review and the authority's view."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.i18n import current_locale_code
from app.models import Company, Order, OrderStatus
from app.models.licence import Authority, Licence, LicenceAttachment, ReviewStatus
from app.reference.reader_text import local_name
from app.services.accounts.capabilities import Action, can, require
from app.services.accounts.clock import company_today
from app.services.audit.recording import record_audit
from app.services.errors import NotFound
from app.services.licences import authority as authority_service
from app.services.licences import gate, vault, verification
from app.services.licences.gate import KIND_LABELS, limit_text
from app.services.licences.rules import amendment_hint
from app.web.boundary import attempt
from app.web.files import send_stored
from app.web.forms import as_choices
from app.web.guards import acting, guard_blueprint, signed_in_user
from app.web.licences.forms import (
    AmendmentForm,
    AuthorityForm,
    AuthorityUserForm,
    EvidenceForm,
    LicenceForm,
    ReviewForm,
    RevokeForm,
)

bp = Blueprint("licences", __name__, url_prefix="/licences")
guard_blueprint(bp, Action.VIEW_LICENCES)

review_bp = Blueprint("licence_review", __name__, url_prefix="/operator/licences")
guard_blueprint(review_bp, Action.OPERATE)

authority_bp = Blueprint("authority", __name__, url_prefix="/authority")
guard_blueprint(authority_bp, Action.AUTHORITY_AREA)


@authority_bp.before_request
def _first_password_changed() -> ResponseReturnValue | None:
    """An authority account opened with a password the operator chose works only for
    changing it: the operator must not know a password that reads licences."""
    user = signed_in_user()
    if authority_service.first_password_pending(db.session, user):
        flash(
            gettext(
                "Your account was opened with a password set by the operator."
                " Choose your own password to go on."
            ),
            "warning",
        )
        return redirect(url_for("account.change_password"))
    return None


def _helpers() -> dict[str, object]:
    return {"kind_labels": KIND_LABELS, "limit_text": limit_text}


for _blueprint in (bp, review_bp, authority_bp):
    _blueprint.context_processor(_helpers)


# --- the company's vault ----------------------------------------------------------------


_OPEN = (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.IN_PRODUCTION)


def _form() -> LicenceForm:
    form = LicenceForm()
    form.authority.choices = as_choices(
        [
            (
                a.public_id,
                f"{local_name(a.name, a.name_local, current_locale_code())} ({a.country})",
            )
            for a in vault.authorities(db.session)
        ]
    )
    company_id = signed_in_user().company_id
    orders = db.session.scalars(
        select(Order)
        .where(
            (Order.buyer_id == company_id) | (Order.seller_id == company_id),
            Order.status.in_(_OPEN),
        )
        .order_by(Order.placed_at.desc())
        .limit(200)
    )
    form.order.choices = as_choices(
        [("", gettext("None"))]
        + [
            (o.public_id, f"{o.buyer_po_number or o.public_id} · {o.placed_at:%Y-%m-%d}")
            for o in orders
        ]
    )
    return form


@bp.get("/")
def index() -> ResponseReturnValue:
    company_id = signed_in_user().company_id
    assert company_id is not None
    return render_template(
        "licences/index.html", licences=vault.company_licences(db.session, company_id)
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    require(signed_in_user(), Action.MANAGE_LICENCES)
    form = _form()
    if form.validate_on_submit():
        upload = form.scan.data
        data = vault.LicenceInput(
            kind=form.kind.data or "",
            number=form.number.data or "",
            authority_public_id=form.authority.data or "",
            valid_from=form.valid_from.data,
            valid_to=form.valid_to.data,
            goods=form.goods.data or "",
            limit_basis=form.limit_basis.data or "",
            quantity_limit=form.quantity_limit.data,
            per_shipment_limit=form.per_shipment_limit.data,
            counterparty_name=form.counterparty_name.data,
            port=form.port.data,
            order_public_id=form.order.data or None,
        )
        outcome = attempt(
            lambda: vault.record_licence(
                db.session, acting(), data, upload.stream, upload.filename
            ),
            form,
        )
        if outcome.ok and outcome.value is not None:
            flash(
                gettext("The licence is recorded. It counts once the operator accepts it."),
                "success",
            )
            return redirect(url_for("licences.show", public_id=outcome.value.public_id))
    return render_template("licences/new.html", form=form)


def _own(public_id: str) -> Licence:
    try:
        return vault.company_licence(db.session, signed_in_user(), public_id)
    except NotFound:
        abort(404)


@bp.get("/<public_id>")
def show(public_id: str) -> ResponseReturnValue:
    licence = _own(public_id)
    return render_template(
        "licences/show.html",
        licence=licence,
        amendment_form=_amendment_form(licence, AmendmentForm(formdata=None)),
    )


def _amendment_form(licence: Licence, form: AmendmentForm) -> AmendmentForm:
    """The amendment form with the sanction hint that fits this licence's kind and
    jurisdiction (an EL-01's Federal sanction is not a MIIT approval's reissue)."""
    form.sanction_reference.description = amendment_hint(licence.jurisdiction, licence.kind)
    return form


@bp.get("/<public_id>/scan")
def scan(public_id: str) -> ResponseReturnValue:
    return send_stored(_own(public_id).scan)


@bp.post("/<public_id>/amendments")
def amend(public_id: str) -> ResponseReturnValue:
    licence = _own(public_id)
    form = _amendment_form(licence, AmendmentForm())
    if form.validate_on_submit():
        outcome = attempt(
            lambda: vault.record_amendment(
                db.session,
                acting(),
                licence,
                description=form.description.data or "",
                sanction_reference=form.sanction_reference.data or "",
                amended_on=form.amended_on.data,
            ),
            form,
        )
        if outcome.ok:
            flash(
                gettext("The amendment is recorded; the operator reviews the licence again."),
                "success",
            )
            return redirect(url_for("licences.show", public_id=public_id))
    return render_template("licences/show.html", licence=licence, amendment_form=form), 422


# --- the operator's review ----------------------------------------------------------------


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


# --- the authority's view -------------------------------------------------------------------


@authority_bp.get("/")
def authority_index() -> ResponseReturnValue:
    user = signed_in_user()
    return render_template(
        "licences/authority_index.html",
        authority=db.session.get(Authority, user.authority_id),
        licences=authority_service.issued_licences(db.session, acting()),
    )


def _issued(public_id: str) -> authority_service.LicenceRecord:
    try:
        return authority_service.issued_licence(db.session, acting(), public_id)
    except NotFound:
        abort(404)


@authority_bp.get("/licences/<public_id>")
def authority_licence(public_id: str) -> ResponseReturnValue:
    return render_template(
        "licences/authority_licence.html",
        record=_issued(public_id),
        form=RevokeForm(formdata=None),
    )


@authority_bp.get("/licences/<public_id>/scan")
def authority_scan(public_id: str) -> ResponseReturnValue:
    return send_stored(_issued(public_id).licence.scan)


@authority_bp.post("/licences/<public_id>/revoke")
def revoke(public_id: str) -> ResponseReturnValue:
    record = _issued(public_id)
    form = RevokeForm()
    if form.validate_on_submit():
        outcome = attempt(
            lambda: vault.revoke_licence(
                db.session, acting(), record.licence, form.reason.data or ""
            ),
            form,
        )
        if outcome.ok:
            flash(gettext("The licence is revoked; the holder is told."), "success")
            return redirect(url_for("authority.authority_licence", public_id=public_id))
    return render_template("licences/authority_licence.html", record=record, form=form), 422


@authority_bp.get("/documents/<public_id>.pdf")
def authority_document(public_id: str) -> ResponseReturnValue:
    try:
        document = authority_service.shipment_document(db.session, acting(), public_id)
    except NotFound:
        abort(404)
    if document.pdf is None:
        abort(404)
    response = current_app.response_class(document.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- on the order page --------------------------------------------------------------------


@bp.app_template_global("order_licence_needs")
def order_licence_needs(order: Order) -> dict[str, object]:
    """What each side still needs before a controlled order goes on, and the licences that
    cover it (both parties' order pages)."""
    if not gate.is_controlled_order(db.session, order):
        return {"controlled": False, "needs": [], "documents": []}
    attached = select(LicenceAttachment.licence_id).where(LicenceAttachment.order_id == order.id)
    documents = list(
        db.session.scalars(
            select(Licence)
            .where((Licence.order_id == order.id) | Licence.id.in_(attached))
            .order_by(Licence.id)
        )
    )
    return {
        "controlled": True,
        "needs": gate.outstanding(db.session, order),
        "documents": documents,
    }


@bp.app_template_global("licence_next_step")
def licence_next_step(order: Order, side: str) -> dict[str, object] | None:
    """The order's next step when a licence decides it (order page, both sides): the
    missing document, for which UN number and quantity, and who must provide it."""
    if not gate.is_controlled_order(db.session, order):
        return None
    shortfall = gate.next_step_shortfall(db.session, order, str(side))
    if shortfall is None:
        return None
    values = {
        "document": gate.document_text(shortfall),
        "un": shortfall.un_number or "",
        "quantity": shortfall.quantity or "",
    }
    if shortfall.quantity:
        text = gettext("Provide the %(document)s for %(un)s (%(quantity)s)", **values)
    else:
        text = gettext("Provide the %(document)s for %(un)s", **values)
    return {"mine": shortfall.side.value == str(side), "side": shortfall.side.value, "text": text}


# --- company evidence and verification ------------------------------------------------------


@bp.route("/evidence", methods=["GET", "POST"])
def evidence() -> ResponseReturnValue:
    user = signed_in_user()
    assert user.company_id is not None
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.scan.data
        outcome = attempt(
            lambda: verification.upload_evidence(
                db.session, acting(), form.kind.data or "", upload.stream, upload.filename
            ),
            form,
        )
        if outcome.ok:
            flash(gettext("The document is uploaded for the operator's check."), "success")
            return redirect(url_for("licences.evidence"))
    return render_template(
        "licences/evidence.html",
        form=form,
        documents=verification.company_evidence(db.session, user.company_id),
        records=verification.verifications(db.session, user.company_id),
        labels=verification.EVIDENCE_LABELS,
        may_upload=can(user, Action.MANAGE_COMPANY),
    )


@bp.get("/evidence/<public_id>")
def evidence_file(public_id: str) -> ResponseReturnValue:
    try:
        document = verification.evidence_for(db.session, signed_in_user().company_id, public_id)
    except NotFound:
        abort(404)
    return send_stored(document.file)


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


@bp.app_template_global("company_verification_facts")
def company_verification_facts(company: Company) -> dict[str, object]:
    """What a company's public page says about its verification: the date checked and
    the kinds of licence on file (accepted and unexpired)."""
    checked_at, kinds = verification.public_facts(db.session, company, company_today(company))
    return {
        "verified_on": checked_at.date() if checked_at is not None else None,
        "licences": [KIND_LABELS[kind] for kind in kinds],
    }
