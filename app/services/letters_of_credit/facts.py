"""The set to examine: the documents Corridor issued (read from their frozen snapshots)
and the documents the seller uploaded (their confirmed fields), each reduced to the fields
the rules compare.

The invoice examined is the latest commercial invoice not wholly cancelled by credit
notes: correcting an invoice means a credit note for all of it and a new invoice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.documents.snapshot import quantity_value
from app.extensions import db
from app.models import (
    CreditDocumentKind,
    CreditTerms,
    Document,
    DocumentKind,
    Order,
    ShipmentDocument,
)
from app.services.documents.issuing import credited_minor
from app.services.letters_of_credit.findings import DocumentSet, ExaminedDocument

K = CreditDocumentKind


def _kg(grams: object) -> str | None:
    return str(Decimal(int(grams)) / 1000) if isinstance(grams, int) else None


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _goods(data: dict[str, Any]) -> str:
    return "; ".join(str(line["title"]) for line in data.get("lines", []))


def _quantity(data: dict[str, Any]) -> Decimal | None:
    lines = data.get("lines", [])
    return sum((quantity_value(line["quantity"]) for line in lines), Decimal(0)) if lines else None


def _shipment_values(data: dict[str, Any]) -> dict[str, Any]:
    shipment = data.get("shipment") or {}
    return {
        "gross_weight_kg": _kg(shipment.get("gross_weight_g")),
        "packages": shipment.get("package_count"),
        "marks": " ".join(str(p["marks"]) for p in shipment.get("packages", [])) or None,
        "container_numbers": shipment.get("container_numbers") or None,
    }


def invoice_in_force(order: Order) -> Document | None:
    """The latest commercial invoice still standing (not wholly credited)."""
    invoices = db.session.scalars(
        select(Document)
        .where(Document.order_id == order.id, Document.kind == DocumentKind.COMMERCIAL_INVOICE)
        .order_by(Document.id.desc())
    )
    return next((i for i in invoices if credited_minor(i) < (i.total_minor or 0)), None)


def _latest(order: Order, kind: DocumentKind) -> Document | None:
    document: Document | None = db.session.scalar(
        select(Document)
        .where(Document.order_id == order.id, Document.kind == kind)
        .order_by(Document.id.desc())
        .limit(1)
    )
    return document


def _invoice(order: Order) -> ExaminedDocument | None:
    invoice = invoice_in_force(order) or _latest(order, DocumentKind.PROFORMA_INVOICE)
    if invoice is None:
        return None
    data = invoice.data
    terms = data.get("order", {})
    values = {
        "title": invoice.kind.value,
        "issuer": data["seller"]["legal_name"],
        "addressee": data["buyer"]["legal_name"],
        "currency": invoice.currency,
        "amount_minor": invoice.total_minor,
        "quantity": _quantity(data),
        "unit": (data.get("lines") or [{}])[0].get("unit"),
        "goods": " ".join(
            filter(
                None, (_goods(data), (data.get("letter_of_credit") or {}).get("goods_description"))
            )
        ),
        "incoterm": f"{terms.get('incoterm', '')} {terms.get('incoterm_place', '')}".strip(),
    }
    return ExaminedDocument(
        K.COMMERCIAL_INVOICE, invoice.number, values["issuer"], invoice.issued_on, None, values
    )


def _packing_list(order: Order) -> ExaminedDocument | None:
    document = _latest(order, DocumentKind.PACKING_LIST)
    if document is None:
        return None
    values = {"quantity": _quantity(document.data), **_shipment_values(document.data)}
    issuer = document.data["seller"]["legal_name"]
    return ExaminedDocument(
        K.PACKING_LIST, document.number, issuer, document.issued_on, None, values
    )


def _issued_origin(order: Order) -> ExaminedDocument | None:
    document = _latest(order, DocumentKind.CERTIFICATE_OF_ORIGIN)
    if document is None:
        return None
    issuer = document.data["seller"]["legal_name"]
    values = {"goods": _goods(document.data), "quantity": _quantity(document.data)}
    return ExaminedDocument(
        K.CERTIFICATE_OF_ORIGIN, document.number, issuer, document.issued_on, None, values
    )


def uploaded(order: Order) -> dict[CreditDocumentKind, ShipmentDocument]:
    """The latest upload of each kind: a new upload replaces the one before."""
    rows = db.session.scalars(
        select(ShipmentDocument)
        .where(ShipmentDocument.order_id == order.id)
        .order_by(ShipmentDocument.id)
    )
    return {row.kind: row for row in rows}


def examined_upload(row: ShipmentDocument) -> ExaminedDocument:
    values: dict[str, Any] = dict(row.fields)
    if row.kind is K.BILL_OF_LADING:
        values["on_board_date"] = _day(values.get("on_board_date"))
    if row.kind is K.INSURANCE_CERTIFICATE:
        values["amount_minor"] = row.amount_minor
        values["currency"] = row.currency
        values["cover_effective_on"] = row.cover_effective_on
    return ExaminedDocument(
        row.kind, row.reference, row.issuer, row.issued_on, row.originals, values
    )


def document_set(order: Order, terms: CreditTerms, presented_on: date) -> DocumentSet:
    """The whole set as it would go to the bank on ``presented_on``."""
    uploads = uploaded(order)
    documents = [
        document for document in (_invoice(order), _packing_list(order)) if document is not None
    ]
    documents.extend(examined_upload(row) for kind, row in uploads.items())
    if K.CERTIFICATE_OF_ORIGIN not in uploads:
        issued = _issued_origin(order)
        if issued is not None:
            documents.append(issued)
    return DocumentSet(terms, tuple(documents), presented_on)
