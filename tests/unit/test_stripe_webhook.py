"""The Stripe webhook: signed over the raw body, each event applied once, money only when the
amount and currency are exactly what the milestone still owes.

Bodies are signed here with Stripe's scheme (``t=<ts>,v1=HMAC-SHA256(secret, "<ts>.<body>")``)
and posted with the test client; milestones get a made-up ``payment_intent_id`` directly.
The race runs on its own database (``isolated_app``) with one thread and session per
delivery, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.database import commit, rollback, write_intent
from app.extensions import db
from app.models import (
    AuditEvent,
    CardIntent,
    OrderEvent,
    OrderStatus,
    PaymentMethod,
    PaymentMilestone,
    PaymentReceipt,
    PaymentStatus,
    ProcessedWebhookEvent,
)
from app.money import Money
from app.services.payments.cards import apply_event
from tests.builders.orders import order_in
from tests.builders.trade import make_trade
from tests.stripe_support import WEBHOOK_SECRET, sign
from tests.support.ledger import assert_ledger_holds

URL = "/webhooks/stripe"
SUCCEEDED = "payment_intent.succeeded"
FAILED = "payment_intent.payment_failed"
Counts = tuple[int, int, int, int]


@pytest.fixture(autouse=True)
def webhook_secret(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)


def _deposit(app: Flask, currency: str = "USD", price_minor: int = 250) -> PaymentMilestone:
    """The 30 % deposit of an accepted order of 333 units, with a card payment under way."""
    trade = make_trade(currency=currency, price_from_minor=price_minor)
    order = order_in(
        app, trade, OrderStatus.ACCEPTED, quantity=333, payment_terms="deposit_30_balance_70_bl"
    )
    deposit = order.milestones[0]
    deposit.payment_intent_id = f"pi_test_{uuid.uuid4().hex[:16]}"
    db.session.flush()
    return deposit


def _event(
    kind: str,
    intent_id: str,
    amount: int,
    currency: str,
    *,
    event_id: str | None = None,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "api_version": "2017-08-15",
        "created": int(time.time()),
        "type": kind,
        "data": {
            "object": {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "currency": currency.lower(),
                "metadata": metadata or {},
                "status": "succeeded" if kind == SUCCEEDED else "requires_payment_method",
            }
        },
    }


def _paid(deposit: PaymentMilestone, **changes: Any) -> dict[str, Any]:
    """A succeeded event for exactly what ``deposit`` owes, unless ``changes`` say otherwise."""
    fields: dict[str, Any] = {"amount": deposit.amount_minor, "currency": deposit.currency}
    fields.update(changes)
    kind = fields.pop("kind", SUCCEEDED)
    assert deposit.payment_intent_id is not None
    return _event(kind, deposit.payment_intent_id, **fields)


def _body(event: dict[str, Any]) -> bytes:
    # Raw UTF-8, as Stripe sends it (non-ASCII text is not escaped).
    return json.dumps(event, ensure_ascii=False, indent=2).encode()


def _post(client: FlaskClient, body: bytes, signature: str | None = "sign") -> Any:
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        signature = sign(body)
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post(URL, data=body, headers=headers)


def _deliver(client: FlaskClient, event: dict[str, Any]) -> tuple[int, str | None]:
    response = _post(client, _body(event))
    return response.status_code, (response.get_json(silent=True) or {}).get("outcome")


def _counts() -> Counts:
    """Processed events, receipts, timeline entries and audit events, in that order."""
    return (
        db.session.scalar(select(func.count(ProcessedWebhookEvent.id))) or 0,
        db.session.scalar(select(func.count(PaymentReceipt.id))) or 0,
        db.session.scalar(select(func.count(OrderEvent.id))) or 0,
        db.session.scalar(select(func.count(AuditEvent.id))) or 0,
    )


def _kinds(deposit: PaymentMilestone) -> list[str]:
    return [event.kind for event in deposit.order.events]


# --- signatures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("t=1,v1=deadbeef", id="garbage"),
        pytest.param("other secret", id="wrong-secret"),
        pytest.param("no v1", id="no-v1-scheme"),
        pytest.param("stale", id="301-seconds-old"),
        pytest.param("tampered", id="body-changed-after-signing"),
    ],
)
def test_a_bad_signature_answers_400_and_writes_nothing(
    app: Flask, client: FlaskClient, signature: str | None
) -> None:
    deposit = _deposit(app)
    body = _body(_paid(deposit))
    now = int(time.time())
    header: str | None = {
        "other secret": sign(body, secret="whsec_someone_else"),
        "no v1": sign(body).replace("v1=", "v0="),
        "stale": sign(body, timestamp=now - 301),
        "tampered": sign(body),
    }.get(signature or "", signature)
    if signature == "tampered":
        body = body.replace(
            str(deposit.amount_minor).encode(), str(deposit.amount_minor - 1).encode()
        )
    before = _counts()
    response = _post(client, body, header)
    assert response.status_code == 400
    assert _counts() == before
    assert not deposit.receipts and deposit.order.payment_status is PaymentStatus.UNPAID


def test_a_signature_within_the_tolerance_is_accepted(app: Flask, client: FlaskClient) -> None:
    """The control for the stale case: 290 seconds old still verifies."""
    deposit = _deposit(app)
    body = _body(_paid(deposit))
    response = _post(client, body, sign(body, timestamp=int(time.time()) - 290))
    assert response.status_code == 200 and deposit.is_paid


def test_non_ascii_text_verifies_over_the_raw_bytes(app: Flask, client: FlaskClient) -> None:
    deposit = _deposit(app)
    event = _paid(deposit, metadata={"order": "上海五矿贸易有限公司", "city": "上海"})
    body = _body(event)
    assert "上海".encode() in body  # really raw UTF-8 on the wire
    # Signed over a re-serialised (ASCII-escaped) form of the same JSON: must not verify.
    escaped = json.dumps(event, ensure_ascii=True, indent=2).encode()
    assert _post(client, body, sign(escaped)).status_code == 400
    assert not deposit.receipts
    response = _post(client, body)
    assert response.status_code == 200 and response.get_json()["outcome"] == "paid"
    assert deposit.is_paid


def test_the_webhook_needs_no_csrf_token(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/logout").status_code == 400  # CSRF really is on for other forms
    deposit = _deposit(app)
    assert _deliver(client, _paid(deposit)) == (200, "paid")


# --- each event once, never backwards -----------------------------------------------------


def test_the_same_event_delivered_twice_records_one_receipt(
    app: Flask, client: FlaskClient
) -> None:
    deposit = _deposit(app)
    event = _paid(deposit)
    assert _deliver(client, event) == (200, "paid")
    after_first = _counts()
    assert _deliver(client, event) == (200, "duplicate")
    # A replay of the same intent under another event id changes nothing either.
    assert _deliver(client, _paid(deposit)) == (200, "duplicate")
    assert _counts()[1:] == after_first[1:]
    (receipt,) = deposit.receipts
    assert receipt.method is PaymentMethod.CARD
    assert receipt.external_id == deposit.payment_intent_id
    assert receipt.amount_minor == deposit.amount_minor
    assert _kinds(deposit).count("payment") == 1
    assert deposit.order.payment_status is PaymentStatus.PARTLY_PAID
    assert_ledger_holds(deposit.order)


def test_a_failure_after_the_success_leaves_the_milestone_paid(
    app: Flask, client: FlaskClient
) -> None:
    deposit = _deposit(app)
    assert _deliver(client, _paid(deposit)) == (200, "paid")
    assert _deliver(client, _paid(deposit, kind=FAILED)) == (200, "failed")
    assert deposit.is_paid and len(deposit.receipts) == 1
    assert deposit.order.payment_status is PaymentStatus.PARTLY_PAID
    assert "card_failed" not in _kinds(deposit)
    assert_ledger_holds(deposit.order)


def test_a_failure_before_the_success_is_shown_then_the_payment_counts(
    app: Flask, client: FlaskClient
) -> None:
    deposit = _deposit(app)
    assert _deliver(client, _paid(deposit, kind=FAILED)) == (200, "failed")
    assert not deposit.is_paid and "card_failed" in _kinds(deposit)
    assert _deliver(client, _paid(deposit)) == (200, "paid")
    assert deposit.is_paid and deposit.order.payment_status is PaymentStatus.PARTLY_PAID


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"delta": 1}, id="one-minor-unit-more"),
        pytest.param({"delta": -1}, id="one-minor-unit-less"),
        pytest.param({"currency": "EUR"}, id="wrong-currency"),
    ],
)
def test_a_mismatched_amount_or_currency_is_flagged_not_paid(
    app: Flask, client: FlaskClient, change: dict[str, Any]
) -> None:
    deposit = _deposit(app)
    event = _paid(
        deposit,
        amount=deposit.amount_minor + change.get("delta", 0),
        currency=change.get("currency", deposit.currency),
    )
    assert _deliver(client, event) == (200, "mismatch")
    assert not deposit.receipts and not deposit.is_paid
    assert deposit.order.payment_status is PaymentStatus.UNPAID
    assert "card_mismatch" in _kinds(deposit)
    audit = db.session.scalar(select(AuditEvent).filter_by(action="payment.card_mismatch"))
    assert audit is not None and audit.details["intent"] == deposit.payment_intent_id
    processed = db.session.scalar(select(ProcessedWebhookEvent).filter_by(event_id=event["id"]))
    assert processed is not None and processed.outcome == "mismatch"
    assert_ledger_holds(deposit.order)


@pytest.mark.parametrize("kind", ["charge.succeeded", "customer.created", "payment_intent.created"])
def test_unhandled_event_types_answer_200(app: Flask, client: FlaskClient, kind: str) -> None:
    deposit = _deposit(app)
    event = _paid(deposit, kind=kind)
    assert _deliver(client, event) == (200, "ignored")
    assert _deliver(client, event) == (200, "duplicate")
    assert not deposit.receipts and deposit.order.payment_status is PaymentStatus.UNPAID


@pytest.mark.parametrize("kind", [SUCCEEDED, FAILED])
def test_an_unknown_intent_answers_404_and_writes_nothing(
    app: Flask, client: FlaskClient, kind: str
) -> None:
    deposit = _deposit(app)
    before = _counts()
    event = _event(kind, "pi_nobody_made_this", deposit.amount_minor, deposit.currency)
    assert _deliver(client, event)[0] == 404
    assert _counts() == before
    assert not deposit.receipts


def test_without_a_webhook_secret_nothing_is_accepted(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", None)
    deposit = _deposit(app)
    before = _counts()
    assert _deliver(client, _paid(deposit))[0] == 404
    assert _counts() == before


# --- currencies with 0, 2 and 3 decimals --------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "price_minor", "deposit_minor", "deposit_major"),
    [
        # 333 units; the deposit is 30 % of the total, allocated to the minor unit.
        ("JPY", 7, 699, "699"),  # 2 331 JPY
        ("USD", 250, 24975, "249.75"),  # 832.50 USD
        ("KWD", 1235, 123377, "123.377"),  # 411.255 KWD; the .5 fils tie goes to the deposit
    ],
)
def test_zero_two_and_three_decimal_currencies_convert_exactly(
    app: Flask,
    client: FlaskClient,
    currency: str,
    price_minor: int,
    deposit_minor: int,
    deposit_major: str,
) -> None:
    deposit = _deposit(app, currency, price_minor)
    assert deposit.currency == currency and deposit.amount_minor == deposit_minor
    assert deposit.amount == Money(Decimal(deposit_major), currency)
    # Stripe's amount is the minor unit of the currency: yen, cents, fils.
    assert _deliver(client, _paid(deposit, amount=deposit_minor)) == (200, "paid")
    (receipt,) = deposit.receipts
    assert (receipt.amount_minor, receipt.currency) == (deposit_minor, currency)
    assert receipt.amount == deposit.amount and deposit.remaining.amount == 0
    assert deposit.is_paid and deposit.order.payment_status is PaymentStatus.PARTLY_PAID


# --- two deliveries at the same moment ----------------------------------------------------


@pytest.mark.parametrize(
    "same_event_id",
    [pytest.param(True, id="same-event-twice"), pytest.param(False, id="same-intent-two-events")],
)
def test_two_simultaneous_deliveries_record_one_receipt(
    isolated_app: Flask, same_event_id: bool
) -> None:
    with isolated_app.app_context():
        deposit = _deposit(isolated_app)
        commit()
        first = _paid(deposit)
        second = first if same_event_id else _paid(deposit)
        milestone_id = deposit.id
    events = [first, second]
    barrier = threading.Barrier(2)
    results = ["", ""]

    def deliver(index: int) -> None:
        with isolated_app.app_context(), write_intent():
            try:
                barrier.wait(timeout=30)
                results[index] = apply_event(json.loads(_body(events[index])))
                commit()
            except Exception as error:  # reported in the assertion
                rollback()
                results[index] = f"crashed: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["duplicate", "paid"], results
    with isolated_app.app_context():
        milestone = db.session.get(PaymentMilestone, milestone_id)
        assert milestone is not None
        (receipt,) = milestone.receipts
        assert receipt.amount_minor == milestone.amount_minor and milestone.is_paid
        assert milestone.order.payment_status is PaymentStatus.PARTLY_PAID
        assert [e.kind for e in milestone.order.events].count("payment") == 1
        processed = db.session.scalar(select(func.count(ProcessedWebhookEvent.id)))
        assert processed == (1 if same_event_id else 2)


def test_a_superseded_intent_paid_in_an_old_tab_still_pays_its_milestone(
    app: Flask, client: FlaskClient
) -> None:
    deposit = _deposit(app)
    old = deposit.payment_intent_id
    assert old is not None
    db.session.add(CardIntent(intent_id=old, milestone=deposit))
    deposit.payment_intent_id = f"pi_test_{uuid.uuid4().hex[:16]}"  # a newer attempt
    db.session.flush()
    event = _event(SUCCEEDED, old, deposit.amount_minor, deposit.currency)
    assert _deliver(client, event) == (200, "paid")
    assert [r.external_id for r in deposit.receipts] == [old] and deposit.is_paid
    assert_ledger_holds(deposit.order)


@pytest.mark.parametrize(
    "body",
    [
        {"id": "evt_no_data", "type": SUCCEEDED},
        [1, 2, 3],
        {"id": "evt_bad_amount", "type": SUCCEEDED, "data": {"object": {"id": "pi_x", "amount": "lots", "currency": "usd"}}},
    ],
)  # fmt: skip
def test_a_signed_body_that_is_not_an_event_answers_400(
    app: Flask, client: FlaskClient, body: Any
) -> None:
    before = _counts()
    raw = json.dumps(body).encode()
    assert _post(client, raw).status_code == 400
    assert _counts() == before


def test_a_replay_under_another_event_id_is_stored_as_a_duplicate(
    app: Flask, client: FlaskClient
) -> None:
    deposit = _deposit(app)
    assert _deliver(client, _paid(deposit)) == (200, "paid")
    assert _deliver(client, _paid(deposit)) == (200, "duplicate")
    outcomes = db.session.scalars(
        select(ProcessedWebhookEvent.outcome).order_by(ProcessedWebhookEvent.id)
    )
    assert list(outcomes) == ["paid", "duplicate"]
