"""Claims that are agreed, withdrawn or lapse reach the parties' ERPs as webhook events.

Each move writes, in its own transaction, one event per party that subscribed and one
delivery per subscribed endpoint; endpoints not subscribed to the kind, and companies not
party to the claim, get nothing. The receivers are real HTTP servers on 127.0.0.1 (the
test configuration allows loopback) and the deliveries are made by the real job after the
real commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.database import commit, rollback
from app.extensions import db
from app.models import (
    Claim,
    ClaimStatus,
    Company,
    CompanyRole,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.services.audit.recording import Actor
from app.services.claims import escalation, filing
from app.services.claims import responses as claim_responses
from app.services.webhooks import endpoints as webhook_endpoints
from tests.builders.claims import claim_on, delivered_paid
from tests.builders.trade import Trade, committed_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.webhooks import Receiver, register

pytestmark = pytest.mark.usefixtures("exchange_rates")

ENDINGS = ("claim.agreed", "claim.withdrawn", "claim.lapsed")


@pytest.fixture
def trade() -> Trade:
    return committed_trade()


@pytest.fixture
def receivers() -> Iterator[dict[str, Receiver]]:
    """One receiver per endpoint, so that each endpoint's deliveries are told apart."""
    servers = {
        name: Receiver()
        for name in ("buyer_erp", "buyer_backup", "seller_erp", "seller_orders", "stranger")
    }
    yield servers
    for server in servers.values():
        server.close()


def owner(company: Company, name: str) -> User:
    user: User = UserFactory(company=company, company_role=CompanyRole.OWNER, full_name=name)
    db.session.commit()
    return user


def add_endpoint(app: Flask, company: Company, url: str, *events: str) -> WebhookEndpoint:
    """An owner registers an endpoint through the service (the page is used once below)."""
    with app.test_request_context():
        made = webhook_endpoints.register(
            Actor(owner(company, f"Owner of {company.legal_name}")), company, url, list(events)
        )
        commit()
    return made.endpoint


def subscribe(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    trade: Trade,
    receivers: dict[str, Receiver],
) -> dict[str, WebhookEndpoint]:
    """Two buyer endpoints and one seller endpoint take the three claim endings; another
    seller endpoint takes other kinds only; a company not party to the claim takes them."""
    register(client, auth, owner(trade.buyer, "Wang Owner"), receivers["buyer_erp"].url, *ENDINGS)
    endpoints = {
        "buyer_erp": db.session.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.company_id == trade.buyer.id)
        ).one()
    }
    endpoints["buyer_backup"] = add_endpoint(
        app, trade.buyer, receivers["buyer_backup"].url, *ENDINGS
    )
    endpoints["seller_erp"] = add_endpoint(app, trade.seller, receivers["seller_erp"].url, *ENDINGS)
    endpoints["seller_orders"] = add_endpoint(
        app, trade.seller, receivers["seller_orders"].url, "order.cancelled", "quote.received"
    )
    endpoints["stranger"] = add_endpoint(app, CompanyFactory(), receivers["stranger"].url, *ENDINGS)
    return endpoints


def agree_in_full(app: Flask, trade: Trade, claim: Claim) -> None:
    """The seller accepts the amount asked: the claim is agreed at once."""
    with app.test_request_context():
        claim_responses.respond(Actor(trade.sales), claim, "accept")
        commit()


def agree_to_proposal(app: Flask, trade: Trade, claim: Claim) -> None:
    """The seller proposes a partial refund and the buyer takes it."""
    with app.test_request_context():
        claim_responses.respond(
            Actor(trade.sales), claim, "partial_refund", "Ten units were found.", "30.00"
        )
        commit()
    with app.test_request_context():
        claim_responses.agree(Actor(trade.purchaser), claim)
        commit()


def withdraw(app: Flask, trade: Trade, claim: Claim) -> None:
    with app.test_request_context():
        filing.withdraw(Actor(trade.purchaser), claim, "The missing pallets were found.")
        commit()


def lapse(app: Flask, trade: Trade, claim: Claim) -> None:
    """The claim escalates by itself on day 8; the buyer's evidence never comes."""
    with app.test_request_context():
        escalation.run_clocks(claim.auto_escalate_at)
        commit()
    assert claim.evidence_by is not None
    with app.test_request_context():
        escalation.run_clocks(claim.evidence_by)
        commit()


