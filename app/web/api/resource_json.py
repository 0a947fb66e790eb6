"""Orders, shipments, payments and documents as the API's response models."""

from __future__ import annotations

from decimal import Decimal

from flask import url_for

from app.models import Document, DocumentKind, DocumentStatus, Order, Shipment
from app.money import Money
from app.web.api.resource_models import (
    ContainerOut,
    DocumentOut,
    MilestoneOut,
    OrderDetailOut,
    OrderLineOut,
    OrderOut,
    PackageOut,
    ReceiptOut,
    ShipmentLineOut,
    ShipmentOut,
)

# The kinds that carry an e-invoice (Factur-X CII) inside their PDF.
EINVOICE_KINDS = frozenset({DocumentKind.COMMERCIAL_INVOICE, DocumentKind.CREDIT_NOTE})


def amount(minor: int, currency: str) -> str:
    return str(Money.from_minor(minor, currency).amount)


def _kg(grams: int | None) -> str | None:
    return None if grams is None else format(Decimal(grams) / 1000, "f")


def order_out(order: Order) -> OrderOut:
    currency = order.currency
    return OrderOut(
        id=order.public_id,
        reference=order.reference,
        status=order.status.value,
        payment_status=order.payment_status.value,
        shipment_status=order.shipment_status.value,
        buyer=order.buyer.public_id,
        seller=order.seller.public_id,
        buyer_po_number=order.buyer_po_number,
        currency=currency,
        incoterm=order.incoterm.value,
        named_place=order.incoterm_place,
        destination_country=order.destination_country,
        destination_port=order.destination_port,
        payment_terms=order.payment_terms.value,
        goods_total=amount(order.goods_total_minor, currency),
        freight=amount(order.freight_minor, currency),
        insurance=amount(order.insurance_minor, currency),
        total=amount(order.total_minor, currency),
        confirmed_ship_date=order.confirmed_ship_date,
        placed_at=order.placed_at,
        updated_at=order.updated_at,
        lines=[
            OrderLineOut(
                line_no=line.line_no,
                title=line.title,
                hs_code=line.hs_code,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=amount(line.unit_price_minor, currency),
                line_total=amount(line.line_total_minor, currency),
            )
            for line in order.lines
        ],
    )


def document_out(document: Document) -> DocumentOut:
    issued = document.status == DocumentStatus.ISSUED
    return DocumentOut(
        id=document.public_id,
        order=document.order.public_id,
        kind=document.kind.value,
        number=document.number,
        status=document.status.value,
        issued_at=document.issued_at,
        currency=document.currency,
        total=amount(document.total_minor, document.currency)
        if document.total_minor is not None and document.currency
        else None,
        sha256=document.sha256,
        pdf_url=url_for("api.document_pdf", public_id=document.public_id) if issued else None,
        xml_url=url_for("api.document_xml", public_id=document.public_id)
        if issued and document.kind in EINVOICE_KINDS
        else None,
    )


def shipment_out(shipment: Shipment) -> ShipmentOut:
    line_numbers = {line.id: line.line_no for line in shipment.order.lines}
    return ShipmentOut(
        mode=shipment.mode.value,
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
            ShipmentLineOut(line_no=line_numbers.get(line.order_line_id, 0), quantity=line.quantity)
            for line in shipment.lines
        ],
        packages=[
            PackageOut(
                package_no=package.package_no,
                count=package.count,
                package_type=package.package_type,
                marks=package.marks,
                contents=package.contents,
                line_no=line_numbers.get(package.order_line_id) if package.order_line_id else None,
                container_number=package.container.container_number if package.container else None,
                net_weight_kg=_kg(package.net_weight_g),
                gross_weight_kg=_kg(package.gross_weight_g),
            )
            for package in shipment.packages
        ],
        containers=[
            ContainerOut(
                container_number=container.container_number,
                container_type=container.container_type,
                seal_number=container.seal_number,
            )
            for container in shipment.containers
        ],
    )


def order_detail_out(order: Order) -> OrderDetailOut:
    """The order with its shipments, payment milestones (with the payments received against
    each) and documents: what its page shows."""
    base = order_out(order)
    milestones = [
        MilestoneOut(
            id=milestone.public_id,
            sequence=milestone.sequence,
            kind=milestone.kind.value,
            method=milestone.method.value,
            percent=milestone.percent,
            amount=amount(milestone.amount_minor, milestone.currency),
            paid=amount(milestone.paid_minor, milestone.currency),
            currency=milestone.currency,
            trigger=milestone.trigger.value,
            due_on=milestone.due_on,
            state=milestone.state.value,
            payments=[
                ReceiptOut(
                    id=receipt.public_id,
                    method=receipt.method.value,
                    amount=amount(receipt.amount_minor, receipt.currency),
                    charges=amount(receipt.charges_minor, receipt.currency),
                    value_date=receipt.value_date,
                    bank_reference=receipt.bank_reference,
                    reversed=receipt.reversal is not None,
                    refunded=amount(
                        sum(refund.amount_minor for refund in receipt.refunds), receipt.currency
                    ),
                )
                for receipt in milestone.receipts
            ],
        )
        for milestone in sorted(order.milestones, key=lambda m: m.sequence)
    ]
    return OrderDetailOut(
        **base.model_dump(),
        shipments=[shipment_out(s) for s in sorted(order.shipments, key=lambda s: s.id)],
        milestones=milestones,
        documents=[document_out(d) for d in sorted(order.documents, key=lambda d: d.id)],
    )
