"""The L/C document examination report's PDF, in the trade documents' layout."""

from __future__ import annotations

from typing import Any

from flask import current_app

from app.documents.layout import report_html
from app.documents.pdf import PDF_VARIANT
from app.documents.render import render_pdf

REPORT_VIEW = {"seller_label": "exporter", "buyer_label": "importer", "number_label": "document_no"}


def examination_report_pdf(snapshot: dict[str, Any]) -> bytes:
    html = report_html("documents/examination_report.html", snapshot, REPORT_VIEW)
    config = current_app.config
    pdf: bytes = render_pdf(
        html,
        pdf_variant=PDF_VARIANT,
        time_limit=config["DOCUMENT_RENDER_SECONDS"],
        memory_mb=config["DOCUMENT_RENDER_MEMORY_MB"],
    )
    return pdf
