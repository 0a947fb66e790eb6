"""Two lots of one order recorded at the same moment share what is left to ship.

100 t of chromite, more or less 5 %, partial shipments allowed: two clerks each record a
lot of 60 t at once. The most the order takes is 105 t, so one lot is recorded and the
other is refused with what was left (45 t). Each runs in its own thread, app context,
session and connection (file SQLite or a fresh PostgreSQL database); the first is held
after it checked its quantities and before it wrote, while the second starts.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.database import commit
from app.extensions import db, write_intent
from app.models import Order, OrderStatus, Shipment, User
from app.services.audit.recording import Actor
from app.services.errors import DomainError
from app.services.fulfilment import actions, shipment_contents
from app.services.fulfilment.shipment_contents import LineInput
from tests.builders.dangerous_goods import in_production
from tests.builders.minerals import chromite
from tests.builders.orders import sea_shipment
from tests.builders.trade import make_trade
from tests.factories import this_weeks_rates


def _order(app: Flask) -> tuple[int, int]:
    with app.app_context():
        this_weeks_rates()
        trade = make_trade()
        commit()
        order = in_production(
            app,
            trade,
            [(chromite(trade.seller), 100)],
            tolerance_percent=5,
            partial_shipments=True,
            payment_terms="deposit_30_balance_70_bl",
        )
        found = (order.id, trade.sales.id)
        db.session.remove()
    return found


def test_two_lots_at_once_never_ship_more_than_the_order_allows(
    isolated_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id, sales_id = _order(isolated_app)
    checked, release = threading.Event(), threading.Event()
    real = shipment_contents.checked_contents

    def held(*args: Any, **kwargs: Any) -> Any:
        value = real(*args, **kwargs)
        if not checked.is_set():  # only the first lot waits
            checked.set()
            release.wait(timeout=30)
        return value

    monkeypatch.setattr(shipment_contents, "checked_contents", held)
    outcomes: list[str] = ["", ""]

    def record(index: int) -> None:
        with write_intent(), isolated_app.test_request_context():
            order = db.session.get(Order, order_id)
            sales = db.session.get(User, sales_id)
            assert order is not None and sales is not None
            lot = replace(
                sea_shipment(),
                lines=[LineInput(1, "60")],
                transport_document_number=f"COSU-RACE-{index}",
            )
            try:
                actions.record_shipment(Actor(sales), order, lot)
                commit()
                outcomes[index] = "recorded"
            except DomainError as refused:
                db.session.rollback()
                outcomes[index] = str(refused.message)
            finally:
                db.session.remove()

    first = threading.Thread(target=record, args=(0,))
    first.start()
    assert checked.wait(timeout=30), "the first lot never checked its quantities"
    second = threading.Thread(target=record, args=(1,))
    second.start()
    time.sleep(1.0)  # the second waits on the order's row (PostgreSQL) or the write lock
    release.set()
    for thread in (first, second):
        thread.join(timeout=60)

    assert outcomes[0] == "recorded"
    assert outcomes[1] == (
        "Line 1: 60 t is more than the order allows: at most 45 t more (100 t ordered, "
        "more or less 5 %; 60 t shipped in earlier lots)."
    )
    with isolated_app.app_context():
        assert db.session.scalar(select(func.count(Shipment.id))) == 1
        order = db.session.get(Order, order_id)
        assert order is not None and order.status is OrderStatus.IN_PRODUCTION
        db.session.remove()
