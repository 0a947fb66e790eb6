"""Outgoing webhooks: a receiver on loopback gets each event, signed, retried, never for a
rolled-back change; the backoff and the 3-day disable at their boundary seconds; private
addresses refused; another company's endpoints and deliveries are not found.

The receiver is a real HTTP server on 127.0.0.1 in a thread; deliveries are made by the
real job (Huey runs jobs inline in tests) after the real unit-of-work commit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.database import commit, rollback
from app.extensions import db
from app.models import (
    AuditEvent,
    CompanyRole,
    DeliveryStatus,
    Order,
    OrderStatus,
    OutboxEmail,
    PriceTier,
    Product,
    User,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.models.base import utcnow
from app.models.licence import LicenceKind, ReviewStatus
from app.services.audit.recording import Actor
from app.services.claims import decision as claim_decision
from app.services.claims import responses as claim_responses
from app.services.fulfilment import actions
from app.services.jobs import drop_pending
from app.services.licences import vault
from app.services.licences.authority import create_authority_user
from app.services.orders.cart import set_cart_quantity
from app.services.orders.placing import OrderTerms, place_order
from app.services.payments import reminders
from app.services.webhooks import delivery as webhook_delivery
from app.services.webhooks import endpoints as webhook_endpoints
from app.services.webhooks import events as webhook_events
from app.tasks import reminders as reminder_tasks
from tests.builders.claims import claim_on, delivered_paid
from tests.builders.claims import operator as claims_operator
from tests.builders.licences import authority, licence
from tests.builders.orders import DEFAULT_TERMS, group_key, order_in
from tests.builders.trade import Trade, committed_trade, make_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import TEST_PASSWORD, AuthActions
from tests.support.webhooks import SECRET_SHOWN_ONCE, Receiver, register

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def trade() -> Trade:
    return committed_trade()


def owner_of(trade: Trade) -> User:
    owner: User = UserFactory(
        company=trade.buyer, company_role=CompanyRole.OWNER, full_name="Wang Owner"
    )
    db.session.commit()
    return owner


def place(app: Flask, trade: Trade, quantity: int = 500) -> Order:
    """The purchaser checks out; the request's unit of work commits (jobs start after)."""
    with app.test_request_context():
        actor = Actor(trade.purchaser)
        set_cart_quantity(actor, trade.product, quantity)
        order = place_order(actor, group_key(trade.product), OrderTerms(**DEFAULT_TERMS))
        commit()
    return order


def verify(secret: str, header: str, body: str) -> list[str]:
    """The receiver's check, written out: recompute HMAC-SHA256 over ``t.body``; returns the
    v1 values that match."""
    parts = [item.split("=", 1) for item in header.split(",")]
    timestamp = next(value for key, value in parts if key == "t")
    expected = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return [value for key, value in parts if key == "v1" and hmac.compare_digest(value, expected)]


def only_endpoint(company_id: int) -> WebhookEndpoint:
    return db.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.company_id == company_id)
    ).one()


