"""Issued documents: the parties download the stored PDF; anyone holding one verifies it.

Downloads serve the bytes stored at issue, never a new rendering, and each is audited.
The verification page is public on purpose (a bank or customs officer holds the paper, not
an account): it shows the issuer, kind, number, date, total and SHA-256 and nothing else
about the order, and compares an uploaded PDF with the issued bytes.
"""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired

from app.documents.einvoice import einvoice_from_pdf
from app.extensions import limiter, login_manager
from app.security import session_id_if_protected, writes_on_get
from app.services.accounts.capabilities import Side
from app.services.documents.downloads import IssuedPdf, Refusal, download_issued_pdf
from app.services.documents.issuing import document_by_token
from app.services.documents.states import document_states
from app.services.fulfilment.outturn import settlement_of
from app.services.orders.queries import order_page
from app.web.files import send_stored
from app.web.forms import CorridorForm
from app.web.guards import signed_in_user
from app.web.order_labels import document_label

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.before_request
def _guard() -> ResponseReturnValue | None:
    """Only a session that names someone gets further. Who it names, and whether that
    session still holds, the download's own statement checks (download_issued_pdf):
    loading current_user here would double a download's cost."""
    session_id = session_id_if_protected()
    if session_id is None:
        response: ResponseReturnValue = login_manager.unauthorized()
        return response
    g.session_id = session_id
    return None


verify_bp = Blueprint("verify", __name__, url_prefix="/verify")

# Stored PDFs never change, so a browser may keep one, but only for this person.
PDF_CACHE = "private, max-age=3600"


def _download(public_id: str, action: str) -> IssuedPdf:
    """The issued document the signed-in person's company may read, its download audited.

    Whoever the session no longer holds signs in again, as on every other page.
    """
    outcome = download_issued_pdf(g.session_id, public_id, action, request.remote_addr)
    if outcome is Refusal.SIGNED_OUT:
        abort(login_manager.unauthorized())
    if outcome is Refusal.NOT_FOUND:
        abort(404)
    return outcome


def _attachment(issued: IssuedPdf, content: bytes, mimetype: str, filename: str) -> Response:
    """``content`` as a download.

    Nothing here may write to the database: the download's transaction holds its audit row
    alone (``download_issued_pdf``, whose commit on PostgreSQL does not wait for the disk),
    and the boundary commits it as soon as this response is returned, before it is sent.
    """
    response = current_app.response_class(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = PDF_CACHE
    response.headers["X-Content-Type-Options"] = "nosniff"
    # The PDF's tag is its SHA-256; the XML inside it gets its own.
    response.set_etag(issued.sha256 if mimetype == "application/pdf" else f"{issued.sha256}-xml")
    return response


@bp.get("/<public_id>.pdf")
@writes_on_get  # its audit row: on SQLite a reader cannot become a writer under load
def download(public_id: str) -> ResponseReturnValue:
    issued = _download(public_id, "document.downloaded")
    return _attachment(issued, issued.pdf, "application/pdf", issued.filename)


@bp.get("/states")
def states() -> ResponseReturnValue:
    """Each asked document's state (``?id=...`` repeated), for the order page's script
    (static/js/document-status.js) that swaps "Being prepared…" for the download link."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    found = document_states(current_user.company_id, request.args.getlist("id"))
    answer = {
        public_id: {
            "status": "ready" if status == "issued" else str(status),
            "download_url": url_for("documents.download", public_id=public_id)
            if status == "issued"
            else None,
        }
        for public_id, status in found.items()
    }
    response = jsonify(documents=answer)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<public_id>.xml")
@writes_on_get
def download_xml(public_id: str) -> ResponseReturnValue:
    """The e-invoice (Factur-X CII XML) as embedded in the issued PDF, for the buyer's ERP."""
    issued = _download(public_id, "document.xml_downloaded")
    xml = einvoice_from_pdf(issued.pdf)
    if xml is None:
        abort(404)  # only invoices and credit notes carry one; the audit row rolls back
    return _attachment(issued, xml, "application/xml", f"{issued.number}.xml")


class VerifyUploadForm(CorridorForm):
    pdf = FileField(validators=[FileRequired()])


@verify_bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def verify(token: str) -> ResponseReturnValue:
    document = document_by_token(token)
    if document is None:
        abort(404)
    form = VerifyUploadForm()
    outcome: str | None = None
    if form.validate_on_submit() and document.sha256:
        uploaded = request.files["pdf"].read()
        outcome = "match" if hashlib.sha256(uploaded).hexdigest() == document.sha256 else "differs"
    return render_template(
        "verify/document.html",
        document=document,
        issuer=document.issuer,
        form=form,
        outcome=outcome,
        kind_label=document_label(document),
    )


@bp.get("/orders/<public_id>/lots/<int:lot>/survey-certificate")
def survey_certificate(public_id: str, lot: int) -> ResponseReturnValue:
    """The surveyor's certificate a lot's final invoice was issued on, for either party."""
    company_id = signed_in_user().company_id or 0
    for side in (Side.SELLER, Side.BUYER):
        order = order_page(company_id, public_id, side)
        if order is None:
            continue
        settlement = settlement_of(order, lot)
        if settlement is None or settlement.survey_file is None:
            abort(404)
        return send_stored(settlement.survey_file)
    abort(404)
