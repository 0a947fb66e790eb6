"""Licence pages of the holder: the vault, company evidence, and what the order page
shows about licences."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.i18n import current_locale_code
from app.models import Company, Order, OrderStatus
from app.models.licence import Licence, LicenceAttachment
from app.reference.reader_text import local_name
from app.services.accounts.capabilities import Action, can, require
from app.services.accounts.clock import company_today
from app.services.errors import NotFound
from app.services.licences import gate, vault, verification
from app.services.licences.needs import KIND_LABELS
from app.services.licences.rules import amendment_hint
from app.web.boundary import attempt
from app.web.files import send_stored
from app.web.forms import as_choices
from app.web.guards import acting, signed_in_user
from app.web.licences.blueprint import bp
from app.web.licences.forms import (
    AmendmentForm,
    EvidenceForm,
    LicenceForm,
)

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


@bp.app_template_global("company_verification_facts")
def company_verification_facts(company: Company) -> dict[str, object]:
    """What a company's public page says about its verification: the date checked and
    the kinds of licence on file (accepted and unexpired)."""
    checked_at, kinds = verification.public_facts(db.session, company, company_today(company))
    return {
        "verified_on": checked_at.date() if checked_at is not None else None,
        "licences": [KIND_LABELS[kind] for kind in kinds],
    }
