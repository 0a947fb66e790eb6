"""The document examination report: numbered in the seller's own series when the check
runs, its content frozen then (bilingual: English and Chinese, as the trade documents),
rendered to PDF once on first download and verifiable by its printed link and QR code.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from flask_babel import LazyString, force_locale
from sqlalchemy import update

from app.documents.examination_report import examination_report_pdf
from app.documents.snapshot import party
from app.extensions import db
from app.models import CreditExamination, CreditReportCounter, LetterOfCredit
from app.public_urls import absolute_url
from app.services.documents.issuing import bump_counter, document_prefix
from app.services.letters_of_credit import rules_certificates
from app.services.letters_of_credit.findings import (
    FIELD_NAMES,
    RULES,
    Field,
    Finding,
    stored_money,
    value_name,
)

REPORT_TITLE = ("Document examination report", "单据审核报告")
SERIES_CODE = "ER"


def _both(text: LazyString | str) -> list[str]:
    """The text in English and in Chinese (the Chinese catalogue's, once translated)."""
    with force_locale("en"):
        english = str(text)
    with force_locale("zh_Hans"):
        chinese = str(text)
    return [english, chinese]


def _value(field: Field, kind_names: dict[str, LazyString]) -> str:
    """What the field shows; a missing document by its name in both languages."""
    if field.name == "document" and field.value in kind_names:
        return " / ".join(_both(kind_names[field.value]))
    amount = stored_money(field.name, field.value)
    if amount is not None:
        return amount.format("en")  # the same figures in both languages
    named = value_name(field.name, field.value)
    return " / ".join(_both(named)) if named is not None else field.value


def report_numbering(credit: LetterOfCredit, examined_on: date) -> dict[str, Any]:
    """The next report number of the seller's series and a verification token, as the
    columns of the examination that will carry them."""
    seller = credit.order.seller
    year = examined_on.year
    sequence = bump_counter(CreditReportCounter, issuer_id=seller.id, year=year)
    return {
        "issuer_id": seller.id,
        "report_year": year,
        "report_sequence": sequence,
        "report_number": f"{document_prefix(seller)}-{SERIES_CODE}-{year}-{sequence:06d}",
        "verification_token": secrets.token_urlsafe(16),
    }


def report_snapshot(
    numbering: dict[str, Any],
    examined_on: date,
    credit: LetterOfCredit,
    documents: list[dict[str, Any]],
    findings: list[Finding],
    kind_names: dict[str, LazyString],
) -> dict[str, Any]:
    """Everything the report prints, frozen when the check runs."""
    terms, order = credit.terms, credit.order
    fired = {finding.rule for finding in findings}
    examined = {d["kind"] for d in documents}
    return {
        "kind": "examination_report",
        "title": list(REPORT_TITLE),
        "number": numbering["report_number"],
        "issued_on": examined_on.isoformat(),
        "verify_url": absolute_url(f"/credits/verify/{numbering['verification_token']}"),
        "seller": party(order.seller),
        "buyer": party(order.buyer),
        "order": {"reference": order.reference, "buyer_po_number": order.buyer_po_number},
        "credit": {
            "number": terms.number,
            "version": terms.version,
            "issuing_bank": terms.issuing_bank,
            "amount": terms.amount.format("en"),
            "expiry_date": terms.expiry_date.isoformat(),
            "latest_shipment_date": terms.latest_shipment_date.isoformat(),
        },
        "documents": [
            {"kind": _both(kind_names[d["kind"]]), "label": d["label"]} for d in documents
        ],
        "rules": [
            {
                "id": rule.id,
                "reference": rule.reference,
                "checks": _both(rule.checks),
                "passed": rule.id not in fired,
                "applies": rules_certificates.applies(rule.id, examined),
            }
            for rule in RULES.values()
        ],
        "findings": [
            {
                "rule": finding.rule,
                "fix": _both(RULES[finding.rule].fix),
                "fields": [
                    {
                        "document": _both(kind_names[field.document]),
                        "label": field.label,
                        "name": _both(FIELD_NAMES[field.name]),
                        "value": _value(field, kind_names),
                    }
                    for field in finding.fields
                ],
            }
            for finding in findings
        ],
    }


def report_pdf(examination: CreditExamination) -> bytes:
    """The report's PDF: rendered the first time it is asked for, then always the same."""
    if examination.pdf is not None:
        return examination.pdf
    pdf = examination_report_pdf(examination.report_data)
    digest = hashlib.sha256(pdf).hexdigest()
    db.session.execute(
        update(CreditExamination)
        .where(CreditExamination.id == examination.id, CreditExamination.pdf.is_(None))
        .values(pdf=pdf, pdf_sha256=digest)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(examination, ["pdf", "pdf_sha256"])
    assert examination.pdf is not None
    return examination.pdf
