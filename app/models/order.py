"""Orders: the trade contract between one buyer company and one seller company.

Three status axes are kept apart (as in saleor): the lifecycle of the contract, the
payment axis (the payments issue moves it) and the shipment axis. Lines are snapshots
of the listing at the moment of ordering: a later edit of the listing never changes a
placed order.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, Quantity, UnitPrice, enum_column_type, utcnow
from app.models.product import Incoterm

if TYPE_CHECKING:
    from app.models.company import Company
    from app.models.document import Document
    from app.models.payment import PaymentMilestone
    from app.models.product import Product
    from app.models.quotation import QuoteRevision
    from app.models.shipment_contents import ShipmentContainer, ShipmentLine
    from app.models.user import User
    from app.models.weight_settlement import WeightSettlement


class OrderStatus(enum.StrEnum):
    PLACED = "placed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PRODUCTION = "in_production"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class PaymentStatus(enum.StrEnum):
    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    REFUNDED = "refunded"


class ShipmentStatus(enum.StrEnum):
    NOT_SHIPPED = "not_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"


class PaymentTerms(enum.StrEnum):
    ADVANCE = "advance"  # 100 % in advance
    DEPOSIT_BALANCE_BL = "deposit_30_balance_70_bl"  # 30 % deposit, 70 % against copy of B/L
    LC_AT_SIGHT = "lc_at_sight"  # irrevocable letter of credit at sight
    NET_30 = "net_30"  # 30 days from the commercial invoice, for trusted buyers


class ShipmentMode(enum.StrEnum):
    SEA = "sea"
    AIR = "air"
    ROAD = "road"
    RAIL = "rail"


class Order(PublicIdMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (
        sa.Index("ix_orders_buyer_placed", "buyer_id", "placed_at"),
        sa.Index("ix_orders_seller_placed", "seller_id", "placed_at"),
        sa.CheckConstraint("buyer_id <> seller_id", name="two_parties"),
        # An ERP retrying a request with the same key gets the order it already placed.
        sa.UniqueConstraint("placed_by_id", "idempotency_key"),
        # One order per accepted quote revision (a unique index: SQLite adds no constraint
        # to an existing table).
        sa.Index("uq_orders_quote_revision_id", "quote_revision_id", unique=True),
        sa.CheckConstraint(
            "total_minor = goods_total_minor + freight_minor + insurance_minor",
            name="total_adds_up",
        ),
    )

    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    placed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64))
    buyer_po_number: Mapped[str | None] = mapped_column(sa.String(50), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    incoterm: Mapped[Incoterm] = mapped_column(enum_column_type(Incoterm))
    incoterm_place: Mapped[str] = mapped_column(sa.String(100))
    destination_country: Mapped[str] = mapped_column(sa.String(2))
    destination_port: Mapped[str] = mapped_column(sa.String(100))
    consignee: Mapped[str] = mapped_column(sa.Text)
    notify_party: Mapped[str | None] = mapped_column(sa.Text)
    requested_delivery_date: Mapped[date | None]
    payment_terms: Mapped[PaymentTerms] = mapped_column(enum_column_type(PaymentTerms))
    # "More or less N % at seller's (or buyer's) option" on every line's quantity (UCP 600
    # art. 30): 0 to 10 whole percent; what ships within it completes the order and sets
    # the amount invoiced (app.services.orders.tolerance).
    tolerance_percent: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    tolerance_at_buyers_option: Mapped[bool] = mapped_column(
        default=False, server_default=sa.false()
    )
    # Partial shipments allowed (L/C field 43P): the order may ship in several lots, each
    # with its own papers; the last lot, or the seller closing the balance within the
    # tolerance, moves the order on (app.services.fulfilment.lots).
    partial_shipments: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Weight terms: each lot is invoiced provisionally at this percent of its value on the
    # loading weight, then finally on the outturn (app.services.fulfilment.outturn); 0: no.
    provisional_percent: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[OrderStatus] = mapped_column(
        enum_column_type(OrderStatus), default=OrderStatus.PLACED, index=True
    )
    payment_status: Mapped[PaymentStatus] = mapped_column(
        enum_column_type(PaymentStatus), default=PaymentStatus.UNPAID
    )
    shipment_status: Mapped[ShipmentStatus] = mapped_column(
        enum_column_type(ShipmentStatus), default=ShipmentStatus.NOT_SHIPPED
    )
    # Derived from the milestones whenever a payment moves (app.services.payments.milestones), kept on
    # the order so the invoice register filters and ages thousands of invoices in SQL.
    paid_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default=sa.text("0"))
    next_due_on: Mapped[date | None] = mapped_column(index=True)
    goods_total_minor: Mapped[int]
    freight_minor: Mapped[int] = mapped_column(default=0)
    insurance_minor: Mapped[int] = mapped_column(default=0)
    total_minor: Mapped[int]
    confirmed_ship_date: Mapped[date | None]
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    # An order awarded from a quote: the accepted revision and the SHA-256 of its terms,
    # printed on the proforma so both parties can show which offer became the contract.
    quote_revision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quote_revisions.id"))
    quote_terms_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    buyer: Mapped[Company] = relationship(foreign_keys=[buyer_id])
    seller: Mapped[Company] = relationship(foreign_keys=[seller_id])
    placed_by: Mapped[User] = relationship()
    quote_revision: Mapped[QuoteRevision | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        order_by="OrderLine.line_no", cascade="all, delete-orphan", back_populates="order"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        order_by="OrderEvent.id", cascade="all, delete-orphan", back_populates="order"
    )
    shipments: Mapped[list[Shipment]] = relationship(
        order_by="Shipment.id", cascade="all, delete-orphan", back_populates="order"
    )
    milestones: Mapped[list[PaymentMilestone]] = relationship(
        order_by="PaymentMilestone.sequence", back_populates="order", cascade="save-update"
    )
    # Issued documents never leave their order: no cascade, the model refuses deletes.
    documents: Mapped[list[Document]] = relationship(
        order_by="Document.id", back_populates="order", cascade="save-update"
    )

    @property
    def reference(self) -> str:
        """The order number both parties quote (e.g. CO-000042)."""
        return f"CO-{self.id:06d}"

    @property
    def credit_minor(self) -> int:
        """Received beyond the total once every milestone is paid: the buyer's credit on
        the order, for the parties to settle (a refund, or set against another order)."""
        return max(self.paid_minor - self.total_minor, 0)


class OrderLine(Base):
    """One line of the contract, frozen from the listing when the order was placed."""

    __tablename__ = "order_lines"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "line_no"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int]
    # Kept for reference only; every figure below is the snapshot.
    product_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    hs_code: Mapped[str] = mapped_column(sa.String(10))
    origin_country: Mapped[str] = mapped_column(sa.String(2))
    unit: Mapped[str] = mapped_column(sa.String(3))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price_minor: Mapped[Decimal] = mapped_column(UnitPrice)
    line_total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    # Units taken from stock (0 for made-to-order lines); released on rejection/cancellation.
    reserved_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=0)
    lead_time_days: Mapped[int | None]
    units_per_package: Mapped[int | None]
    net_weight_g: Mapped[int | None]
    gross_weight_g: Mapped[int | None]
    length_mm: Mapped[int | None]
    width_mm: Mapped[int | None]
    height_mm: Mapped[int | None]
    un_number: Mapped[str | None] = mapped_column(sa.String(6))
    proper_shipping_name: Mapped[str | None] = mapped_column(sa.String(200))
    hazard_class: Mapped[str | None] = mapped_column(sa.String(4))
    packing_group: Mapped[str | None] = mapped_column(sa.String(3))
    net_explosive_mass_g: Mapped[int | None]
    # Controlled goods (class 1, or the listing flagged controlled) as the listing was when
    # ordered: every licence gate asks, and an order page asks without reading listings.
    controlled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    subsidiary_risk: Mapped[str | None] = mapped_column(sa.String(20))
    ems: Mapped[str | None] = mapped_column(sa.String(20))

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()


class OrderEvent(Base):
    """One entry of the timeline both parties see: who did what, when, from what to what."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(sa.String(120))
    actor_company_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[str | None] = mapped_column(sa.String(32))
    to_status: Mapped[str | None] = mapped_column(sa.String(32))
    note: Mapped[str | None] = mapped_column(sa.Text)

    order: Mapped[Order] = relationship(back_populates="events")


