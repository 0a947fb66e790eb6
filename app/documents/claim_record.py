"""A claim's whole file as one PDF, in the trade documents' layout: English beside each
party's language (Chinese, Urdu), as ``app.documents.claim_record_languages`` chooses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app
from markupsafe import Markup, escape

from app.documents.claim_record_languages import EARLIER_LANGUAGES, HTML_LANG, heading
from app.documents.layout import report_html
from app.documents.pdf import PDF_VARIANT
from app.documents.render import render_pdf

RECORD_VIEW = {"seller_label": "seller", "buyer_label": "buyer", "number_label": "document_no"}


def in_tongues(texts: Sequence[str], languages: Sequence[str]) -> Markup:
    """English, then each other language in its own span (lang, direction), escaped."""
    pieces = [escape(texts[0])] if texts else []
    for text, language in zip(texts[1:], languages[1:], strict=False):
        lang, direction = HTML_LANG.get(language, ("en", "ltr"))
        pieces.append(
            Markup('<span class="tongue" lang="{}" dir="{}">{}</span>').format(
                lang, direction, text
            )
        )
    return Markup(" ").join(pieces)


def record_view(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The helpers the record's template prints with, bound to the record's languages."""
    languages: list[str] = snapshot.get("languages") or EARLIER_LANGUAGES
    return {
        **RECORD_VIEW,
        "languages": languages,
        "t": lambda texts: in_tongues(texts, languages),
        "h": lambda key: in_tongues(heading(key, languages), languages),
        "times": lambda zone: Markup(" ").join(
            Markup('<span lang="{}" dir="{}">{}</span>').format(
                *HTML_LANG.get(language, ("en", "ltr")), text.replace("%(zone)s", zone)
            )
            for language, text in zip(languages, heading("times", languages), strict=True)
        ),
    }


def claim_record_pdf(snapshot: dict[str, Any]) -> bytes:
    html = report_html("documents/claim_record.html", snapshot, record_view(snapshot))
    config = current_app.config
    pdf: bytes = render_pdf(
        html,
        pdf_variant=PDF_VARIANT,
        time_limit=config["DOCUMENT_RENDER_SECONDS"],
        memory_mb=config["DOCUMENT_RENDER_MEMORY_MB"],
    )
    return pdf