def test_each_event_arrives_signed_once_delivered_after_a_500(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, receiver: Receiver
) -> None:
    owner = owner_of(trade)
    secret = register(client, auth, owner, receiver.url, "order.placed", "order.accepted")
    receiver.answers = [500]

    order = place(app, trade)

    assert [r["answered"] for r in receiver.received] == [500]
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    first = db.session.scalars(select(WebhookAttempt)).one()
    assert (first.status_code, first.error) == (500, "HTTP 500")
    assert delivery.status is DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == first.attempted_at + timedelta(seconds=60)

    # The periodic task's work a minute later: the retry is answered 200.
    with app.test_request_context():
        assert webhook_delivery.queue_due(first.attempted_at + timedelta(seconds=60)) == [
            delivery.id
        ]
        commit()
    assert [r["answered"] for r in receiver.received] == [500, 200]
    db.session.refresh(delivery)
    assert delivery.status is DeliveryStatus.DELIVERED
    # Delivered: later runs of the periodic task send nothing more.
    with app.test_request_context():
        assert webhook_delivery.queue_due(utcnow() + timedelta(days=1)) == []
        commit()
    assert len(receiver.received) == 2

    # The seller accepts: a second event, delivered at the first attempt.
    with app.test_request_context():
        actions.accept(
            Actor(trade.sales), order, confirmed_ship_date=utcnow().date() + timedelta(days=10)
        )
        commit()
    assert [r["answered"] for r in receiver.received] == [500, 200, 200]

    bodies = [json.loads(r["body"]) for r in receiver.received]
    assert [b["type"] for b in bodies] == ["order.placed", "order.placed", "order.accepted"]
    # The retry is the same event: same id, same bytes; each event has its own id.
    assert receiver.received[0]["body"] == receiver.received[1]["body"]
    assert bodies[0]["id"] != bodies[2]["id"]
    assert re.fullmatch(r"evt_[0-9a-f]{24}", bodies[2]["id"])
    assert bodies[2]["data"]["object"]["reference"] == order.reference
    assert bodies[2]["data"]["object"]["status"] == "accepted"
    for request in receiver.received:
        header = request["headers"]["Corridor-Signature"]
        assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", header)
        assert len(verify(secret, header, request["body"])) == 1
        assert verify("whsec_not-the-secret", header, request["body"]) == []
    # The seller registered nothing: no event was written for it.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(WebhookEvent)
            .where(WebhookEvent.company_id == trade.seller.id)
        )
        == 0
    )

    # The owner sees each attempt and resends the first event: same id again.
    endpoint = only_endpoint(trade.buyer.id)
    page = client.get(f"/company/webhooks/{endpoint.public_id}").get_data(as_text=True)
    assert "HTTP 500" in page
    assert page.count("order.placed") >= 2
    assert secret not in page
    response = client.post(f"/company/webhooks/deliveries/{delivery.public_id}/resend")
    assert response.status_code == 302
    assert len(receiver.received) == 4
    assert receiver.received[3]["body"] == receiver.received[0]["body"]
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("webhook.%"))
        )
        == 2
    )  # registered, resent


def test_a_rolled_back_change_sends_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, receiver: Receiver
) -> None:
    register(client, auth, owner_of(trade), receiver.url, "order.placed")
    with app.test_request_context():
        actor = Actor(trade.purchaser)
        set_cart_quantity(actor, trade.product, 500)
        place_order(actor, group_key(trade.product), OrderTerms(**DEFAULT_TERMS))
        assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 1
        rollback()
    with app.test_request_context():
        commit()  # nothing the abandoned transaction queued survives it
    assert receiver.received == []
    assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def _event_for(app: Flask, company_id: int) -> WebhookDelivery:
    """An event written through the outbox service; its job is left unqueued."""
    with app.test_request_context():
        (event,) = webhook_events.emit(
            (company_id,), "order.placed", {"object": "order", "id": "test"}
        )
        db.session.flush()
        drop_pending()
        delivery = db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
        ).one()
        db.session.commit()
    return delivery


def _attempt(app: Flask, delivery: WebhookDelivery, now: datetime) -> None:
    with app.test_request_context():
        assert webhook_delivery.attempt_delivery(delivery.id, delivery.attempts, now)
        db.session.commit()


def test_backoff_doubles_from_one_minute_due_at_its_boundary_second(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, receiver: Receiver
) -> None:
    register(client, auth, owner_of(trade), receiver.url, "order.placed")
    receiver.answers = [500, 503, 500]
    delivery = _event_for(app, trade.buyer.id)
    start = utcnow().replace(microsecond=0)

    _attempt(app, delivery, start)
    assert delivery.next_attempt_at == start + timedelta(seconds=60)
    with app.test_request_context():
        assert webhook_delivery.queue_due(start + timedelta(seconds=59)) == []
        assert webhook_delivery.queue_due(start + timedelta(seconds=60)) == [delivery.id]
        drop_pending()

    _attempt(app, delivery, start + timedelta(seconds=60))
    assert delivery.next_attempt_at == start + timedelta(seconds=60 + 120)
    with app.test_request_context():
        assert webhook_delivery.queue_due(start + timedelta(seconds=179)) == []
        assert webhook_delivery.queue_due(start + timedelta(seconds=180)) == [delivery.id]
        drop_pending()
    _attempt(app, delivery, start + timedelta(seconds=180))
    assert delivery.next_attempt_at == start + timedelta(seconds=180 + 240)
    assert [r["answered"] for r in receiver.received] == [500, 503, 500]

    # A job queued twice for the same attempt sends once.
    with app.test_request_context():
        assert not webhook_delivery.attempt_delivery(delivery.id, 2, start)
    assert len(receiver.received) == 3

    assert webhook_delivery.backoff(1) == timedelta(minutes=1)
    assert webhook_delivery.backoff(9) == timedelta(minutes=256)
    assert webhook_delivery.backoff(10) == timedelta(hours=6)


