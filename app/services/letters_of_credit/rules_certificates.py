"""The insurance document (UCP 600 art. 28) and the certificate of origin (art. 14(f);
ISBP 821 L)."""

from __future__ import annotations

from datetime import date

from app.models import CreditDocumentKind
from app.money import Money
from app.services.letters_of_credit.findings import (
    DocumentSet,
    ExaminedDocument,
    Finding,
    credit_field,
)
from app.services.letters_of_credit.rules_invoice import invoice_value_minor
from app.services.letters_of_credit.rules_timing import shipment_date
from app.services.letters_of_credit.wording import covers, same_party


def check_insurance(documents: DocumentSet) -> list[Finding]:
    terms = documents.terms
    cover = documents.first(CreditDocumentKind.INSURANCE_CERTIFICATE)
    if cover is None:
        return []
    findings = []
    currency = str(cover.values.get("currency") or "")
    if currency != terms.currency:
        findings.append(
            Finding(
                "UCP28f-CURRENCY",
                (cover.field("currency"), credit_field(terms, "currency", terms.currency)),
            )
        )
    else:
        # 110 % of the CIF/CIP value; where it cannot be told, of the amount drawn
        # (28(f)(ii)): both are the invoice's value here. Rounded up: never under-insured.
        value = invoice_value_minor(documents)
        floor = -(-value * terms.insurance_percent // 100)
        insured = int(cover.values.get("amount_minor") or 0)
        if insured < floor:
            findings.append(
                Finding(
                    "UCP28f-AMOUNT",
                    (
                        cover.field("amount", Money.from_minor(insured, currency)),
                        credit_field(terms, "amount", Money.from_minor(floor, terms.currency)),
                    ),
                )
            )
    findings.extend(_insurance_date(documents, cover))
    return findings


def _insurance_date(documents: DocumentSet, cover: ExaminedDocument) -> list[Finding]:
    """Dated no later than shipment, unless the certificate shows cover effective from a
    date not later than shipment (28(e)): an insurer may certify after the vessel sails."""
    shipped = shipment_date(documents)
    if shipped is None or cover.issued_on is None or cover.issued_on <= shipped:
        return []
    effective = cover.values.get("cover_effective_on")
    if isinstance(effective, date) and effective <= shipped:
        return []
    bill = documents.first(CreditDocumentKind.BILL_OF_LADING)
    assert bill is not None
    return [
        Finding(
            "UCP28e-DATE",
            (
                cover.field("issued_on", cover.issued_on.isoformat()),
                cover.field("cover_effective_on", effective.isoformat() if effective else None),
                bill.field("on_board_date", shipped.isoformat()),
            ),
        )
    ]


def check_origin(documents: DocumentSet) -> list[Finding]:
    terms = documents.terms
    origin = documents.first(CreditDocumentKind.CERTIFICATE_OF_ORIGIN)
    if origin is None:
        return []
    findings = []
    if terms.origin_issuer and not same_party(origin.issuer, terms.origin_issuer):
        findings.append(
            Finding(
                "ISBP-L3-ISSUER",
                (
                    origin.field("issuer", origin.issuer),
                    credit_field(terms, "origin_issuer", terms.origin_issuer),
                ),
            )
        )
    invoice = documents.first(CreditDocumentKind.COMMERCIAL_INVOICE)
    described = f"{terms.goods_description} {invoice.values.get('goods') if invoice else ''}"
    if not covers(origin.values.get("goods"), described):
        findings.append(
            Finding(
                "ISBP-L2-GOODS",
                (origin.field("goods"), credit_field(terms, "goods", terms.goods_description)),
            )
        )
    return findings


CHECKS = (check_insurance, check_origin)

# The document each rule here reads: a set without it (insurance on an FOB sale, no
# origin certificate asked for) leaves the rule not applicable rather than passed.
READS: dict[str, CreditDocumentKind] = {
    "UCP28f-AMOUNT": CreditDocumentKind.INSURANCE_CERTIFICATE,
    "UCP28f-CURRENCY": CreditDocumentKind.INSURANCE_CERTIFICATE,
    "UCP28e-DATE": CreditDocumentKind.INSURANCE_CERTIFICATE,
    "ISBP-L3-ISSUER": CreditDocumentKind.CERTIFICATE_OF_ORIGIN,
    "ISBP-L2-GOODS": CreditDocumentKind.CERTIFICATE_OF_ORIGIN,
}


def applies(rule_id: str, kinds: set[str]) -> bool:
    """Whether the rule had a document to read among the examined ``kinds``."""
    reads = READS.get(rule_id)
    return reads is None or reads.value in kinds