class Shipment(Base):
    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[ShipmentMode] = mapped_column(enum_column_type(ShipmentMode))
    carrier: Mapped[str] = mapped_column(sa.String(100))
    vessel: Mapped[str | None] = mapped_column(sa.String(100))
    voyage: Mapped[str | None] = mapped_column(sa.String(40))
    flight: Mapped[str | None] = mapped_column(sa.String(40))
    transport_document_number: Mapped[str] = mapped_column(sa.String(60))  # B/L or AWB number
    container_numbers: Mapped[str | None] = mapped_column(sa.Text)
    port_of_loading: Mapped[str] = mapped_column(sa.String(100))
    port_of_discharge: Mapped[str] = mapped_column(sa.String(100))
    etd: Mapped[date]
    eta: Mapped[date]
    net_weight_g: Mapped[int] = mapped_column(sa.BigInteger)
    gross_weight_g: Mapped[int] = mapped_column(sa.BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    order: Mapped[Order] = relationship(back_populates="shipments")
    packages: Mapped[list[ShipmentPackage]] = relationship(
        order_by="ShipmentPackage.package_no",
        cascade="all, delete-orphan",
        back_populates="shipment",
    )
    lines: Mapped[list[ShipmentLine]] = relationship(
        order_by="ShipmentLine.id", cascade="all, delete-orphan", back_populates="shipment"
    )
    containers: Mapped[list[ShipmentContainer]] = relationship(
        order_by="ShipmentContainer.position",
        cascade="all, delete-orphan",
        back_populates="shipment",
    )
    # Weight terms: the lot's provisional invoice and, once entered, its outturn.
    weight_settlement: Mapped[WeightSettlement | None] = relationship(
        back_populates="shipment", uselist=False
    )


class ShipmentPackage(Base):
    """A package (or a group of identical packages) with its shipping marks."""

    __tablename__ = "shipment_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    package_no: Mapped[int]
    count: Mapped[int] = mapped_column(default=1)
    package_type: Mapped[str | None] = mapped_column(sa.String(40))
    marks: Mapped[str] = mapped_column(sa.Text)
    contents: Mapped[str | None] = mapped_column(sa.String(200))
    net_weight_g: Mapped[int | None] = mapped_column(sa.BigInteger)
    gross_weight_g: Mapped[int | None] = mapped_column(sa.BigInteger)
    length_mm: Mapped[int | None]
    width_mm: Mapped[int | None]
    height_mm: Mapped[int | None]
    # The order line whose goods the package holds, and the container it is stowed in.
    order_line_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("order_lines.id", ondelete="CASCADE"), index=True
    )
    container_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("shipment_containers.id", ondelete="SET NULL"), index=True
    )

    shipment: Mapped[Shipment] = relationship(back_populates="packages")
    order_line: Mapped[OrderLine | None] = relationship()
    container: Mapped[ShipmentContainer | None] = relationship(back_populates="packages")


class CartLine(Base):
    """A line in a purchaser's cart; carts are per person, grouped by seller at checkout."""

    __tablename__ = "cart_lines"
    __table_args__ = (sa.UniqueConstraint("user_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship()


class TrustedBuyer(Base):
    """A buyer the seller trusts with open-account terms (net 30)."""

    __tablename__ = "trusted_buyers"
    __table_args__ = (sa.UniqueConstraint("seller_id", "buyer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
