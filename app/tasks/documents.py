"""Rendering issued documents in the background, once each, retried on failure."""

from __future__ import annotations

import logging

from app.extensions import db
from app.models import Document, DocumentKind, DocumentStatus
from app.models.document import INVOICE_KINDS
from app.operations.metrics import DOCUMENTS_RENDERED
from app.services.accounts.letterhead import letterhead_pictures
from app.services.documents.issuing import store_rendered_pdf
from app.services.jobs import after_commit
from app.tasks import job

log = logging.getLogger(__name__)

MAX_RENDER_ATTEMPTS = 3
RETRY_DELAY_SECONDS = 30


@job(retries=0)
def render_document(document_id: int) -> None:
    """Render and store one document's PDF unless that is done already (jobs may repeat).

    The snapshot is read and the read transaction ended before the layout runs, so no lock
    is held for the half second WeasyPrint takes; the bytes are then stored by one
    conditional UPDATE that only an unrendered document accepts.
    """
    document = db.session.get(Document, document_id)
    if document is None or document.status is not DocumentStatus.RENDERING:
        return
    snapshot = document.data
    pictures = letterhead_pictures(snapshot)
    db.session.rollback()
    # Imported here: only job workers load WeasyPrint (1 s and tens of MB), not web servers.
    from app.documents.einvoice import einvoice_from_pdf
    from app.documents.pdf import document_pdf
    from app.documents.render import RenderFailed

    try:
        pdf = document_pdf(snapshot, pictures=pictures)
    except RenderFailed as error:
        DOCUMENTS_RENDERED.labels("failed").inc()
        _record_failure(document_id, str(error))
        return
    # Read back once here, so no page has to open the PDF to know whether to offer the XML
    # (an invoice EN 16931 cannot express is issued without it: app.documents.pdf).
    xml = einvoice_from_pdf(pdf) if DocumentKind(snapshot["kind"]) in INVOICE_KINDS else None
    store_rendered_pdf(document_id, pdf, carries_einvoice=xml is not None)
    DOCUMENTS_RENDERED.labels("rendered").inc()


def _record_failure(document_id: int, error: str) -> None:
    document = db.session.get(Document, document_id)
    if document is None or document.status is not DocumentStatus.RENDERING:
        return
    document.render_attempts += 1
    document.render_error = error[:2000]
    log.warning(
        "rendering %s failed (attempt %d): %s", document.number, document.render_attempts, error
    )
    if document.render_attempts >= MAX_RENDER_ATTEMPTS:
        document.status = DocumentStatus.FAILED
    else:
        after_commit(_render_later, document_id)


def _render_later(document_id: int) -> None:
    render_document.schedule((document_id,), delay=RETRY_DELAY_SECONDS)
