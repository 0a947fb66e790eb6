"""Partial shipments allowed: an order of chromite ships in lots, each with its own papers.

5,000 t of chromite at US$185.50 a tonne (US$927,500.00), more or less 10 %, 30 % deposit
and 70 % against the B/L, shipped in two lots of 2,480.350 t and 2,611.125 t: each lot has
its commercial invoice for what it carried, its share of the balance falls due with it,
the order stays open (partly shipped) until the last lot, and the register reads each
lot's invoice as open for what the receipts left after the earlier one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Document,
    DocumentKind,
    Incoterm,
    MilestoneKind,
    Order,
    OrderStatus,
    Product,
    ProductIncoterm,
    ShipmentStatus,
)
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor
from app.services.errors import DomainError, ValidationFailed
from app.services.finance.register import register_rows
from app.services.finance.register_filter import InvoiceStatus, RegisterFilter
from app.services.fulfilment import actions
from app.services.orders.placing import OrderTerms
from tests.builders.dangerous_goods import in_production
from tests.builders.minerals import chromite, ship_lot
from tests.builders.orders import (
    DEFAULT_TERMS,
    accept,
    place_for,
    start_production,
)
from tests.builders.payments import pay
from tests.builders.trade import Trade, make_trade
from tests.factories import ProductFactory
from tests.support.ledger import assert_ledger_holds

pytestmark = pytest.mark.usefixtures("exchange_rates")

DEPOSIT = "deposit_30_balance_70_bl"


@pytest.fixture
def trade() -> Trade:
    return make_trade()


def in_lots(
    app: Flask, trade: Trade, tonnes: int, percent: int, product: Product | None = None
) -> Order:
    return in_production(
        app,
        trade,
        [(product or chromite(trade.seller), tonnes)],
        tolerance_percent=percent,
        partial_shipments=True,
        payment_terms=DEPOSIT,
    )


def invoices(order: Order) -> list[tuple[str, int | None]]:
    return [
        (document.number, document.total_minor)
        for document in db.session.scalars(
            select(Document)
            .where(Document.order_id == order.id, Document.kind == DocumentKind.COMMERCIAL_INVOICE)
            .order_by(Document.id)
        )
    ]


def schedule(order: Order) -> list[tuple[MilestoneKind, int, date | None]]:
    db.session.expire_all()
    return [(m.kind, m.amount_minor, m.due_on) for m in order.milestones]


def test_two_lots_each_invoiced_for_what_it_carried(app: Flask, trade: Trade) -> None:
    order = in_lots(app, trade, 5_000, 10)
    with app.test_request_context():
        today = company_today(trade.buyer)
    assert schedule(order) == [
        (MilestoneKind.DEPOSIT, 27_825_000, today),
        (MilestoneKind.BALANCE, 64_925_000, None),
    ]

    ship_lot(app, trade, order, "2480.350", bl="COSU-LOT-1")
    db.session.refresh(order)
    # Open for the rest: in production, partly shipped, the ordered total unchanged.
    assert order.status is OrderStatus.IN_PRODUCTION
    assert order.shipment_status is ShipmentStatus.SHIPPED
    assert order.total_minor == 92_750_000
    # 2,480.350 t x US$185.50 = US$460,104.925, rounded half-up once.
    [(first_number, first_total)] = invoices(order)
    assert first_total == 46_010_493
    # 70 % of the lot's invoice falls due now; the balance keeps the rest for later lots.
    assert schedule(order) == [
        (MilestoneKind.DEPOSIT, 27_825_000, today),
        (MilestoneKind.BALANCE, 32_717_655, None),
        (MilestoneKind.BALANCE, 32_207_345, today),
    ]
    # The lot's share names the invoice it pays; the order's milestones name none.
    assert [m.invoice_number for m in order.milestones] == [None, None, first_number]
    assert_ledger_holds(order)

    ship_lot(app, trade, order, "2611.125", bl="COSU-LOT-2")
    db.session.refresh(order)
    assert order.status is OrderStatus.SHIPPED
    # The two lots round as one quantity: 5,091.475 t x US$185.50 = US$944,468.6125 ->
    # US$944,468.61, less lot 1's US$460,104.93: US$484,363.68 (its own rounding would
    # give .69, and the lots would bill a cent more than the contract's one rounding).
    assert invoices(order) == [
        (first_number, 46_010_493),
        (first_number[:-6] + f"{int(first_number[-6:]) + 1:06d}", 48_436_368),
    ]
    # What shipped (5,091.475 t, within 4,500 to 5,500) is what is owed: both invoices.
    assert (order.goods_total_minor, order.total_minor) == (94_446_861, 94_446_861)
    assert schedule(order) == [
        (MilestoneKind.DEPOSIT, 27_825_000, today),
        (MilestoneKind.BALANCE, 34_414_516, today),
        (MilestoneKind.BALANCE, 32_207_345, today),
    ]
    assert_ledger_holds(order)


def test_each_lot_has_its_own_papers_printing_its_own_quantity(app: Flask, trade: Trade) -> None:
    order = in_lots(app, trade, 5_000, 10)
    ship_lot(app, trade, order, "2480.350", bl="COSU-LOT-1")
    ship_lot(app, trade, order, "2611.125", bl="COSU-LOT-2")
    documents = db.session.scalars(
        select(Document)
        .where(Document.order_id == order.id, Document.kind != DocumentKind.PROFORMA_INVOICE)
        .order_by(Document.id)
    ).all()
    by_kind: dict[DocumentKind, list[Document]] = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)
    assert len(by_kind[DocumentKind.COMMERCIAL_INVOICE]) == 2
    assert len(by_kind[DocumentKind.PACKING_LIST]) == 2
    first, second = by_kind[DocumentKind.PACKING_LIST]
    assert first.data["shipment"]["transport_document_number"] == "COSU-LOT-1"
    assert second.data["shipment"]["transport_document_number"] == "COSU-LOT-2"
    assert first.data["shipment"]["lot"] == ["Lot 1", "第1批"]
    assert second.data["shipment"]["lot"] == ["Lot 2", "第2批"]
    assert [line["quantity"] for line in first.data["shipment"]["lines"]] == ["2480.35"]
    assert [line["quantity"] for line in second.data["shipment"]["lines"]] == ["2611.125"]
    # A later lot's package ids name the lot: labels of two lots never share an id.
    assert second.data["shipment"]["packages"][0]["public_id"] == f"{order.reference}-L2-001"
    invoice = by_kind[DocumentKind.COMMERCIAL_INVOICE][1]
    assert invoice.data["amounts"]["goods_minor"] == 48_436_368
    assert invoice.data["amounts"]["total_minor"] == 48_436_368
    # The second packing list names the second invoice.
    assert second.data["related"]["commercial_invoice"] == invoice.number


def test_the_register_pays_an_orders_lot_invoices_oldest_first(app: Flask, trade: Trade) -> None:
    order = in_lots(app, trade, 5_000, 10)
    pay(app, trade, order, due_only=True)  # the deposit, US$278,250.00
    ship_lot(app, trade, order, "2480.350")
    pay(app, trade, order, due_only=True)  # the first lot's share, US$322,073.45
    ship_lot(app, trade, order, "2611.125")
    with app.test_request_context():
        rows = list(register_rows(trade.seller.id, RegisterFilter(sort="issued"), date.today()))
        open_rows = list(
            register_rows(
                trade.seller.id, RegisterFilter(status=InvoiceStatus.PARTLY_PAID), date.today()
            )
        )
    lots = [(row.net_minor, row.paid_minor, row.outstanding_minor, row.status) for row in rows]
    # Paid US$600,323.45 in all: the first invoice whole, the rest on the second.
    assert lots == [
        (46_010_493, 46_010_493, 0, InvoiceStatus.PAID),
        (48_436_368, 14_021_852, 34_414_516, InvoiceStatus.PARTLY_PAID),
    ]
    assert [row.net_minor for row in open_rows] == [48_436_368]


def test_a_resubmitted_lot_is_not_booked_twice(app: Flask, trade: Trade) -> None:
    order = in_lots(app, trade, 100, 5)
    ship_lot(app, trade, order, "30", bl="COSU-7001")
    with pytest.raises(ValidationFailed) as refused:
        ship_lot(app, trade, order, "30", bl="cosu-7001")
    assert refused.value.field == "transport_document_number"
    assert str(refused.value.message) == (
        "B/L cosu-7001 is already recorded on this order: each lot has its own B/L."
    )
    db.session.rollback()
    assert len(invoices(order)) == 1


def test_a_lot_may_not_take_the_order_past_its_tolerance(app: Flask, trade: Trade) -> None:
    order = in_lots(app, trade, 100, 5)
    ship_lot(app, trade, order, "60")
    with pytest.raises(ValidationFailed) as refused:
        ship_lot(app, trade, order, "45.001")
    assert str(refused.value.message) == (
        "Line 1: 45.001 t is more than the order allows: at most 45 t more (100 t "
        "ordered, more or less 5 %; 60 t shipped in earlier lots)."
    )
    db.session.rollback()
    ship_lot(app, trade, order, "45")  # exactly +5 % in all closes the order
    db.session.refresh(order)
    assert order.status is OrderStatus.SHIPPED


def test_a_last_lot_must_bring_the_order_within_its_tolerance(app: Flask, trade: Trade) -> None:
    order = in_lots(app, trade, 100, 5)
    ship_lot(app, trade, order, "60")
    with pytest.raises(ValidationFailed) as refused:
        ship_lot(app, trade, order, "34.999", last=True)
    assert str(refused.value.message) == (
        "Line 1: as the last lot, this one must carry 35 to 45 t (100 t ordered, more "
        "or less 5 %; 60 t shipped in earlier lots)."
    )
    db.session.rollback()
    ship_lot(app, trade, order, "35", last=True)
    db.session.refresh(order)
    assert order.status is OrderStatus.SHIPPED
    assert order.goods_total_minor == 1_762_250  # 95 t


def test_the_seller_closes_the_balance_within_tolerance_and_the_stock_comes_back(
    app: Flask, trade: Trade
) -> None:
    product = chromite(trade.seller)
    order = in_lots(app, trade, 100, 5, product)
    db.session.refresh(product)
    assert product.stock_quantity == Decimal("4900")
    ship_lot(app, trade, order, "60")
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        actions.close_balance(Actor(trade.sales), order)
    assert "ship another lot first" in str(refused.value.message)
    db.session.rollback()
    ship_lot(app, trade, order, "36")
    with app.test_request_context():
        actions.close_balance(Actor(trade.sales), order, "Mine output closed for the season.")
        db.session.commit()
    db.session.refresh(order)
    db.session.refresh(product)
    assert order.status is OrderStatus.SHIPPED
    # 96 t shipped: US$17,808.00 owed; the 4 t kept for the rest are on sale again.
    assert order.total_minor == 1_780_800
    assert product.stock_quantity == Decimal("4904")
    # The deposit was 30 % of 100 t; the balance shares of the lots took 70 % of each, so
    # nothing is left for the balance and the last lot's share gives up US$222.60.
    assert [m.amount_minor for m in order.milestones] == [556_500, 779_100, 445_200]
    assert_ledger_holds(order)


def test_letters_of_credit_ship_in_one_lot(app: Flask, trade: Trade) -> None:
    with pytest.raises(ValidationFailed) as refused:
        place_for(
            app,
            trade.purchaser,
            [(chromite(trade.seller), 10)],
            payment_terms="lc_at_sight",
            partial_shipments=True,
        )
    assert refused.value.field == "partial_shipments"
    assert OrderTerms(**DEFAULT_TERMS).partial_shipments is False


def test_an_order_in_one_lot_still_ships_whole(app: Flask, trade: Trade) -> None:
    order = in_production(
        app, trade, [(chromite(trade.seller), 100)], tolerance_percent=5, payment_terms=DEPOSIT
    )
    with pytest.raises(ValidationFailed) as refused:
        ship_lot(app, trade, order, "60")
    assert "the order ships in one lot" in str(refused.value.message)


def test_freight_is_invoiced_with_the_first_lot(app: Flask, trade: Trade) -> None:
    cfr = ProductFactory(
        seller=trade.seller,
        title="Chromite ore lumps Cr2O3 40 %",
        hs_code="261000",
        unit="TNE",
        moq=1,
        price_from_minor=18_550,
        stock_quantity=5_000,
        incoterms=[ProductIncoterm(rule=Incoterm.CFR, named_place="Shanghai")],
    )
    order = place_for(
        app,
        trade.purchaser,
        [(cfr, 100)],
        incoterm="CFR",
        incoterm_place="Shanghai",
        partial_shipments=True,
    )
    accept(app, trade, order, freight=Decimal("12000.00"))
    start_production(app, trade, order)
    ship_lot(app, trade, order, "60")
    ship_lot(app, trade, order, "40")
    # 60 t (US$11,130.00) with the freight, then 40 t (US$7,420.00) alone: the invoices
    # add up to the order's total, US$30,550.00, and neither bills the freight twice.
    assert [total for _number, total in invoices(order)] == [2_313_000, 742_000]
    db.session.refresh(order)
    assert order.total_minor == 3_055_000
