"""What the check reports: a finding names its rule and the fields in conflict, side by
side; the rule carries its stable id, its UCP 600 / ISBP 821 reference, what it checks and
how to fix a finding. The ids never change: users, banks and tests quote them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.models import CreditDocumentKind, CreditTerms
from app.money import Money


@dataclass(frozen=True)
class Field:
    """One field of one document, as shown beside the field it conflicts with."""

    document: str  # "credit" or a CreditDocumentKind value
    label: str  # the document's number or reference
    name: str  # a key of FIELD_NAMES
    value: str

    def as_json(self) -> dict[str, str]:
        return {
            "document": self.document,
            "label": self.label,
            "name": self.name,
            "value": self.value,
        }


@dataclass(frozen=True)
class Finding:
    rule: str
    fields: tuple[Field, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "reference": RULES[self.rule].reference,
            "fields": [field.as_json() for field in self.fields],
        }


@dataclass(frozen=True)
class ExaminedDocument:
    """A document of the set, reduced to the fields examination reads.

    ``originals`` is None for the documents Corridor issued: the seller prints as many
    originals as the credit asks for.
    """

    kind: CreditDocumentKind
    label: str
    issuer: str
    issued_on: date | None
    originals: int | None
    values: dict[str, Any]

    def field(self, name: str, value: object = None) -> Field:
        shown = self.values.get(name) if value is None else value
        return Field(self.kind.value, self.label, name, _shown(shown))


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)


def credit_field(terms: CreditTerms, name: str, value: object) -> Field:
    return Field("credit", terms.number, name, _shown(value))


@dataclass(frozen=True)
class DocumentSet:
    """The credit's terms in force, the documents to present, and the presentation day."""

    terms: CreditTerms
    documents: tuple[ExaminedDocument, ...]
    presented_on: date

    def first(self, kind: CreditDocumentKind) -> ExaminedDocument | None:
        return next((document for document in self.documents if document.kind is kind), None)


@dataclass(frozen=True)
class Rule:
    id: str
    reference: str
    checks: LazyString
    fix: LazyString