def test_an_endpoint_failing_for_three_days_is_disabled_and_the_owner_told(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, receiver: Receiver
) -> None:
    owner = owner_of(trade)
    register(client, auth, owner, receiver.url, "order.placed")
    receiver.answers = [500] * 10
    start = utcnow().replace(microsecond=0)
    first = _event_for(app, trade.buyer.id)
    _attempt(app, first, start)
    endpoint = only_endpoint(trade.buyer.id)
    assert endpoint.failing_since == start

    second = _event_for(app, trade.buyer.id)
    _attempt(app, second, start + timedelta(days=3) - timedelta(seconds=1))
    db.session.refresh(endpoint)
    assert endpoint.enabled is True
    # Its next attempt would fall past 3 days after the event: that delivery gives up.
    assert second.status is DeliveryStatus.FAILED

    third = _event_for(app, trade.buyer.id)
    _attempt(app, third, start + timedelta(days=3))
    db.session.refresh(endpoint)
    assert endpoint.enabled is False
    assert endpoint.disabled_at == start + timedelta(days=3)
    db.session.refresh(first)
    assert first.status is DeliveryStatus.FAILED
    mail = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.to_address == owner.email)
    ).one()
    assert mail.subject == f"Webhook endpoint disabled: {receiver.url}"
    assert "http://corridor.test/company/webhooks" in mail.body_text

    # Disabled: nothing more is written or sent for it until the owner enables it.
    with app.test_request_context():
        assert webhook_events.emit((trade.buyer.id,), "order.placed", {"object": "order"}) == []
    assert len(receiver.received) == 3
    response = client.post(f"/company/webhooks/{endpoint.public_id}/enable")
    assert response.status_code == 302
    db.session.refresh(endpoint)
    assert (endpoint.enabled, endpoint.failing_since) == (True, None)


