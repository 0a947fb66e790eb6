"""Response models of the API's read resources: orders with what ships and what is paid,
documents, listings, catalogue and reference data. Money is a decimal string, quantities
whole numbers of the line's unit, times ISO 8601 in UTC."""

from __future__ import annotations

from datetime import date, datetime

from app.web.api.contract import Amount, ResponseModel


class OrderLineOut(ResponseModel):
    line_no: int
    title: str
    hs_code: str
    quantity: int
    unit: str
    unit_price: Amount
    line_total: Amount


class OrderOut(ResponseModel):
    object: str = "order"
    id: str
    reference: str
    status: str
    payment_status: str
    shipment_status: str
    buyer: str
    seller: str
    buyer_po_number: str | None
    currency: str
    incoterm: str
    named_place: str
    destination_country: str
    destination_port: str
    payment_terms: str
    goods_total: Amount
    freight: Amount
    insurance: Amount
    total: Amount
    confirmed_ship_date: date | None
    placed_at: datetime
    updated_at: datetime
    lines: list[OrderLineOut]


class OrderListOut(ResponseModel):
    object: str = "list"
    data: list[OrderOut]
    has_more: bool


class ShipmentLineOut(ResponseModel):
    line_no: int
    quantity: int


class PackageOut(ResponseModel):
    package_no: int
    count: int
    package_type: str | None
    marks: str
    contents: str | None
    line_no: int | None
    container_number: str | None
    net_weight_kg: str | None
    gross_weight_kg: str | None


class ContainerOut(ResponseModel):
    container_number: str
    container_type: str
    seal_number: str | None


class ShipmentOut(ResponseModel):
    mode: str
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
    lines: list[ShipmentLineOut]
    packages: list[PackageOut]
    containers: list[ContainerOut]


class ReceiptOut(ResponseModel):
    id: str
    method: str
    amount: Amount
    charges: Amount
    value_date: date
    bank_reference: str | None
    reversed: bool
    refunded: Amount


class MilestoneOut(ResponseModel):
    id: str
    sequence: int
    kind: str
    method: str
    percent: int
    amount: Amount
    paid: Amount
    currency: str
    trigger: str
    due_on: date | None
    state: str
    payments: list[ReceiptOut]


class DocumentOut(ResponseModel):
    object: str = "document"
    id: str
    order: str
    kind: str
    number: str
    status: str
    issued_at: datetime
    currency: str | None
    total: Amount | None
    sha256: str | None
    pdf_url: str | None
    xml_url: str | None


class DocumentListOut(ResponseModel):
    object: str = "list"
    data: list[DocumentOut]
    has_more: bool


class FulfilmentOut(ResponseModel):
    """What an order page shows besides the order: shipments, payments, documents."""

    shipments: list[ShipmentOut]
    milestones: list[MilestoneOut]
    documents: list[DocumentOut]


class OrderDetailOut(OrderOut):
    shipments: list[ShipmentOut]
    milestones: list[MilestoneOut]
    documents: list[DocumentOut]
