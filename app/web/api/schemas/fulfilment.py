"""What follows an order: its shipments (lines, packages, containers), its payment
milestones with the payments received against them, and its documents with their
download links."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from flask import url_for
from pydantic import Field

from app.models import Document as DocumentRow
from app.models import (
    DocumentKind,
    DocumentStatus,
    MilestoneState,
    PaymentMethod,
    ShipmentMode,
)
from app.models import PaymentMilestone as MilestoneRow
from app.models import Shipment as ShipmentRow
from app.money import Money, plain_decimal
from app.web.api.contract import Amount, ResponseModel


def _amount(minor: int, currency: str) -> str:
    return str(Money.from_minor(minor, currency).amount)


def _kg(grams: int | None) -> str | None:
    return None if grams is None else format(Decimal(grams) / 1000, "f")


class ShippedQuantity(ResponseModel):
    line_no: int
    # Exact decimal text in the order line's unit ("2480.35", "150"), as every quantity
    # the API answers.
    quantity: Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+)?$", examples=["150", "12.5"])]


class ShippedPackage(ResponseModel):
    package_no: int
    count: int
    package_type: str | None
    marks: str
    contents: str | None
    line_no: int | None
    container_number: str | None
    net_weight_kg: str | None
    gross_weight_kg: str | None


class ShippedContainer(ResponseModel):
    container_number: str
    container_type: str
    seal_number: str | None


class Shipment(ResponseModel):
    mode: ShipmentMode
    carrier: str
    vessel: str | None
    voyage: str | None
    flight: str | None
    transport_document_number: str
    port_of_loading: str
    port_of_discharge: str
    etd: date
    eta: date
    net_weight_kg: str
    gross_weight_kg: str
    recorded_at: datetime
    lines: list[ShippedQuantity]
    packages: list[ShippedPackage]
    containers: list[ShippedContainer]

    @classmethod
    def of(cls, shipment: ShipmentRow) -> Shipment:
        line_numbers = {line.id: line.line_no for line in shipment.order.lines}
        return cls(
            mode=shipment.mode,
            carrier=shipment.carrier,
            vessel=shipment.vessel,
            voyage=shipment.voyage,
            flight=shipment.flight,
            transport_document_number=shipment.transport_document_number,
            port_of_loading=shipment.port_of_loading,
            port_of_discharge=shipment.port_of_discharge,
            etd=shipment.etd,
            eta=shipment.eta,
            net_weight_kg=_kg(shipment.net_weight_g) or "0",
            gross_weight_kg=_kg(shipment.gross_weight_g) or "0",
            recorded_at=shipment.recorded_at,
            lines=[
                ShippedQuantity(
                    line_no=line_numbers.get(line.order_line_id, 0),
                    quantity=format(plain_decimal(line.quantity), "f"),
                )
                for line in shipment.lines
            ],
            packages=[
                ShippedPackage(
                    package_no=package.package_no,
                    count=package.count,
                    package_type=package.package_type,
                    marks=package.marks,
                    contents=package.contents,
                    line_no=line_numbers.get(package.order_line_id)
                    if package.order_line_id
                    else None,
                    container_number=package.container.container_number
                    if package.container
                    else None,
                    net_weight_kg=_kg(package.net_weight_g),
                    gross_weight_kg=_kg(package.gross_weight_g),
                )
                for package in shipment.packages
            ],
            containers=[
                ShippedContainer(
                    container_number=container.container_number,
                    container_type=container.container_type,
                    seal_number=container.seal_number,
                )
                for container in shipment.containers
            ],
        )


class Payment(ResponseModel):
    """A payment received against a milestone; a reversed one no longer counts."""

    id: str
    method: PaymentMethod
    amount: Amount
    charges: Amount
    value_date: date
    bank_reference: str | None
    reversed: bool
    refunded: Amount


class PaymentMilestone(ResponseModel):
    id: str
    sequence: int
    kind: str
    method: PaymentMethod
    percent: int
    amount: Amount
    paid: Amount
    currency: str
    trigger: str
    due_on: date | None
    state: MilestoneState
    payments: list[Payment]

    @classmethod
    def of(cls, milestone: MilestoneRow) -> PaymentMilestone:
        currency = milestone.currency
        return cls(
            id=milestone.public_id,
            sequence=milestone.sequence,
            kind=milestone.kind.value,
            method=milestone.method,
            percent=milestone.percent,
            amount=_amount(milestone.amount_minor, currency),
            paid=_amount(milestone.paid_minor, currency),
            currency=currency,
            trigger=milestone.trigger.value,
            due_on=milestone.due_on,
            state=milestone.state,
            payments=[
                Payment(
                    id=receipt.public_id,
                    method=receipt.method,
                    amount=_amount(receipt.amount_minor, receipt.currency),
                    charges=_amount(receipt.charges_minor, receipt.currency),
                    value_date=receipt.value_date,
                    bank_reference=receipt.bank_reference,
                    reversed=receipt.reversal is not None,
                    refunded=_amount(
                        sum(refund.amount_minor for refund in receipt.refunds), receipt.currency
                    ),
                )
                for receipt in milestone.receipts
            ],
        )


def pdf_url(document: DocumentRow) -> str | None:
    if document.status != DocumentStatus.ISSUED:
        return None
    return url_for("api.document_pdf", public_id=document.public_id)


def xml_url(document: DocumentRow) -> str | None:
    # Only a PDF that embeds the XML: an invoice EN 16931 cannot express is issued without.
    if document.status != DocumentStatus.ISSUED or not document.carries_einvoice:
        return None
    return url_for("api.document_xml", public_id=document.public_id)


class OrderDocument(ResponseModel):
    """A document as its order lists it; the URLs appear once it is issued."""

    id: str
    kind: DocumentKind
    number: str
    issued_at: datetime
    status: DocumentStatus
    sha256: str | None
    # Download links (GET /api/v1/documents/<id>.pdf and .xml) once the PDF is issued;
    # the XML only for invoices and credit notes, which carry an e-invoice.
    pdf_url: str | None
    xml_url: str | None
    # Whether the issued PDF embeds the e-invoice XML (false for other kinds, while the
    # PDF is being made, and for an invoice whose fils EN 16931 cannot carry).
    carries_einvoice: bool

    @classmethod
    def of(cls, document: DocumentRow) -> OrderDocument:
        return cls(
            id=document.public_id,
            kind=document.kind,
            number=document.number,
            issued_at=document.issued_at,
            status=document.status,
            sha256=document.sha256,
            pdf_url=pdf_url(document),
            xml_url=xml_url(document),
            carries_einvoice=document.is_ready and document.carries_einvoice,
        )


class Document(OrderDocument):
    """An issued (or still rendering) document listed on its own: its order and total
    too."""

    order: str
    currency: str | None
    total: Amount | None

    @classmethod
    def of(cls, document: DocumentRow) -> Document:
        return cls(
            **OrderDocument.of(document).model_dump(),
            order=document.order.public_id,
            currency=document.currency,
            total=_amount(document.total_minor, document.currency)
            if document.total_minor is not None and document.currency
            else None,
        )


class DocumentList(ResponseModel):
    data: list[Document]
    has_more: bool
