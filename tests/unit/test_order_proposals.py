"""Consent to change (app.services.fulfilment.proposals): the seller's freight on acceptance
and any later change wait for the buyer; declining leaves the order as it was."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import (
    CompanyRole,
    Document,
    DocumentKind,
    OrderStatus,
    ProposalState,
)
from app.services.audit.recording import Actor
from app.services.errors import Conflict, NotAllowed, ValidationFailed
from app.services.fulfilment import proposals
from app.services.fulfilment.proposals import ProposedChange
from tests.builders.orders import advance
from tests.builders.payments import pay
from tests.builders.proposals import accepted_with_freight, cfr_trade
from tests.builders.trade import Trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.db import audit_events

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade(app_ctx: None) -> Trade:
    return cfr_trade()


def _proformas(order_id: int) -> list[Document]:
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.order_id == order_id, Document.kind == DocumentKind.PROFORMA_INVOICE)
            .order_by(Document.id)
        )
    )


def test_acceptance_with_freight_keeps_the_placed_total_until_the_buyer_agrees(
    app: Flask, trade: Trade
) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    assert order.status is OrderStatus.ACCEPTED
    assert (order.freight_minor, order.total_minor) == (0, 50000)
    assert [m.amount_minor for m in order.milestones] == [15000, 35000]
    assert proposal.state is ProposalState.PROPOSED
    assert proposal.changes == {"freight_minor": [0, 8000]}
    assert (proposal.old_total_minor, proposal.new_total_minor) == (50000, 58000)
    assert [e.kind for e in order.events][-1] == "change_proposed"
    first = _proformas(order.id)
    assert [d.total_minor for d in first] == [50000]


def test_the_buyer_accepts_the_freight_the_deposit_and_a_proforma_revision_follow(
    app: Flask, trade: Trade
) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    proposals.move_proposal(Actor(trade.purchaser), proposal, ProposalState.ACCEPTED, "Agreed.")
    assert proposal.state is ProposalState.ACCEPTED
    assert (order.freight_minor, order.total_minor) == (8000, 58000)
    # 30 % deposit of $580.00, and the balance.
    assert [m.amount_minor for m in order.milestones] == [17400, 40600]
    first, second = _proformas(order.id)
    assert (first.total_minor, second.total_minor) == (50000, 58000)
    assert second.data["related"] == {"supersedes": first.number, "revision": "2"}
    assert (proposal.superseded_document_id, proposal.issued_document_id) == (first.id, second.id)
    assert [e.kind for e in order.events][-2:] == ["change_accepted", "documents"]
    assert len(audit_events("order.change_accepted")) == 1


def test_the_buyer_declines_and_the_order_stays_as_it_was(app: Flask, trade: Trade) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    proposals.move_proposal(Actor(trade.purchaser), proposal, ProposalState.DECLINED, "Too high")
    assert proposal.state is ProposalState.DECLINED
    assert (order.freight_minor, order.total_minor) == (0, 50000)
    assert [m.amount_minor for m in order.milestones] == [15000, 35000]
    assert len(_proformas(order.id)) == 1
    assert proposal.answer_note == "Too high"
    # Answered once: a second answer is refused.
    with pytest.raises(Conflict):
        proposals.move_proposal(Actor(trade.purchaser), proposal, ProposalState.ACCEPTED)


def test_after_a_decline_the_seller_may_cancel_and_the_stock_returns(
    app: Flask, trade: Trade
) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    with pytest.raises(Conflict):
        proposals.cancel_after_decline(Actor(trade.sales), order, "No freight, no CFR.")
    proposals.move_proposal(Actor(trade.purchaser), proposal, ProposalState.DECLINED)
    with pytest.raises(ValidationFailed):
        proposals.cancel_after_decline(Actor(trade.sales), order, " ")
    proposals.cancel_after_decline(Actor(trade.sales), order, "No freight, no CFR.")
    assert order.status is OrderStatus.CANCELLED
    assert order.decision_reason == "No freight, no CFR."


def test_only_the_other_party_answers_and_only_the_proposer_withdraws(
    app: Flask, trade: Trade
) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    viewer = UserFactory(company=trade.buyer, company_role=CompanyRole.VIEWER)
    finance = UserFactory(company=trade.buyer, company_role=CompanyRole.FINANCE)
    stranger = UserFactory(company=CompanyFactory(), company_role=CompanyRole.OWNER)
    for user in (trade.sales, viewer, finance, stranger):
        with pytest.raises(NotAllowed):
            proposals.move_proposal(Actor(user), proposal, ProposalState.ACCEPTED)
    with pytest.raises(NotAllowed):
        proposals.move_proposal(Actor(trade.purchaser), proposal, ProposalState.WITHDRAWN)
    assert proposal.state is ProposalState.PROPOSED
    owner = UserFactory(company=trade.seller, company_role=CompanyRole.OWNER)
    proposals.move_proposal(Actor(owner), proposal, ProposalState.WITHDRAWN)
    assert proposal.state is ProposalState.WITHDRAWN
    assert order.total_minor == 50000


def test_a_later_ship_date_is_a_proposal_too_and_one_waits_at_a_time(
    app: Flask, trade: Trade
) -> None:
    order, first = accepted_with_freight(app, trade, "80")
    later = date.today() + timedelta(days=40)
    with pytest.raises(Conflict):
        proposals.propose_change(
            Actor(trade.sales), order, ProposedChange(confirmed_ship_date=later), "Port strike"
        )
    proposals.move_proposal(Actor(trade.purchaser), first, ProposalState.ACCEPTED)
    with pytest.raises(ValidationFailed):
        proposals.propose_change(Actor(trade.sales), order, ProposedChange(freight_minor=8000))
    second = proposals.propose_change(
        Actor(trade.sales), order, ProposedChange(confirmed_ship_date=later), "Port strike"
    )
    assert order.confirmed_ship_date == date.today() + timedelta(days=14)
    assert second.changes == {
        "confirmed_ship_date": [
            (date.today() + timedelta(days=14)).isoformat(),
            later.isoformat(),
        ]
    }
    proposals.move_proposal(Actor(trade.purchaser), second, ProposalState.ACCEPTED)
    assert order.confirmed_ship_date == later
    assert order.total_minor == 58000
    assert len(_proformas(order.id)) == 3


def test_insurance_only_where_the_incoterm_puts_it_on_the_seller(app: Flask, trade: Trade) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    proposals.move_proposal(Actor(trade.purchaser), proposal, ProposalState.DECLINED)
    with pytest.raises(ValidationFailed, match="Only CIF and CIP"):
        proposals.propose_change(Actor(trade.sales), order, ProposedChange(insurance_minor=300))


def test_a_paid_order_keeps_its_total(app: Flask, trade: Trade) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    pay(app, trade, order)
    with pytest.raises(Conflict, match="A payment was made"):
        proposals.move_proposal(Actor(trade.purchaser), proposal, ProposalState.ACCEPTED)
    db.session.rollback()
    assert order.total_minor == 50000


def test_a_shipped_order_takes_no_proposal(app: Flask, trade: Trade) -> None:
    order, proposal = accepted_with_freight(app, trade, "80")
    proposals.move_proposal(Actor(trade.purchaser), proposal, ProposalState.ACCEPTED)
    advance(app, trade, order, OrderStatus.SHIPPED)
    with pytest.raises(Conflict, match="Once the goods have shipped"):
        proposals.propose_change(
            Actor(trade.sales), order, ProposedChange(freight_minor=9000), "More"
        )
