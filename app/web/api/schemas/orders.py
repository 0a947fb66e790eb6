"""Orders as an ERP places and reads them (``POST /api/v1/orders``, ``GET .../<id>``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt

from app.models import Order
from app.models.order import OrderStatus, PaymentStatus, PaymentTerms, ShipmentStatus
from app.models.product import Incoterm
from app.money import Money
from app.services.orders.tolerance import MAX_PERCENT, HasTolerance, Tolerance
from app.web.api.contract import Amount, RequestModel, ResponseModel, Text
from app.web.api.schemas.fulfilment import OrderDocument, PaymentMilestone, Shipment

# A figure as the ERP sends it: a decimal string such as "524.00" or "12.5", or a whole
# number; never a JSON float, which could not carry "12.500" exactly.
Figure = StrictInt | Text
# Whose option the quantity tolerance is (``app.services.orders.tolerance.OPTIONS``).
ToleranceOption = Literal["seller", "buyer"]
# A quantity in the answer: an exact decimal string ("1200", "12.5").
Quantity = Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+)?$", examples=["1200", "12.5"])]


def quantity_text(value: Decimal) -> str:
    """A quantity as the API sends it: exact, no exponent, no trailing zeros ("12.5")."""
    return format(value.normalize(), "f")


def tolerance_option(terms: HasTolerance) -> ToleranceOption | None:
    """Whose option an order's or a quote's tolerance is, as the API answers it: null
    without a tolerance."""
    tolerance = Tolerance.of(terms)
    if not tolerance.percent:
        return None
    return "buyer" if tolerance.at_buyers_option else "seller"


def amount(minor: int | Decimal, currency: str) -> str:
    """Minor units as the decimal string the API sends (``200000`` USD → ``"2000.00"``); a
    unit price keeps its sub-cent digits (``25.24`` → ``"0.2524"``)."""
    return str(Money.from_minor(minor, currency).amount)


class OrderLineRequest(RequestModel):
    product: Text = Field(description="The listing's id, as the catalogue shows it.")
    quantity: Figure = Field(
        description="A quantity of the listing's unit, at least its minimum order, as a "
        'decimal string ("12.5") or a whole number: whole for counted units (PCE, SET), '
        "up to 3 decimals for measured ones (TNE, KGM, MTQ ...).",
        examples=["12.5", 1200],
    )


class PlaceOrder(RequestModel):
    """An order for listings of one seller; prices come from the listings, never from here.

    The terms are checked as at checkout: ``incoterm`` and ``named_place`` must be a pair
    the seller offers, ``payment_terms`` one they offer this buyer.
    """

    lines: list[OrderLineRequest] = Field(description="1 to 50 lines, each listing once.")
    incoterm: Text | None = Field(None, examples=["FOB"])
    named_place: Text | None = Field(None, examples=["Karachi"])
    destination_country: Text | None = Field(
        None, description="ISO 3166-1 alpha-2", examples=["CN"]
    )
    destination_port: Text | None = Field(None, examples=["Shanghai"])
    consignee: Text | None = Field(None, description="Name and address, 5 to 1000 characters.")
    payment_terms: Text | None = Field(None, examples=["advance"])
    notify_party: Text | None = Field(None, description="At most 1000 characters.")
    buyer_po_number: Text | None = Field(None, description="At most 50 characters.")
    requested_delivery_date: Annotated[date, Field(strict=False)] | None = None
    notes: Text | None = Field(None, description="At most 2000 characters.")
    expected_total_minor: StrictInt | None = Field(
        None,
        description="The total in minor units the ERP computed; a different price is refused.",
    )
    tolerance_percent: Annotated[StrictInt, Field(ge=0, le=MAX_PERCENT)] | None = Field(
        None,
        description='"More or less N %" on every line (UCP 600 art. 30): a whole number from '
        "0 to 10; each line may then ship that percent more or less. Absent or 0: none.",
        examples=[5],
    )
    tolerance_option: ToleranceOption | None = Field(
        None, description="Who chooses within the tolerance; the seller when absent."
    )
    provisional_percent: Annotated[StrictInt, Field(ge=0, le=100)] | None = Field(
        None,
        description="Weight terms: each lot is invoiced provisionally at this percent (50 to "
        "100) of its value on the loading weight, then finally on the outturn. Absent or 0: "
        "one invoice. Refused with letter of credit terms.",
        examples=[90],
    )
    partial_shipments: StrictBool = Field(
        False,
        description="Partial shipments allowed: the seller may ship in several lots, each "
        "with its own papers. Refused with letter of credit terms.",
    )


class OrderLine(ResponseModel):
    line_no: int
    title: str
    hs_code: str
    quantity: Quantity
    unit: str = Field(description="UN/ECE Recommendation 20 code, such as KGM.")
    unit_price: Amount
    line_total: Amount


class OrderEvent(ResponseModel):
    at: datetime
    kind: str
    from_status: str | None
    to_status: str | None
    actor: str | None
    note: str | None


class OrderSummary(ResponseModel):
    """What an ERP needs to book an order: parties, terms, lines and figures."""

    id: str
    reference: str
    status: OrderStatus
    payment_status: PaymentStatus
    shipment_status: ShipmentStatus
    buyer_po_number: str | None
    currency: str
    incoterm: Incoterm
    named_place: str
    destination_country: str
    destination_port: str
    payment_terms: PaymentTerms
    tolerance_percent: int = Field(
        description="More or less this percent on every line's quantity; 0 for none."
    )
    tolerance_option: ToleranceOption | None = Field(
        description="Whose option the tolerance is; null without one."
    )
    partial_shipments: bool = Field(description="Whether the order may ship in several lots.")
    provisional_percent: int = Field(
        description="Percent of the loading value a lot's provisional invoice asks; 0: none."
    )
    goods_total: Amount
    freight: Amount
    insurance: Amount
    total: Amount
    placed_at: datetime
    confirmed_ship_date: date | None
    # Any change to the order moves it (filter lists with updated_since).
    updated_at: datetime
    lines: list[OrderLine]

    @classmethod
    def of(cls, order: Order) -> OrderSummary:
        currency = order.currency
        return cls(
            id=order.public_id,
            reference=order.reference,
            status=order.status,
            payment_status=order.payment_status,
            shipment_status=order.shipment_status,
            buyer_po_number=order.buyer_po_number,
            currency=currency,
            incoterm=order.incoterm,
            named_place=order.incoterm_place,
            destination_country=order.destination_country,
            destination_port=order.destination_port,
            payment_terms=order.payment_terms,
            tolerance_percent=order.tolerance_percent,
            tolerance_option=tolerance_option(order),
            partial_shipments=order.partial_shipments,
            provisional_percent=order.provisional_percent,
            goods_total=amount(order.goods_total_minor, currency),
            freight=amount(order.freight_minor, currency),
            insurance=amount(order.insurance_minor, currency),
            total=amount(order.total_minor, currency),
            placed_at=order.placed_at,
            confirmed_ship_date=order.confirmed_ship_date,
            updated_at=order.updated_at,
            lines=[
                OrderLine(
                    line_no=line.line_no,
                    title=line.title,
                    hs_code=line.hs_code,
                    quantity=quantity_text(line.quantity),
                    unit=line.unit,
                    unit_price=amount(line.unit_price_minor, currency),
                    line_total=amount(line.line_total_minor, currency),
                )
                for line in order.lines
            ],
        )


class OrderDetail(OrderSummary):
    """One order with its timeline, shipments, payments and documents, as the order page
    shows it."""

    timeline: list[OrderEvent]
    documents: list[OrderDocument]
    shipments: list[Shipment]
    milestones: list[PaymentMilestone]

    @classmethod
    def of(cls, order: Order) -> OrderDetail:
        return cls(
            **OrderSummary.of(order).model_dump(),
            timeline=[
                OrderEvent(
                    at=event.occurred_at,
                    kind=event.kind,
                    from_status=event.from_status,
                    to_status=event.to_status,
                    actor=event.actor_name,
                    note=event.note,
                )
                for event in order.events
            ],
            documents=[
                OrderDocument.of(document)
                for document in sorted(order.documents, key=lambda document: document.id)
            ],
            shipments=[Shipment.of(shipment) for shipment in order.shipments],
            milestones=[
                PaymentMilestone.of(milestone)
                for milestone in sorted(order.milestones, key=lambda m: m.sequence)
            ],
        )


class OrderList(ResponseModel):
    """One page of orders, newest first; ``has_more`` when another follows."""

    data: list[OrderSummary]
    has_more: bool
