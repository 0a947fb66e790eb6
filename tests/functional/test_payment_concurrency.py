"""The same money-writing form sent twice at the same moment, through the whole request
(boundary, savepoint, unique key): one entry, and the second answered as a replay.

Each request runs in its own thread, app context, session and connection, on a file SQLite
database or a fresh PostgreSQL one (``TEST_DATABASE_URL``). The first request is held after
it wrote (its key and receipt not committed yet) while the second is sent: on PostgreSQL
the second then waits on the key's unique index and is refused once the first commits; on
SQLite it waits for the write lock and then finds the key.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.database import commit
from app.extensions import db
from app.models import (
    CompanyRole,
    IdempotencyKey,
    Order,
    OrderStatus,
    PaymentReceipt,
    PaymentReversal,
    User,
)
from app.services.audit.recording import Actor
from app.services.payments import milestones, reversals
from app.services.payments.milestones import ReceiptInput, record_receipt
from tests.builders.orders import order_in
from tests.builders.trade import make_trade
from tests.factories import UserFactory, this_weeks_rates
from tests.support.auth import TEST_PASSWORD
from tests.support.ledger import assert_ledger_holds, new_key, receipt_form


def _setup(app: Flask) -> tuple[int, str, str]:
    """An accepted advance order; its id, its milestone's public id, a finance clerk."""
    with app.app_context():
        this_weeks_rates()
        trade = make_trade()
        finance = UserFactory(company=trade.seller, company_role=CompanyRole.FINANCE)
        commit()
        order = order_in(app, trade, OrderStatus.ACCEPTED, quantity=333)
        found = (order.id, order.milestones[0].public_id, finance.email)
        db.session.remove()
    return found


def _held(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str
) -> tuple[threading.Event, threading.Event]:
    """Make ``module.name`` stop after it wrote, until released: (wrote, release)."""
    wrote, release = threading.Event(), threading.Event()
    real: Callable[..., Any] = getattr(module, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        value = real(*args, **kwargs)
        wrote.set()
        release.wait(timeout=30)
        return value

    monkeypatch.setattr(module, name, held)
    return wrote, release


def _post_twice_at_once(
    app: Flask, email: str, url: str, forms: tuple[dict[str, str], dict[str, str]],
    wrote: threading.Event, release: threading.Event,
) -> list[str]:  # fmt: skip
    """Two signed-in sessions post; the second while the first is held after its write."""
    clients = [app.test_client(), app.test_client()]
    for client in clients:
        assert (
            client.post("/login", data={"email": email, "password": TEST_PASSWORD}).status_code
            == 302
        )
    pages = ["", ""]

    def post(index: int) -> None:
        response = clients[index].post(url, data=forms[index], follow_redirects=True)
        pages[index] = f"{response.status_code} {response.get_data(as_text=True)}"

    first = threading.Thread(target=post, args=(0,))
    first.start()
    assert wrote.wait(timeout=30), "the first request never wrote"
    second = threading.Thread(target=post, args=(1,))
    second.start()
    time.sleep(1.0)  # the second is waiting on the first now (key index or write lock)
    release.set()
    for thread in (first, second):
        thread.join(timeout=60)
    return pages


def test_the_same_receipt_posted_twice_at_once_is_recorded_once(
    isolated_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id, milestone_id, email = _setup(isolated_app)
    wrote, release = _held(monkeypatch, milestones, "record_receipt")
    form = receipt_form("1,000.00", "HBL-TT-PARALLEL", new_key())
    pages = _post_twice_at_once(
        isolated_app, email, f"/payments/milestones/{milestone_id}/receipts", (form, form),
        wrote, release,
    )  # fmt: skip
    assert pages[0].startswith("200") and "The receipt is recorded." in pages[0]
    assert pages[1].startswith("200")
    assert "This receipt was already recorded; nothing was added." in pages[1]
    with isolated_app.app_context():
        assert db.session.scalar(select(func.count(PaymentReceipt.id))) == 1
        assert db.session.scalar(select(func.count(IdempotencyKey.id))) == 1
        order = db.session.get(Order, order_id)
        assert order is not None and order.paid_minor == 100_000
        assert_ledger_holds(order)
        db.session.remove()


def test_two_reversals_of_one_receipt_at_once_make_one(
    isolated_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two clerks (two forms, two keys) reverse the same receipt in the same moment."""
    order_id, _, email = _setup(isolated_app)
    with isolated_app.test_request_context():
        order = db.session.get(Order, order_id)
        clerk = db.session.scalar(select(User).where(User.email == email))
        assert order is not None and clerk is not None
        receipt = record_receipt(
            Actor(clerk), order.milestones[0], ReceiptInput("500.00", date.today(), "TT-R")
        )
        receipt_id = receipt.public_id
        commit()
        db.session.remove()
    wrote, release = _held(monkeypatch, reversals, "reverse_receipt")
    url = f"/payments/receipts/{receipt_id}/reversal"
    forms = (
        {"reason": "Recorded twice by mistake", "submission_key": new_key()},
        {"reason": "Recorded twice by mistake", "submission_key": new_key()},
    )
    pages = _post_twice_at_once(isolated_app, email, url, forms, wrote, release)
    assert "The receipt is reversed" in pages[0]
    assert "This receipt was already reversed." in pages[1]
    with isolated_app.app_context():
        assert db.session.scalar(select(func.count(PaymentReversal.id))) == 1
        order = db.session.get(Order, order_id)
        assert order is not None and order.paid_minor == 0
        assert_ledger_holds(order)
        db.session.remove()
