"""Card payments against a local Stripe (localstripe) over HTTP.

The app creates the PaymentIntent for exactly what the milestone owes; the buyer's card goes
from the "browser" (here the test, as Stripe.js would) to Stripe only; Stripe's signed
webhook reaches a live app server and marks the milestone paid. Afterwards no log line,
page or database row holds a card number.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine
from stdnum.cn import uscc
from werkzeug.serving import make_server

from app.database import commit
from app.extensions import db
from app.models import (
    CompanyRole,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentMilestone,
    PaymentStatus,
    ProcessedWebhookEvent,
    User,
)
from app.payments.gateway import Intent, PaymentGateway, configured_gateway
from app.services.audit.recording import Actor
from app.services.errors import NotAllowed, ValidationFailed
from app.services.payments import milestones as payments
from app.services.payments.cards import start_card_payment
from tests import stripe_support
from tests.builders.orders import order_in
from tests.builders.trade import Trade, make_trade
from tests.factories import UserFactory
from tests.stripe_support import (
    TEST_CARD,
    pay_with_test_card,
    register_webhook,
    stripe_call,
    stripe_config,
)
from tests.support.auth import TEST_PASSWORD
from tests.support.ledger import new_key

localstripe_url = stripe_support.localstripe_url  # the module's localstripe (a fixture)
WEBHOOK_NAME = "corridor-live"  # one registration, replaced by each live test
PAID_WITHIN_SECONDS = 10.0


class RecordingGateway:
    """The real gateway, noting the idempotency key of every intent it creates."""

    def __init__(self, inner: PaymentGateway) -> None:
        self.inner = inner
        self.keys: list[str] = []
        self.canceled: list[str] = []

    def create_intent(
        self, amount_minor: int, currency: str, metadata: dict[str, str], idempotency_key: str
    ) -> Intent:
        self.keys.append(idempotency_key)
        return self.inner.create_intent(amount_minor, currency, metadata, idempotency_key)

    def retrieve_intent(self, intent_id: str) -> Intent:
        return self.inner.retrieve_intent(intent_id)

    def cancel_intent(self, intent_id: str) -> None:
        self.canceled.append(intent_id)
        self.inner.cancel_intent(intent_id)

    def refund(self, intent_id: str, amount_minor: int, idempotency_key: str) -> str:
        return self.inner.refund(intent_id, amount_minor, idempotency_key)

    def events_since(self, created_after: int) -> list[dict[str, Any]]:
        return self.inner.events_since(created_after)


def _accepted(app: Flask) -> tuple[Trade, Order]:
    """An accepted order (30 % deposit, 70 % balance) of 333 units at 2.50 USD."""
    trade = make_trade()
    order = order_in(
        app, trade, OrderStatus.ACCEPTED, quantity=333, payment_terms="deposit_30_balance_70_bl"
    )
    return trade, order


def _remote(base_url: str, intent_id: str) -> dict[str, Any]:
    status, intent = stripe_call(base_url, "GET", f"/v1/payment_intents/{intent_id}")
    assert status == 200, intent
    return intent


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """``app`` served on a free loopback port by a threaded werkzeug server."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _wait_until_paid(app: Flask, milestone_id: int) -> None:
    """Poll the database (a fresh session each time) until the webhook recorded a receipt."""
    deadline = time.monotonic() + PAID_WITHIN_SECONDS
    while True:
        with app.app_context():
            milestone = db.session.get(PaymentMilestone, milestone_id)
            assert milestone is not None
            if milestone.receipts:
                return
        if time.monotonic() > deadline:
            pytest.fail(f"no receipt within {PAID_WITHIN_SECONDS} s of the confirmation")
        time.sleep(0.1)


# --- starting a card payment --------------------------------------------------------------