def test_rolling_the_secret_signs_with_both_until_the_rotation_ends(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, receiver: Receiver
) -> None:
    old = register(client, auth, owner_of(trade), receiver.url, "order.placed")
    endpoint = only_endpoint(trade.buyer.id)
    page = client.post(f"/company/webhooks/{endpoint.public_id}/roll-secret")
    match = SECRET_SHOWN_ONCE.search(page.get_data(as_text=True))
    assert match is not None
    new = match.group(1)
    assert new != old

    _attempt(app, _event_for(app, trade.buyer.id), utcnow())
    header, body = (
        receiver.received[0]["headers"]["Corridor-Signature"],
        receiver.received[0]["body"],
    )
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}", header)
    assert len(verify(old, header, body)) == 1
    assert len(verify(new, header, body)) == 1

    client.post(f"/company/webhooks/{endpoint.public_id}/end-rotation")
    _attempt(app, _event_for(app, trade.buyer.id), utcnow())
    header, body = (
        receiver.received[1]["headers"]["Corridor-Signature"],
        receiver.received[1]["body"],
    )
    assert verify(old, header, body) == []
    assert len(verify(new, header, body)) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.0.0.5/hook",
        "https://192.168.1.20/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:10.0.0.1]/hook",
        "ftp://example.com/hook",
        "https://user:pw@example.com/hook",
    ],
)
def test_private_and_odd_addresses_are_refused_without_the_loopback_setting(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    trade: Trade,
    monkeypatch: pytest.MonkeyPatch,
    url: str,
) -> None:
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_LOOPBACK", False)
    auth.login(owner_of(trade).email)
    response = client.post("/company/webhooks", data={"url": url, "events": ["order.placed"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "does not lead to a public server" in page or "starting with https://" in page, page
    assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_a_delivery_to_loopback_is_refused_once_loopback_is_not_allowed(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    trade: Trade,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register(client, auth, owner_of(trade), receiver.url, "order.placed")
    delivery = _event_for(app, trade.buyer.id)
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_LOOPBACK", False)
    _attempt(app, delivery, utcnow())
    assert receiver.received == []
    attempt = db.session.scalars(select(WebhookAttempt)).one()
    assert attempt.status_code is None
    assert attempt.error == "This address does not lead to a public server on the internet."


def test_another_companys_endpoints_and_deliveries_are_not_found(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, receiver: Receiver
) -> None:
    register(client, auth, owner_of(trade), receiver.url, "order.placed")
    endpoint = only_endpoint(trade.buyer.id)
    delivery = _event_for(app, trade.buyer.id)
    auth.logout()
    stranger = UserFactory(company=CompanyFactory(), company_role=CompanyRole.OWNER)
    db.session.commit()
    auth.login(stranger.email)
    assert client.get(f"/company/webhooks/{endpoint.public_id}").status_code == 404
    for action in ("roll-secret", "disable", "enable", "end-rotation", "remove", "events"):
        assert client.post(f"/company/webhooks/{endpoint.public_id}/{action}").status_code == 404
    assert (
        client.post(f"/company/webhooks/deliveries/{delivery.public_id}/resend").status_code == 404
    )
    assert receiver.received == []
    assert endpoint.url not in client.get("/company/webhooks").get_data(as_text=True)
    # Not the owner: a purchaser of the company itself does not reach the page.
    auth.logout()
    auth.login(trade.purchaser.email)
    assert client.get("/company/webhooks").status_code == 403


def test_no_database_lock_is_held_while_the_receiver_answers(
    isolated_app: Flask, receiver: Receiver
) -> None:
    """A receiver may take seconds to answer; meanwhile other writers must not wait for
    the delivery job (on SQLite one open write transaction stops every other writer).
    Real commits on a database of its own: the rolled-back test session would hold a lock."""
    with isolated_app.test_request_context():
        trade = make_trade(price_tiers=[PriceTier(min_quantity=100, unit_price_minor=250)])
        webhook_endpoints.register(
            Actor(owner_of(trade)), trade.buyer, receiver.url, ["order.placed"]
        )
        commit()
        engine = db.engine
        purchaser_id, product_id = trade.purchaser.id, trade.product.id
    writes: list[str] = []

    def another_writer() -> None:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA busy_timeout = 500")
            else:
                connection.exec_driver_sql("SET lock_timeout = '500ms'")
            try:
                connection.execute(WebhookDelivery.__table__.update().values(next_attempt_at=None))
                connection.commit()
                writes.append("written")
            except Exception as error:  # the lock held by the job: what this test forbids
                writes.append(f"{type(error).__name__}: {error}"[:200])

    receiver.during = another_writer
    with isolated_app.test_request_context():
        purchaser, product = db.session.get(User, purchaser_id), db.session.get(Product, product_id)
        assert purchaser is not None and product is not None
        actor = Actor(purchaser)
        set_cart_quantity(actor, product, 500)
        place_order(actor, group_key(product), OrderTerms(**DEFAULT_TERMS))
        commit()  # the delivery job runs now (inline in tests)

    assert writes == ["written"]
    assert len(receiver.received) == 1
    with isolated_app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)


SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE = date(2026, 3, 10)
# The last second before the due day and its first second, in Shanghai (UTC+8).
LAST_SECOND_BEFORE_DUE_DAY = datetime(2026, 3, 9, 23, 59, 59, tzinfo=SHANGHAI)
FIRST_SECOND_OF_DUE_DAY = datetime(2026, 3, 10, 0, 0, 0, tzinfo=SHANGHAI)


def test_milestone_due_is_sent_once_when_its_day_begins_for_the_buyer(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, receiver: Receiver
) -> None:
    trade.buyer.timezone = "Asia/Shanghai"
    db.session.commit()
    secret = register(client, auth, owner_of(trade), receiver.url, "milestone.due")
    # $500.00 on 30/70 terms, accepted: the $150.00 deposit falls due on ``DUE``.
    order = order_in(app, trade, OrderStatus.ACCEPTED, payment_terms="deposit_30_balance_70_bl")
    deposit = order.milestones[0]
    deposit.due_on = DUE
    db.session.commit()

    with app.test_request_context():
        assert reminders.announce_due_milestones(LAST_SECOND_BEFORE_DUE_DAY) == 0
        commit()
    assert receiver.received == []
    # 16:00 UTC on 9 March: still the 9th in UTC, already the 10th in Shanghai.
    assert FIRST_SECOND_OF_DUE_DAY.astimezone(UTC) == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    with app.test_request_context():
        assert reminders.announce_due_milestones(FIRST_SECOND_OF_DUE_DAY) == 1
        commit()
    assert len(receiver.received) == 1
    body = json.loads(receiver.received[0]["body"])
    assert body["type"] == "milestone.due"
    assert body["data"]["object"] == {
        "object": "milestone",
        "id": deposit.public_id,
        "order": order.public_id,
        "sequence": 1,
        "reference": f"{order.reference}-1",
        "due_on": "2026-03-10",
        "currency": "USD",
        "amount": "150.00",
        "remaining": "150.00",
    }
    header = receiver.received[0]["headers"]["Corridor-Signature"]
    assert len(verify(secret, header, receiver.received[0]["body"])) == 1
    db.session.refresh(deposit)
    assert deposit.due_announced_at == FIRST_SECOND_OF_DUE_DAY

    # Later runs, and the hourly job itself (which also reminds: the deposit is long
    # overdue by the real clock), send no second milestone.due.
    with app.test_request_context():
        assert reminders.announce_due_milestones(FIRST_SECOND_OF_DUE_DAY + timedelta(hours=1)) == 0
        commit()
    reminder_tasks.send_payment_reminders()
    assert len(receiver.received) == 1
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(WebhookEvent)
            .where(WebhookEvent.kind == "milestone.due")
        )
        == 1
    )


def test_claim_moves_arrive_as_claim_events(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, receiver: Receiver
) -> None:
    register(
        client,
        auth,
        owner_of(trade),
        receiver.url,
        "claim.opened",
        "claim.responded",
        "claim.escalated",
        "claim.decided",
        "claim.settled",
    )
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "50.00")
    with app.test_request_context():
        claim_responses.respond(Actor(trade.sales), claim, "contest", "The weights agree.")
        commit()
    with app.test_request_context():
        claim_responses.escalate(Actor(trade.purchaser), claim, "We disagree.")
        commit()
    with app.test_request_context():
        claim_decision.decide(
            Actor(claims_operator()),
            claim,
            "none",
            None,
            "The landed weight certificate matches the invoice; no shortage is shown.",
        )
        commit()

    bodies = [json.loads(r["body"]) for r in receiver.received]
    assert [(b["type"], b["data"]["object"]["status"]) for b in bodies] == [
        ("claim.opened", "open"),
        ("claim.responded", "responded"),
        ("claim.escalated", "escalated"),
        ("claim.decided", "decided"),
        ("claim.settled", "settled"),  # a decision of no remedy settles the claim at once
    ]
    assert {b["data"]["object"]["id"] for b in bodies} == {claim.public_id}
    assert {b["data"]["object"]["order"] for b in bodies} == {order.public_id}


