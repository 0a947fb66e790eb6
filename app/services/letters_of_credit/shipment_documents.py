"""The carrier's, insurer's, inspector's and chamber's documents: the file goes through
the shared upload service (size, type, PDFs made inert); the fields examination reads are
entered or confirmed by the seller beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import CreditDocumentKind, Order, ShipmentDocument
from app.models.letter_of_credit import UPLOADED_KINDS
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.files import store_upload
from app.services.letters_of_credit.terms import require_plausible
from app.services.letters_of_credit.wording import as_decimal
from app.services.orders.lifecycle import record_event
from app.services.payments.milestones import parse_amount

# The fields each kind carries (besides issuer, reference, date, originals and copies).
FIELDS: dict[CreditDocumentKind, tuple[str, ...]] = {
    CreditDocumentKind.BILL_OF_LADING: (
        "signed_as",
        "on_board_date",
        "vessel",
        "port_of_loading",
        "port_of_discharge",
        "consignee",
        "notify",
        "clean",
        "clause",
        "freight",
        "gross_weight_kg",
        "packages",
        "marks",
        "container_numbers",
        "seal_numbers",
        "goods",
    ),
    CreditDocumentKind.INSURANCE_CERTIFICATE: ("cover_from", "cover_to", "risks", "goods"),
    CreditDocumentKind.INSPECTION_CERTIFICATE: (
        "quantity",
        "gross_weight_kg",
        "seal_numbers",
        "goods",
    ),
    CreditDocumentKind.WEIGHT_CERTIFICATE: ("gross_weight_kg", "net_weight_kg", "packages"),
    CreditDocumentKind.QUALITY_CERTIFICATE: ("quantity", "goods"),
    CreditDocumentKind.CERTIFICATE_OF_ORIGIN: ("goods", "origin_country"),
}
ONLY_NUMBERS = frozenset({"gross_weight_kg", "net_weight_kg", "packages", "quantity"})


@dataclass
class ShipmentDocumentInput:
    kind: str
    issuer: str
    reference: str
    issued_on: date | None
    originals: int = 1
    copies: int = 0
    amount: str | None = None  # insurance: the sum insured
    currency: str | None = None
    cover_effective_on: date | None = None  # insurance: the day cover starts
    fields: dict[str, Any] = field(default_factory=dict)


def _checked_fields(kind: CreditDocumentKind, given: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in FIELDS[kind]:
        value = given.get(name)
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 1000:
                raise ValidationFailed(lazy_gettext("This is too long."), name)
        if isinstance(value, date):
            require_plausible(value, name)
            value = value.isoformat()
        if name in ONLY_NUMBERS and value not in (None, ""):
            # Read as the check reads it ("220 kgs" is 220); never NaN, infinity, or
            # 1E999999999 (which the check's normalize() refuses with decimal.Overflow).
            number = as_decimal(value)
            if number is None or not number.is_finite() or not 0 <= number < 10**15:
                raise ValidationFailed(lazy_gettext("Give a number."), name)
        if value not in (None, ""):
            values[name] = value
    if kind is CreditDocumentKind.BILL_OF_LADING:
        values["clean"] = bool(given.get("clean", True))
    return values


def add_shipment_document(
    actor: Actor,
    order: Order,
    data: ShipmentDocumentInput,
    upload: bytes | IO[bytes],
    filename: str | None,
) -> ShipmentDocument:
    """Store the scan and its fields; a later upload of the same kind replaces it."""
    require(actor.user, Action.PRESENT_DOCUMENTS, order)
    try:
        kind = CreditDocumentKind(data.kind)
    except ValueError:
        raise ValidationFailed(lazy_gettext("Choose the kind of document."), "kind") from None
    if kind not in UPLOADED_KINDS:
        raise ValidationFailed(lazy_gettext("Choose the kind of document."), "kind")
    issuer, reference = (data.issuer or "").strip(), (data.reference or "").strip()
    if not 2 <= len(issuer) <= 200:
        raise ValidationFailed(lazy_gettext("Give who issued the document."), "issuer")
    if not 1 <= len(reference) <= 60:
        raise ValidationFailed(lazy_gettext("Give the document's number."), "reference")
    if data.issued_on is None:
        raise ValidationFailed(lazy_gettext("Give the date of issue."), "issued_on")
    require_plausible(data.issued_on, "issued_on")
    if not 0 <= data.originals <= 10 or not 0 <= data.copies <= 20:
        raise ValidationFailed(lazy_gettext("This number is out of range."), "originals")
    amount_minor = currency = None
    cover_effective_on: date | None = None
    if kind is CreditDocumentKind.INSURANCE_CERTIFICATE:
        currency = (data.currency or "").strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ValidationFailed(
                lazy_gettext("Give the currency of the sum insured."), "currency"
            )
        amount_minor = parse_amount(data.amount or "", currency).to_minor()
        if data.cover_effective_on is not None:
            require_plausible(data.cover_effective_on, "cover_effective_on")
            cover_effective_on = data.cover_effective_on
    values = _checked_fields(kind, data.fields)
    assert actor.user is not None
    stored = store_upload(
        actor.user, upload, filename=filename, purpose="credit_document", field="file"
    )
    document = ShipmentDocument(
        order=order,
        kind=kind,
        stored_file_id=stored.id,
        issuer=issuer,
        reference=reference,
        issued_on=data.issued_on,
        originals=data.originals,
        copies=data.copies,
        amount_minor=amount_minor,
        currency=currency,
        cover_effective_on=cover_effective_on,
        fields=values,
        uploaded_by_id=actor.user.id,
    )
    db.session.add(document)
    db.session.flush()
    record_event(actor, order, "credit_document", note=f"{kind.value} {reference}")
    return document


def visible_shipment_document(company_id: int, public_id: str) -> ShipmentDocument | None:
    """An upload on an order the company is party to (the buyer sees what it will pay on)."""
    document: ShipmentDocument | None = db.session.scalar(
        select(ShipmentDocument)
        .join(Order, Order.id == ShipmentDocument.order_id)
        .where(
            ShipmentDocument.public_id == public_id,
            (Order.seller_id == company_id) | (Order.buyer_id == company_id),
        )
    )
    return document
