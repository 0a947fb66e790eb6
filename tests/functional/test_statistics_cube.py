"""The trade-flow cube: refreshed by a job when an order ships or is credited, and nightly."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import (
    Document,
    DocumentKind,
    FlowDirection,
    IncotermGroup,
    OrderStatus,
    TradeFlowFact,
)
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_credit_note
from app.services.jobs import take_pending
from app.services.statistics import cube
from app.tasks.statistics import refresh_trade_flow_cube, refresh_trade_flows
from tests.builders.orders import order_in
from tests.builders.trade import finance_of, make_trade

pytestmark = pytest.mark.usefixtures("exchange_rates")


def _run_queued_refreshes() -> list[int]:
    """Run the refresh jobs the committed work asked for, as the queue would; their ids."""
    asked = [p.args[0] for p in take_pending() if p.job == "refresh_trade_flows"]
    for order_id in asked:
        refresh_trade_flows.call_local(order_id)
    return asked


def _facts(order_id: int) -> list[tuple[str, int, int, int]]:
    return [
        (f.hs4, f.value_usd_minor, f.net_weight_g, f.shipments)
        for f in db.session.scalars(select(TradeFlowFact).where(TradeFlowFact.order_id == order_id))
    ]


def test_shipping_an_order_writes_its_facts(app: Flask) -> None:
    trade = make_trade()
    order = order_in(app, trade, OrderStatus.IN_PRODUCTION, quantity=200)
    assert _facts(order.id) == []
    take_pending()
    order = order_in(app, trade, OrderStatus.SHIPPED, quantity=200)
    assert _facts(order.id) == []  # until the job runs
    assert _run_queued_refreshes() == [order.id]
    fact = db.session.scalars(select(TradeFlowFact).where(TradeFlowFact.order_id == order.id)).one()
    # 200 × US$ 2.50 FOB Karachi: US$ 500.00; 200 kg by the shipment recorded.
    assert (fact.hs2, fact.hs4, fact.value_usd_minor, fact.net_weight_g) == (
        "36",
        "3602",
        50_000,
        200_000,
    )
    assert (fact.port_of_loading, fact.port_of_discharge) == ("Karachi", "Shanghai")
    assert fact.direction is FlowDirection.PK_CN
    assert fact.incoterm_group is IncotermGroup.F
    assert (fact.seller_id, fact.buyer_id) == (trade.seller.id, trade.buyer.id)
    assert fact.month == utcnow().date().replace(day=1)


def test_a_credit_note_takes_its_amount_off(app: Flask) -> None:
    trade = make_trade()
    order = order_in(app, trade, OrderStatus.SHIPPED, quantity=200)
    invoice = db.session.scalars(
        select(Document).where(
            Document.order_id == order.id, Document.kind == DocumentKind.COMMERCIAL_INVOICE
        )
    ).one()
    with app.test_request_context():
        issue_credit_note(Actor(finance_of(trade.seller)), invoice, 12_000, "Two drums damaged")
        db.session.commit()
    assert order.id in _run_queued_refreshes()
    assert _facts(order.id) == [("3602", 38_000, 200_000, 1)]


def test_an_invoice_in_yuan_counts_at_the_rate_of_its_issue_day(app: Flask) -> None:
    trade = make_trade(currency="CNY")
    order = order_in(app, trade, OrderStatus.SHIPPED, quantity=200)
    _run_queued_refreshes()
    # CNY 500.00 at 1 / 7.1205 (the stored USD/CNY rate, inverted) = US$ 70.22.
    assert _facts(order.id) == [("3602", 7_022, 200_000, 1)]


def test_the_nightly_refresh_restores_what_is_missing_and_changes_nothing_twice(
    app: Flask,
) -> None:
    trade = make_trade()
    order = order_in(app, trade, OrderStatus.SHIPPED, quantity=200)
    db.session.execute(delete(TradeFlowFact).where(TradeFlowFact.order_id == order.id))
    before = cube.cube_version()
    with app.app_context():
        cube.refresh_nightly(utcnow())
    assert _facts(order.id) == [("3602", 50_000, 200_000, 1)]
    assert cube.cube_version()[0] == before[0] + 1
    cube.refresh_nightly(utcnow() + timedelta(days=1))
    assert _facts(order.id) == [("3602", 50_000, 200_000, 1)]


def test_orders_not_shipped_have_no_facts(app: Flask) -> None:
    trade = make_trade()
    accepted = order_in(app, trade, OrderStatus.ACCEPTED, quantity=200)
    assert cube.refresh_orders([accepted.id]) == 0
    assert _facts(accepted.id) == []


def test_allocation_splits_exactly() -> None:
    assert cube.allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert cube.allocate(7, [0, 0]) == [7, 0]
    assert sum(cube.allocate(1_000_003, [5, 17, 2])) == 1_000_003


def test_the_nightly_refresh_runs_at_02_35_in_the_consumer() -> None:
    check = refresh_trade_flow_cube.task_class().validate_datetime
    assert check(datetime(2026, 12, 8, 2, 35))
    assert not check(datetime(2026, 12, 8, 2, 34))
    assert not check(datetime(2026, 12, 8, 2, 36))


def test_a_shipment_invoiced_this_month_leaves_published_tables_cached(app: Flask) -> None:
    trade = make_trade()
    before = cube.cube_version()
    take_pending()
    order = order_in(app, trade, OrderStatus.SHIPPED, quantity=200)
    assert _run_queued_refreshes() == [order.id]
    assert _facts(order.id) == [("3602", 50_000, 200_000, 1)]
    # This month is not published for two months: no cached table is out of date.
    assert cube.cube_version() == before
    # Facts of a published month replaced (a credit note on an old invoice): tables go.
    db.session.execute(
        update(TradeFlowFact)
        .where(TradeFlowFact.order_id == order.id)
        .values(month=date(2025, 1, 1))
    )
    cube.refresh_order(order.id)
    assert cube.cube_version()[0] == before[0] + 1