def test_the_intent_is_created_for_the_deposit_and_reused_until_it_cannot_be(
    app: Flask,
    localstripe_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in stripe_config(localstripe_url).items():
        monkeypatch.setitem(app.config, key, value)
    trade, order = _accepted(app)
    deposit = order.milestones[0]
    buyer = Actor(trade.purchaser)
    key = f"corridor-milestone-{deposit.public_id}-"
    with app.test_request_context():
        inner = configured_gateway()
        assert inner is not None
        gateway = RecordingGateway(inner)
        with pytest.raises(NotAllowed):
            start_card_payment(Actor(trade.sales), deposit, gateway)
        assert gateway.keys == [] and deposit.card_attempts == 0

        first = start_card_payment(buyer, deposit, gateway)
        remote = _remote(localstripe_url, first.id)
        assert (remote["amount"], remote["currency"]) == (deposit.amount_minor, "usd")
        assert remote["metadata"]["milestone"] == deposit.public_id
        assert (first.amount_minor, first.currency) == (deposit.amount_minor, "USD")
        assert first.client_secret.startswith(f"{first.id}_secret_")
        assert deposit.payment_intent_id == first.id and deposit.card_attempts == 1
        assert gateway.keys == [key + "1"]

        # Asking again (a reload, a double click) resumes the open intent.
        again = start_card_payment(buyer, deposit, gateway)
        assert again.id == first.id and again.client_secret == first.client_secret
        assert deposit.card_attempts == 1 and gateway.keys == [key + "1"]

        # Canceled at Stripe: a new attempt with a new key.
        status, canceled = stripe_call(
            localstripe_url, "POST", f"/v1/payment_intents/{first.id}/cancel"
        )
        assert status == 200 and canceled["status"] == "canceled"
        second = start_card_payment(buyer, deposit, gateway)
        assert second.id != first.id and deposit.payment_intent_id == second.id
        assert deposit.card_attempts == 2 and gateway.keys == [key + "1", key + "2"]

        # Part of the deposit came by bank transfer: the open intent's amount is stale.
        finance: User = UserFactory(  # type: ignore[no-untyped-call, assignment]
            company=trade.seller, company_role=CompanyRole.FINANCE
        )
        transfer = payments.ReceiptInput("10.00", date.today(), "SCBL-TT-7")
        payments.record_receipt(Actor(finance), deposit, transfer)
        third = start_card_payment(buyer, deposit, gateway)
        assert third.id not in (first.id, second.id)
        # The superseded open intent is closed at Stripe, so an old tab cannot pay it.
        assert gateway.canceled == [second.id]
        assert _remote(localstripe_url, second.id)["status"] == "canceled"
        assert third.amount_minor == deposit.amount_minor - 1000
        assert _remote(localstripe_url, third.id)["amount"] == deposit.amount_minor - 1000
        assert deposit.card_attempts == 3
        assert gateway.keys == [key + "1", key + "2", key + "3"]
        assert len(set(gateway.keys)) == 3

        # Once the card payment went through, no new one starts.
        pay_with_test_card(localstripe_url, third.id)
        with pytest.raises(ValidationFailed):
            start_card_payment(buyer, deposit, gateway)
        assert deposit.card_attempts == 3 and len(gateway.keys) == 3


# --- the whole way round: intent, card at Stripe, signed webhook, paid --------------------


def test_a_confirmed_card_payment_reaches_the_live_app_and_pays_the_deposit(
    isolated_app: Flask,
    localstripe_url: str,
) -> None:
    isolated_app.config.update(stripe_config(localstripe_url))
    isolated_app.config["WTF_CSRF_ENABLED"] = True  # the webhook is exempt, as in production
    started = time.monotonic()
    with live_server(isolated_app) as server:
        register_webhook(localstripe_url, WEBHOOK_NAME, f"{server}/webhooks/stripe")
        with isolated_app.app_context():
            trade, order = _accepted(isolated_app)
            deposit = order.milestones[0]
            with isolated_app.test_request_context():
                gateway = configured_gateway()
                assert gateway is not None
                intent = start_card_payment(Actor(trade.purchaser), deposit, gateway)
            commit()
            milestone_id, amount_minor = deposit.id, deposit.amount_minor
        assert intent.status == "requires_payment_method"
        pay_with_test_card(localstripe_url, intent.id)
        _wait_until_paid(isolated_app, milestone_id)
    elapsed = time.monotonic() - started
    with isolated_app.app_context():
        milestone = db.session.get(PaymentMilestone, milestone_id)
        assert milestone is not None and milestone.is_paid
        (receipt,) = milestone.receipts
        assert receipt.method is PaymentMethod.CARD
        assert receipt.external_id == intent.id == milestone.payment_intent_id
        assert (receipt.amount_minor, receipt.currency) == (amount_minor, "USD")
        assert milestone.order.payment_status is PaymentStatus.PARTLY_PAID
        assert not milestone.order.milestones[1].receipts  # the balance is still owed
        processed = db.session.scalars(select(ProcessedWebhookEvent)).all()
        assert [(p.event_type, p.outcome) for p in processed] == [
            ("payment_intent.succeeded", "paid")
        ]
        assert "payment" in [event.kind for event in milestone.order.events]
    assert elapsed < PAID_WITHIN_SECONDS + 5


# --- no card number anywhere --------------------------------------------------------------

# 13 to 19 digits, run together or in groups of four (or Amex's 4-6-5) split by a space or dash.
# Whole tokens only: the 17 digits before a Chinese tax id's letter check character
# ("91310000000000251F") are part of that id, not a card number.
_CANDIDATE = re.compile(
    r"(?<![\dA-Za-z-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{5})"
    r"(?![\dA-Za-z-])"
)


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def card_numbers(text: str) -> list[str]:
    """Digit strings in ``text`` that could be card numbers (13 to 19 digits, Luhn-valid).

    The Chinese buyer's tax id (an 18-digit Unified Social Credit Code, valid by its own
    check digit) is no card number and is left out.
    """
    found = []
    for match in _CANDIDATE.finditer(text):
        digits = re.sub(r"[ -]", "", match.group(0))
        if 13 <= len(digits) <= 19 and _luhn(digits) and not uscc.is_valid(digits):
            found.append(match.group(0))
    return found


def test_the_card_number_detector_finds_card_numbers() -> None:
    """The control for the scan below: it would see a card number in any usual form."""
    for text in (
        TEST_CARD,
        "card=4242 4242 4242 4242;",
        "pan: 4242-4242-4242-4242",
        '{"number": "378282246310005"}',  # Amex
        "4000056655665556 (debit)",
    ):
        assert card_numbers(text), text
    assert card_numbers("4242424242424241") == []  # fails the Luhn check
    assert card_numbers("pi_3Mtw 2026-11-27 06:27:41 1795760861") == []
    assert card_numbers("tax id 91310000000000251F") == []  # a Chinese USCC, letter-checked


def _database_text(engine: Engine) -> Iterator[tuple[str, str, str]]:
    """(table, column, value) for every text (and JSON) value in every table."""
    metadata = MetaData()
    metadata.reflect(bind=engine)
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(table.select()).mappings():
                for column, value in row.items():
                    if isinstance(value, str):
                        yield table.name, column, value
                    elif isinstance(value, dict | list):
                        yield table.name, column, json.dumps(value, ensure_ascii=False)


def test_no_route_form_log_or_row_holds_a_card_number(
    isolated_app: Flask,
    localstripe_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # everything: requests, the Stripe SDK, the app
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQL with its parameters
    isolated_app.config.update(stripe_config(localstripe_url))
    pages: list[str] = []
    with live_server(isolated_app) as server:
        register_webhook(localstripe_url, WEBHOOK_NAME, f"{server}/webhooks/stripe")
        with isolated_app.app_context():
            trade, order = _accepted(isolated_app)
            commit()
            email, order_id = trade.purchaser.email, order.public_id
            milestone_id, milestone_public_id = (
                order.milestones[0].id,
                order.milestones[0].public_id,
            )
        client = isolated_app.test_client()
        assert (
            client.post("/login", data={"email": email, "password": TEST_PASSWORD}).status_code
            == 302
        )
        order_page = client.get(f"/buyer/orders/{order_id}")
        assert order_page.status_code == 200
        pages.append(order_page.get_data(as_text=True))
        assert f"/payments/milestones/{milestone_public_id}/card" in pages[-1]

        # The buyer opens the card form: it holds no field of ours for card data.
        response = client.post(
            f"/payments/milestones/{milestone_public_id}/card",
            data={"next": f"/buyer/orders/{order_id}", "submission_key": new_key()},
        )
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        card_page = response.get_data(as_text=True)
        pages.append(card_page)
        form = re.search(r'<form id="card-form".*?</form>', card_page, re.S)
        assert form is not None
        assert not re.search(r"<(input|select|textarea)\b|\bname=", form.group(0))
        secret = re.search(r'data-client-secret="((pi_\w+?)_secret_\w+)"', form.group(0))
        assert secret is not None
        intent_id = secret.group(2)

        # The card goes to Stripe only (Stripe.js in the browser); the webhook comes back.
        pay_with_test_card(localstripe_url, intent_id)
        _wait_until_paid(isolated_app, milestone_id)
        pages.append(client.get(f"/buyer/orders/{order_id}").get_data(as_text=True))

    logs = caplog.text
    # The control: the server threads' request lines and the SQL writes are in the logs.
    assert "/webhooks/stripe" in logs and "INSERT INTO payment_receipts" in logs
    assert intent_id in logs
    assert card_numbers(logs) == []
    for page in pages:
        assert card_numbers(page) == []
    with isolated_app.app_context():
        values = list(_database_text(db.engine))
    assert any(value == intent_id for _, _, value in values)  # the scan reaches the receipts
    found = [(table, column) for table, column, value in values if card_numbers(value)]
    assert found == []