def _rule(rule_id: str, reference: str, checks: LazyString, fix: LazyString) -> Rule:
    return Rule(rule_id, reference, checks, fix)


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        _rule(
            "UCP6d-EXPIRY",
            "UCP 600 art. 6(d), 29(a)",
            _l(
                "Documents are presented on or before the expiry date (moved to the next banking day at the place of expiry when banks are closed)."
            ),
            _l("Present before the expiry, or ask the buyer for an amendment extending it."),
        ),
        _rule(
            "UCP14c-PERIOD",
            "UCP 600 art. 14(c), 29(a)",
            _l(
                "Documents are presented within the presentation period after the date of shipment (21 days unless the credit says otherwise)."
            ),
            _l("Present sooner; a late presentation can only be waived by the buyer."),
        ),
        _rule(
            "UCP20-ONBOARD",
            "UCP 600 art. 20(a)(ii)",
            _l("The bill of lading shows an on-board date."),
            _l("Ask the carrier for an on-board notation with its date."),
        ),
        _rule(
            "UCP20-SHIPDATE",
            "UCP 600 art. 20(a)(ii), 29(c)",
            _l(
                "The on-board date is not later than the latest shipment date; that date is never extended."
            ),
            _l(
                "Ask the buyer for an amendment extending the latest shipment date, or for a waiver."
            ),
        ),
        _rule(
            "ISBP-C1-TITLE",
            "ISBP 821 C1-C3",
            _l("A commercial invoice is presented; a proforma invoice is not acceptable."),
            _l("Present the commercial invoice issued at shipment."),
        ),
        _rule(
            "UCP18a-BENEFICIARY",
            "UCP 600 art. 18(a)(i)",
            _l("The invoice is issued by the beneficiary named in the credit."),
            _l(
                "Issue the invoice in the beneficiary's name as the credit gives it, or ask for an amendment."
            ),
        ),
        _rule(
            "UCP18a-APPLICANT",
            "UCP 600 art. 18(a)(ii)",
            _l("The invoice is made out in the name of the applicant."),
            _l(
                "Issue the invoice to the applicant as the credit names it, or ask for an amendment."
            ),
        ),
        _rule(
            "UCP18a-CURRENCY",
            "UCP 600 art. 18(a)(iii)",
            _l("The invoice is in the credit's currency."),
            _l("Issue a credit note and a new invoice in the credit's currency."),
        ),
        _rule(
            "UCP18b-AMOUNT",
            "UCP 600 art. 18(b), 30(a)",
            _l("The invoice does not exceed the credit amount plus its tolerance."),
            _l(
                "Issue a credit note and a new invoice within the credit amount, or ask for an amendment increasing it."
            ),
        ),
        _rule(
            "UCP30-QTY",
            "UCP 600 art. 30(a)-(b)",
            _l(
                "The invoiced quantity is within the credit's quantity and tolerance (5 percent for bulk goods, none for counted items)."
            ),
            _l("Ship and invoice the quantity the credit states, or ask for an amendment."),
        ),
        _rule(
            "UCP18c-GOODS",
            "UCP 600 art. 18(c); ISBP 821 C3",
            _l("The invoice's description of the goods corresponds with the credit's."),
            _l("Issue a credit note and a new invoice describing the goods as the credit does."),
        ),
        _rule(
            "ISBP-C10-TERM",
            "ISBP 821 C10",
            _l("The invoice states the trade term (Incoterm) the credit states."),
            _l(
                "Issue a credit note and a new invoice with the credit's trade term, or ask for an amendment."
            ),
        ),
        _rule(
            "UCP14d-QTY",
            "UCP 600 art. 14(d)",
            _l("The quantity is the same on every document that states it."),
            _l("Correct the document that differs so that all state the same quantity."),
        ),
        _rule(
            "UCP14d-WEIGHT",
            "UCP 600 art. 14(d)",
            _l("The gross weight is the same on every document that states it."),
            _l("Correct the document that differs so that all state the same weight."),
        ),
        _rule(
            "UCP14d-PACKAGES",
            "UCP 600 art. 14(d)",
            _l("The number of packages is the same on every document that states it."),
            _l("Correct the document that differs so that all state the same number of packages."),
        ),
        _rule(
            "UCP14d-MARKS",
            "UCP 600 art. 14(d); ISBP 821 A34",
            _l("The shipping marks are the same on every document that shows them."),
            _l("Correct the document that differs so that all show the same marks."),
        ),
        _rule(
            "UCP14d-CONTAINER",
            "UCP 600 art. 14(d)",
            _l("The container numbers are the same on every document that shows them."),
            _l("Correct the document that differs so that all show the same containers."),
        ),
        _rule(
            "UCP14d-SEAL",
            "UCP 600 art. 14(d)",
            _l("The seal numbers are the same on every document that shows them."),
            _l("Correct the document that differs so that all show the same seals."),
        ),
        _rule(
            "UCP20-POL",
            "UCP 600 art. 20(a)(iii)",
            _l("The bill of lading shows the port of loading the credit states."),
            _l("Ask the carrier to correct the B/L, or the buyer for an amendment."),
        ),
        _rule(
            "UCP20-POD",
            "UCP 600 art. 20(a)(iii)",
            _l("The bill of lading shows the port of discharge the credit states."),
            _l("Ask the carrier to correct the B/L, or the buyer for an amendment."),
        ),
        _rule(
            "ISBP-E-CONSIGNEE",
            "UCP 600 art. 14(j); ISBP 821 E12-E13",
            _l(
                'The bill of lading\'s consignee is as the credit requires (e.g. "to order of" the issuing bank).'
            ),
            _l("Ask the carrier to reissue the B/L with the credit's consignee wording."),
        ),
        _rule(
            "ISBP-E-NOTIFY",
            "ISBP 821 E14",
            _l("The bill of lading's notify party is as the credit requires."),
            _l("Ask the carrier to reissue the B/L with the credit's notify party."),
        ),
        _rule(
            "UCP27-CLEAN",
            "UCP 600 art. 27",
            _l(
                "The transport document is clean: no clause declaring the goods or packaging defective."
            ),
            _l("Ask the carrier for a clean B/L, or the buyer for a waiver."),
        ),
        _rule(
            "UCP14-MISSING",
            "UCP 600 art. 14(a), 15",
            _l("Every document the credit requires is in the set."),
            _l("Upload the missing document, or issue it."),
        ),
        _rule(
            "UCP17-ORIGINALS",
            "UCP 600 art. 17; ISBP 821 A29",
            _l("Each document comes with at least the number of originals the credit requires."),
            _l("Obtain the missing originals from the issuer of the document."),
        ),
        _rule(
            "UCP28f-AMOUNT",
            "UCP 600 art. 28(f)(ii)",
            _l(
                "The insurance covers at least 110 % (or the credit's percentage) of the CIF or CIP value."
            ),
            _l("Ask the insurer for an endorsement raising the sum insured."),
        ),
        _rule(
            "UCP28f-CURRENCY",
            "UCP 600 art. 28(f)(i)",
            _l("The insurance is in the credit's currency."),
            _l("Ask the insurer to state the sum insured in the credit's currency."),
        ),
        _rule(
            "UCP28e-DATE",
            "UCP 600 art. 28(e)",
            _l(
                "The insurance document is dated no later than the date of shipment, or shows cover effective from a date not later than shipment."
            ),
            _l(
                "Ask the insurer for a certificate stating cover from a date not later than shipment."
            ),
        ),
        _rule(
            "ISBP-L3-ISSUER",
            "UCP 600 art. 14(f); ISBP 821 L3",
            _l("The certificate of origin is issued by the body the credit names."),
            _l("Obtain the certificate of origin from the issuer the credit names."),
        ),
        _rule(
            "ISBP-L2-GOODS",
            "ISBP 821 L2",
            _l("The certificate of origin relates to the invoiced goods."),
            _l("Obtain a certificate of origin describing the invoiced goods."),
        ),
    )
}

