"""The commercial invoice against the credit (UCP 600 art. 18 and 30; ISBP 821 C)."""

from __future__ import annotations

from decimal import Decimal

from app.models import CreditDocumentKind, CreditTerms
from app.money import Money
from app.services.letters_of_credit.findings import (
    DocumentSet,
    ExaminedDocument,
    Finding,
    credit_field,
)
from app.services.letters_of_credit.wording import covers, normalised, same_party

# Units counted in whole items or packages: art. 30(b)'s 5 % does not apply to them.
COUNTED_UNITS = frozenset({"PCE", "PC", "NAR", "SET", "PK", "BX", "CT", "DR", "BG", "C62"})


def _invoice(documents: DocumentSet) -> ExaminedDocument | None:
    return documents.first(CreditDocumentKind.COMMERCIAL_INVOICE)


def check_title(documents: DocumentSet) -> list[Finding]:
    invoice = _invoice(documents)
    if invoice is None or invoice.values.get("title") == "commercial_invoice":
        return []
    required = credit_field(documents.terms, "title", "commercial_invoice")
    return [Finding("ISBP-C1-TITLE", (invoice.field("title"), required))]


def check_parties(documents: DocumentSet) -> list[Finding]:
    terms, invoice = documents.terms, _invoice(documents)
    if invoice is None:
        return []
    findings = []
    if not same_party(invoice.values.get("issuer"), terms.beneficiary):
        findings.append(
            Finding(
                "UCP18a-BENEFICIARY",
                (invoice.field("issuer"), credit_field(terms, "beneficiary", terms.beneficiary)),
            )
        )
    if not same_party(invoice.values.get("addressee"), terms.applicant):
        findings.append(
            Finding(
                "UCP18a-APPLICANT",
                (invoice.field("addressee"), credit_field(terms, "applicant", terms.applicant)),
            )
        )
    return findings


def _ceiling_minor(terms: CreditTerms) -> int:
    """The most the credit pays, in minor units, rounded down: never a cent over it."""
    return terms.amount_minor * (100 + terms.tolerance_plus) // 100


def check_amount(documents: DocumentSet) -> list[Finding]:
    terms, invoice = documents.terms, _invoice(documents)
    if invoice is None:
        return []
    currency = str(invoice.values.get("currency"))
    if currency != terms.currency:
        return [
            Finding(
                "UCP18a-CURRENCY",
                (invoice.field("currency"), credit_field(terms, "currency", terms.currency)),
            )
        ]
    drawn = int(invoice.values.get("amount_minor") or 0)
    ceiling = _ceiling_minor(terms)
    if drawn <= ceiling:
        return []
    return [
        Finding(
            "UCP18b-AMOUNT",
            (
                invoice.field("amount", Money.from_minor(drawn, currency)),
                credit_field(terms, "amount", Money.from_minor(ceiling, terms.currency)),
            ),
        )
    ]


def check_quantity(documents: DocumentSet) -> list[Finding]:
    terms, invoice = documents.terms, _invoice(documents)
    if invoice is None or terms.quantity is None:
        return []
    invoiced = invoice.values.get("quantity")
    if invoiced is None:
        return []
    unit = (terms.quantity_unit or str(invoice.values.get("unit") or "")).upper()
    # Field 39A (and "about" the amount) is the amount's tolerance, not the quantity's
    # (art. 30(a) applies "about" only to what it qualifies). The quantity may vary by 5 %
    # (art. 30(b)) unless stated in packing units or items, and only while the drawing
    # stays within the credit.
    drawn = int(invoice.values.get("amount_minor") or 0)
    bulk = unit not in COUNTED_UNITS and drawn <= _ceiling_minor(terms)
    spread = 5 if bulk else 0
    stated = Decimal(terms.quantity)
    low, high = stated * (100 - spread) / 100, stated * (100 + spread) / 100
    if low <= Decimal(invoiced) <= high:
        return []
    return [
        Finding(
            "UCP30-QTY",
            (
                invoice.field("quantity", f"{invoiced} {unit}"),
                credit_field(terms, "quantity", f"{terms.quantity} {unit}"),
            ),
        )
    ]


def check_goods(documents: DocumentSet) -> list[Finding]:
    terms, invoice = documents.terms, _invoice(documents)
    if invoice is None or covers(terms.goods_description, invoice.values.get("goods")):
        return []
    return [
        Finding(
            "UCP18c-GOODS",
            (invoice.field("goods"), credit_field(terms, "goods", terms.goods_description)),
        )
    ]


def check_trade_term(documents: DocumentSet) -> list[Finding]:
    terms, invoice = documents.terms, _invoice(documents)
    if invoice is None:
        return []
    stated = f"{terms.incoterm} {terms.incoterm_place or ''}".strip()
    shown = str(invoice.values.get("incoterm") or "")
    same_rule = shown.split(" ")[0].upper() == terms.incoterm.upper()
    same_place = not terms.incoterm_place or covers(terms.incoterm_place, shown)
    if same_rule and same_place:
        return []
    return [
        Finding(
            "ISBP-C10-TERM", (invoice.field("incoterm"), credit_field(terms, "incoterm", stated))
        )
    ]


def invoice_value_minor(documents: DocumentSet) -> int:
    """What the invoice draws, in minor units (0 without an invoice)."""
    invoice = _invoice(documents)
    return int(invoice.values.get("amount_minor") or 0) if invoice else 0


def normalised_goods(documents: DocumentSet) -> str:
    invoice = _invoice(documents)
    return normalised(invoice.values.get("goods")) if invoice else ""


CHECKS = (check_title, check_parties, check_amount, check_quantity, check_goods, check_trade_term)
