"""A document's PDF from its snapshot: layout, then (for invoices) the embedded e-invoice."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from app.documents.einvoice import EInvoiceNotExpressible, attach_einvoice, cii_xml
from app.documents.layout import document_html
from app.documents.render import render_pdf, write_pdf
from app.documents.sample import sample_snapshot
from app.documents.snapshot import Snapshot
from app.models import DocumentKind
from app.models.document import INVOICE_KINDS
from app.reference.text import neutralise_bidi_data

# Archival PDF for every kind; invoices carry their XML as PDF/A-3 allows.
PDF_VARIANT = "pdf/a-3b"


_warmed: list[bool] = []


def warm_up() -> None:
    """Make the sample invoice once in this process, so the children forked to render
    documents inherit warm font, layout and schema caches (workers call it at start)."""
    if not _warmed:
        snapshot = sample_snapshot()
        attach_einvoice(
            write_pdf(document_html(snapshot), pdf_variant=PDF_VARIANT), cii_xml(snapshot)
        )
        _warmed.append(True)


def document_pdf(snapshot: Snapshot, *, pictures: dict[str, bytes] | None = None) -> bytes:
    """Render ``snapshot`` within the configured time and memory bounds.

    ``pictures``: the company's logo and stamp the snapshot names (``"logo"``, ``"stamp"``),
    read from storage by the caller; a missing one is simply not printed.
    """
    warm_up()
    pictures = pictures or {}
    html = document_html(snapshot, pictures=frozenset(pictures))
    finish: Callable[[bytes], bytes] | None = None
    xml: bytes | None = None
    if DocumentKind(snapshot["kind"]) in INVOICE_KINDS:
        try:
            # The XML keeps the text as typed, less its direction controls (as the page).
            xml = cii_xml(neutralise_bidi_data(snapshot))
        except EInvoiceNotExpressible:
            # BR-DEC-*: fils EN 16931 cannot carry (KWD ...); the PDF is the whole invoice.
            xml = None
    if xml is not None:
        embedded = xml

        def finish(pdf: bytes) -> bytes:
            return attach_einvoice(pdf, embedded)

    config = current_app.config
    pdf: bytes = render_pdf(
        html,
        pdf_variant=PDF_VARIANT,
        finish=finish,
        time_limit=config["DOCUMENT_RENDER_SECONDS"],
        memory_mb=config["DOCUMENT_RENDER_MEMORY_MB"],
        pictures=pictures,
    )
    return pdf