def test_licence_review_and_revocation_arrive_for_the_holder(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, receiver: Receiver
) -> None:
    register(
        client,
        auth,
        owner_of(trade),
        receiver.url,
        "licence.accepted",
        "licence.rejected",
        "licence.revoked",
    )
    china = authority("MIIT", "CN")
    held = licence(
        trade.buyer,
        LicenceKind.IMPORT,
        number="IMP-CN-7",
        issuer=china,
        status=ReviewStatus.PENDING,
    )
    with app.test_request_context():
        officer = create_authority_user(
            db.session,
            Actor(claims_operator()),
            china,
            email="officer@cn-authority.example",
            full_name="Licensing Officer",
            password=TEST_PASSWORD,
        )
    db.session.commit()
    with app.test_request_context():
        vault.review_licence(db.session, Actor(claims_operator()), held, accept=True, reason=None)
        commit()
    with app.test_request_context():
        vault.revoke_licence(db.session, Actor(officer), held, "Import quota withdrawn.")
        commit()

    bodies = [json.loads(r["body"]) for r in receiver.received]
    assert [b["type"] for b in bodies] == ["licence.accepted", "licence.revoked"]
    assert bodies[0]["data"]["object"] == {
        "object": "licence",
        "id": held.public_id,
        "number": "IMP-CN-7",
        "review_status": "accepted",
        "revoked": False,
    }
    assert bodies[1]["data"]["object"]["revoked"] is True
