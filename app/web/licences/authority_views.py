"""Licence pages of an issuing authority: the licences it issued, revocation, documents."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.extensions import db
from app.models.licence import Authority
from app.security import writes_on_get
from app.services.errors import NotFound
from app.services.licences import authority as authority_service
from app.services.licences import vault
from app.web.boundary import attempt
from app.web.files import send_stored
from app.web.guards import acting, signed_in_user
from app.web.licences.blueprint import authority_bp
from app.web.licences.forms import (
    RevokeForm,
)


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
@writes_on_get  # the download is audited
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
