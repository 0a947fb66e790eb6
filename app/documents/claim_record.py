"""A claim's whole file as one PDF, in the trade documents' layout (bilingual)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from app.documents.layout import report_html
from app.documents.pdf import PDF_VARIANT
from app.documents.render import render_pdf

RECORD_VIEW = {"seller_label": "seller", "buyer_label": "buyer", "number_label": "document_no"}


def claim_record_pdf(snapshot: dict[str, Any]) -> bytes:
    html = report_html("documents/claim_record.html", snapshot, RECORD_VIEW)
    config = current_app.config
    pdf: bytes = render_pdf(
        html,
        pdf_variant=PDF_VARIANT,
        time_limit=config["DOCUMENT_RENDER_SECONDS"],
        memory_mb=config["DOCUMENT_RENDER_MEMORY_MB"],
    )
    return pdf