MOVES: dict[str, tuple[Callable[[Flask, Trade, Claim], None], str, str]] = {
    # name: (the move, the event kind, the claim's status in the payload)
    "agreed in full": (agree_in_full, "claim.agreed", "agreed"),
    "agreed to a proposal": (agree_to_proposal, "claim.agreed", "agreed"),
    "withdrawn": (withdraw, "claim.withdrawn", "withdrawn"),
    "lapsed": (lapse, "claim.lapsed", "lapsed"),
}


@pytest.mark.parametrize("move", list(MOVES))
def test_each_claim_ending_reaches_every_subscribed_endpoint_of_both_parties_once(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    trade: Trade,
    receivers: dict[str, Receiver],
    move: str,
) -> None:
    make_move, kind, status = MOVES[move]
    endpoints = subscribe(app, client, auth, trade, receivers)
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "50.00")
    assert all(server.received == [] for server in receivers.values())  # nothing before

    make_move(app, trade, claim)

    assert claim.status is ClaimStatus(status)
    events = db.session.scalars(
        select(WebhookEvent).where(WebhookEvent.kind == kind).order_by(WebhookEvent.company_id)
    ).all()
    # One event per party (the same event id for both of a company's endpoints).
    assert sorted(event.company_id for event in events) == sorted([trade.buyer.id, trade.seller.id])
    deliveries = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event_id.in_([e.id for e in events]))
    ).all()
    assert sorted(d.endpoint_id for d in deliveries) == sorted(
        endpoints[name].id for name in ("buyer_erp", "buyer_backup", "seller_erp")
    )

    expected = {"object": "claim", "id": claim.public_id, "order": order.public_id}
    for name in ("buyer_erp", "buyer_backup", "seller_erp"):
        bodies = [json.loads(r["body"]) for r in receivers[name].received]
        assert [body["type"] for body in bodies] == [kind], name
        assert bodies[0]["data"]["object"] == {**expected, "status": status}, name
    buyer_ids = {
        json.loads(receivers[name].received[0]["body"])["id"]
        for name in ("buyer_erp", "buyer_backup")
    }
    assert len(buyer_ids) == 1
    assert receivers["seller_orders"].received == []
    assert receivers["stranger"].received == []
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(WebhookEvent)
            .where(WebhookEvent.company_id == endpoints["stranger"].company_id)
        )
        == 0
    )


def test_a_withdrawal_rolled_back_writes_and_sends_no_event(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    trade: Trade,
    receivers: dict[str, Receiver],
) -> None:
    subscribe(app, client, auth, trade, receivers)
    claim = claim_on(app, trade, delivered_paid(app, trade), "50.00")
    with app.test_request_context():
        filing.withdraw(Actor(trade.purchaser), claim, "The missing pallets were found.")
        # Written with the move, in its transaction: both parties' events are there.
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(WebhookEvent)
                .where(WebhookEvent.kind == "claim.withdrawn")
            )
            == 2
        )
        rollback()
    with app.test_request_context():
        commit()  # nothing the abandoned transaction queued survives it
    db.session.refresh(claim)
    assert claim.status is ClaimStatus.OPEN
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(WebhookEvent)
            .where(WebhookEvent.kind == "claim.withdrawn")
        )
        == 0
    )
    for name in ("buyer_erp", "buyer_backup", "seller_erp"):
        assert receivers[name].received == [], name


def test_the_owner_picks_the_claim_endings_on_the_webhooks_page(
    client: FlaskClient, auth: AuthActions, trade: Trade, receivers: dict[str, Receiver]
) -> None:
    auth.login(owner(trade.buyer, "Wang Owner").email)
    page = client.get("/company/webhooks").get_data(as_text=True)
    for kind in (
        "claim.opened",
        "claim.responded",
        "claim.agreed",
        "claim.escalated",
        "claim.decided",
        "claim.settled",
        "claim.withdrawn",
        "claim.lapsed",
    ):
        assert f'value="{kind}"' in page, kind
    assert "Buyer and seller agreed on a claim" in page
    assert "The buyer withdrew a claim" in page

    response = client.post(
        "/company/webhooks",
        data={"url": receivers["buyer_erp"].url, "events": ["claim.withdrawn", "claim.lapsed"]},
    )
    assert response.status_code == 200
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    assert endpoint.events == ["claim.withdrawn", "claim.lapsed"]
