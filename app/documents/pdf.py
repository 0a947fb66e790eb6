"""A document's PDF from its snapshot: layout, then (for invoices) the embedded e-invoice."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from app.documents.einvoice import attach_einvoice, cii_xml
from app.documents.layout import document_html
from app.documents.render import render_pdf
from app.documents.snapshot import Snapshot
from app.models import DocumentKind
from app.models.document import INVOICE_KINDS

# Archival PDF for every kind; invoices carry their XML as PDF/A-3 allows.
PDF_VARIANT = "pdf/a-3b"


def document_pdf(snapshot: Snapshot) -> bytes:
    """Render ``snapshot`` within the configured time and memory bounds."""
    html = document_html(snapshot)
    finish: Callable[[bytes], bytes] | None = None
    if DocumentKind(snapshot["kind"]) in INVOICE_KINDS:
        xml = cii_xml(snapshot)

        def finish(pdf: bytes) -> bytes:
            return attach_einvoice(pdf, xml)

    config = current_app.config
    pdf: bytes = render_pdf(
        html,
        pdf_variant=PDF_VARIANT,
        finish=finish,
        time_limit=config["DOCUMENT_RENDER_SECONDS"],
        memory_mb=config["DOCUMENT_RENDER_MEMORY_MB"],
    )
    return pdf
