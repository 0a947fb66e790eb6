"""Change proposals over HTTP: the buyer declines or accepts on the order page, others are
refused, and two answers racing leave exactly one (app.web.order_changes)."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.database import commit, rollback, write_intent
from app.extensions import db
from app.models import CompanyRole, Order, OrderChangeProposal, OrderStatus, ProposalState, User
from app.services.audit.recording import Actor
from app.services.errors import DomainError
from app.services.fulfilment import proposals
from tests.builders.proposals import accepted_with_freight, cfr_trade
from tests.builders.trade import Trade
from tests.factories import CompanyFactory, UserFactory, this_weeks_rates
from tests.support.auth import AuthActions
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade(app_ctx: None) -> Trade:
    return cfr_trade()


def _answer_url(order: Order, proposal: OrderChangeProposal, answer: str) -> str:
    return f"/buyer/orders/{order.public_id}/proposals/{proposal.public_id}/{answer}"


def test_the_buyer_declines_on_the_order_page_and_the_total_stays(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order, proposal = accepted_with_freight(app, trade, "28000")
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "Accept the change" in page and "Decline the change" in page
    assert "$28,500.00" in page  # the total after the change, shown before it is agreed
    response = client.post(_answer_url(order, proposal, "decline"), data={"note": "FOB only"})
    assert response.status_code == 302
    assert proposal.state is ProposalState.DECLINED
    assert (order.freight_minor, order.total_minor) == (0, 50000)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "Declined" in page and "Accept the change" not in page
    assert 'data-event="change_declined"' in page


def test_the_seller_cancels_after_the_decline(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    with app.test_request_context():
        proposals.move_proposal(Actor(trade.purchaser), proposal, ProposalState.DECLINED)
        db.session.commit()
    auth.login(trade.sales.email)
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert "The buyer declined your change." in page
    client.post(
        f"/seller/orders/{order.public_id}/cancel-after-decline",
        data={"reason": "CFR without freight is not possible."},
    )
    assert order.status is OrderStatus.CANCELLED


def test_the_seller_cannot_answer_its_own_proposal_and_others_get_404(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    auth.login(trade.sales.email)
    seller_url = f"/seller/orders/{order.public_id}/proposals/{proposal.public_id}/accept"
    assert client.post(seller_url).status_code == 403
    auth.logout()
    viewer = UserFactory(company=trade.buyer, company_role=CompanyRole.VIEWER)
    auth.login(viewer.email)
    assert client.post(_answer_url(order, proposal, "accept")).status_code == 403
    auth.logout()
    stranger = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
    )
    auth.login(stranger.email)
    assert client.post(_answer_url(order, proposal, "accept")).status_code == 404
    assert proposal.state is ProposalState.PROPOSED


def test_the_seller_proposes_a_later_ship_date_from_the_order_page(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    auth.login(trade.sales.email)
    url = f"/seller/orders/{order.public_id}/propose-change"
    client.post(url, data={"freight": "90", "reason": "Rates rose"})
    assert (
        db.session.scalar(select(OrderChangeProposal).where(OrderChangeProposal.id != proposal.id))
        is None
    )
    client.post(f"/seller/orders/{order.public_id}/proposals/{proposal.public_id}/withdraw")
    assert proposal.state is ProposalState.WITHDRAWN
    client.post(url, data={"freight": "abc", "reason": "Rates rose"})
    client.post(url, data={"freight": "90", "reason": "Rates rose"})
    newer = db.session.scalar(
        select(OrderChangeProposal).where(OrderChangeProposal.state == ProposalState.PROPOSED)
    )
    assert newer is not None and newer.changes == {"freight_minor": [0, 9000]}


def test_two_answers_racing_leave_exactly_one(isolated_app: Flask) -> None:
    with isolated_app.test_request_context():
        this_weeks_rates()
        trade = cfr_trade()
        second_purchaser = UserFactory(company=trade.buyer, company_role=CompanyRole.PURCHASER)
        commit()
        ids = (trade.purchaser.id, second_purchaser.id)
        order, proposal = accepted_with_freight(isolated_app, trade, "80")
        proposal_id, order_id = proposal.id, order.id
    barrier = threading.Barrier(2)
    results: list[str] = ["", ""]

    def answer(index: int, to: ProposalState) -> None:
        with isolated_app.test_request_context(), write_intent():
            barrier.wait()
            try:
                user = db.session.get(User, ids[index])
                found = db.session.get(OrderChangeProposal, proposal_id)
                assert user is not None and found is not None
                proposals.move_proposal(Actor(user), found, to)
                commit()
                results[index] = to.value
            except DomainError as error:
                rollback()
                results[index] = f"refused: {error}"
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=answer, args=(0, ProposalState.ACCEPTED)),
        threading.Thread(target=answer, args=(1, ProposalState.DECLINED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(r.startswith("refused") for r in results) == [False, True], results
    with isolated_app.app_context():
        final = db.session.get(OrderChangeProposal, proposal_id)
        placed = db.session.get(Order, order_id)
        assert final is not None and placed is not None
        winner = next(r for r in results if not r.startswith("refused"))
        assert final.state.value == winner
        assert placed.total_minor == (58000 if winner == "accepted" else 50000)