FIELD_NAMES: dict[str, LazyString] = {
    "expiry_date": _l("Expiry date"),
    "presented_on": _l("Presentation date"),
    "last_day": _l("Last day for presentation"),
    "on_board_date": _l("On-board date"),
    "latest_shipment_date": _l("Latest shipment date"),
    "title": _l("Title"),
    "issuer": _l("Issued by"),
    "beneficiary": _l("Beneficiary"),
    "applicant": _l("Applicant"),
    "addressee": _l("Made out to"),
    "currency": _l("Currency"),
    "amount": _l("Amount"),
    "quantity": _l("Quantity"),
    "goods": _l("Goods"),
    "incoterm": _l("Trade term"),
    "gross_weight_kg": _l("Gross weight (kg)"),
    "packages": _l("Packages"),
    "marks": _l("Shipping marks"),
    "container_numbers": _l("Containers"),
    "seal_numbers": _l("Seals"),
    "port_of_loading": _l("Port of loading"),
    "port_of_discharge": _l("Port of discharge"),
    "consignee": _l("Consignee"),
    "notify": _l("Notify party"),
    "clean": _l("Clean on board"),
    "document": _l("Document"),
    "originals": _l("Originals"),
    "issued_on": _l("Date of issue"),
    "cover_effective_on": _l("Cover effective from"),
    "origin_issuer": _l("Issuer of the certificate of origin"),
}

CLEAN_REQUIRED = "clean"
# Fields whose value is a code, shown by its name in the reader's language: an invoice's
# title, and what art. 27 requires when the credit has no wording of its own.
VALUE_NAMES: dict[tuple[str, str], LazyString] = {
    ("title", "commercial_invoice"): _l("Commercial invoice"),
    ("title", "proforma_invoice"): _l("Proforma invoice"),
    ("clean", CLEAN_REQUIRED): _l("Clean: no clause declaring the goods or packaging defective"),
}


def value_name(name: str, value: str) -> LazyString | None:
    return VALUE_NAMES.get((name, value))


def stored_money(name: str, value: str) -> Money | None:
    """An amount field back as Money (findings store Money's text, "53750.00 USD"), so
    pages and the report print it in a reader's format rather than raw."""
    if name != "amount":
        return None
    amount, _, currency = value.partition(" ")
    try:
        return Money(amount, currency)
    except ValueError:  # a value stored before amounts were Money: shown as it is
        return None


DOCUMENT_NAMES: dict[str, LazyString] = {
    CreditDocumentKind.COMMERCIAL_INVOICE.value: _l("Commercial invoice"),
    CreditDocumentKind.PACKING_LIST.value: _l("Packing list"),
    CreditDocumentKind.CERTIFICATE_OF_ORIGIN.value: _l("Certificate of origin"),
    CreditDocumentKind.BILL_OF_LADING.value: _l("Bill of lading"),
    CreditDocumentKind.INSURANCE_CERTIFICATE.value: _l("Insurance certificate"),
    CreditDocumentKind.INSPECTION_CERTIFICATE.value: _l("Inspection certificate"),
    CreditDocumentKind.WEIGHT_CERTIFICATE.value: _l("Weight certificate"),
    CreditDocumentKind.QUALITY_CERTIFICATE.value: _l("Quality certificate"),
    "credit": _l("Letter of credit"),
    "presentation": _l("Presentation"),
}
