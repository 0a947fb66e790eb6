"""Claims through the services: the window after delivery, who may move a claim when,
each clock at its boundary second, the operator's decision, and settlement in the books."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    ClaimOutcome,
    ClaimRemedy,
    ClaimStatus,
    CompanyRole,
    Document,
    DocumentKind,
    OrderStatus,
    PaymentRefund,
)
from app.services.audit.recording import Actor
from app.services.claims import (
    decision,
    escalation,
    filing,
    inspection,
    responses,
    settlement,
    window,
)
from app.services.claims.queries import claim_outcomes
from app.services.claims.states import InvalidClaimMove
from app.services.errors import NotAllowed, ValidationFailed
from app.services.finance.register import register_page
from app.services.finance.register_aging import aging
from app.services.finance.register_filter import Direction, RegisterFilter
from app.services.payments import milestones as payments
from app.services.payments.reversals import reverse_receipt
from tests.builders.claims import claim_input, claim_on, delivered_paid, operator
from tests.builders.orders import close_claims_window, order_in
from tests.builders.payments import bank_transfer
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.ledger import assert_ledger_holds
from tests.support.pdfs import save, text_pdf

pytestmark = pytest.mark.usefixtures("exchange_rates")
SECOND = timedelta(seconds=1)


@pytest.fixture
def trade() -> Trade:
    return make_trade()


# The window -------------------------------------------------------------------------------


def test_a_paid_delivered_order_waits_for_its_window_then_completes_at_its_second(
    app: Flask, trade: Trade
) -> None:
    order = delivered_paid(app, trade)
    assert order.status is OrderStatus.DELIVERED  # paid, but the window is open
    with app.test_request_context():
        found = window.window_of(order)
        assert found is not None
        assert found.closes_at - found.delivery_confirmed_at == timedelta(days=30)
        assert window.close_due_windows(found.closes_at - SECOND) == 0
        assert order.status is OrderStatus.DELIVERED
        assert window.close_due_windows(found.closes_at) == 1
        assert order.status is OrderStatus.COMPLETED
        assert window.close_due_windows(found.closes_at) == 0  # idempotent


def test_delivery_confirms_itself_days_after_the_bl_arrival_date(app: Flask, trade: Trade) -> None:
    order = order_in(app, trade, OrderStatus.SHIPPED, paid=True)
    eta = order.shipments[0].eta
    due = window.datetime.combine(eta, window.time.min, tzinfo=window.UTC) + timedelta(days=7)
    with app.test_request_context():
        assert window.auto_confirm_due(due - SECOND) == 0
        assert order.status is OrderStatus.SHIPPED
        assert window.auto_confirm_due(due) == 1
        assert order.status is OrderStatus.DELIVERED
        opened = window.window_of(order)
        assert opened is not None and opened.auto_confirmed
        assert opened.closes_at == due + timedelta(days=30)


def test_a_running_claim_holds_completion_until_it_ends(app: Flask, trade: Trade) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order)
    close_claims_window(app, order)
    assert order.status is OrderStatus.DELIVERED
    with app.test_request_context():
        filing.withdraw(Actor(trade.purchaser), claim, "Found the missing pallets.")
        assert claim.status is ClaimStatus.WITHDRAWN
        assert claim.outcome is ClaimOutcome.WITHDRAWN
        assert order.status is OrderStatus.COMPLETED


# Filing ------------------------------------------------------------------------------------


def test_filing_is_the_buyers_and_only_inside_the_window(app: Flask, trade: Trade) -> None:
    order = delivered_paid(app, trade)
    with app.test_request_context():
        closes_at = window.window_of(order).closes_at  # type: ignore[union-attr]
        viewer = UserFactory(company=trade.buyer, company_role=CompanyRole.VIEWER)
        stranger = UserFactory(company=CompanyFactory(chinese_buyer=True))
        for who in (trade.sales, viewer, stranger, operator()):
            with pytest.raises(NotAllowed):
                filing.file_claim(Actor(who), order, claim_input("10"))
        with pytest.raises(NotAllowed, match="claims window"):
            filing.file_claim(Actor(trade.purchaser), order, claim_input("10"), closes_at)
        claim = filing.file_claim(
            Actor(trade.purchaser), order, claim_input("10"), closes_at - SECOND
        )
        assert claim.status is ClaimStatus.OPEN
        assert claim.respond_by == closes_at - SECOND + timedelta(days=3)
        assert claim.auto_escalate_at == closes_at - SECOND + timedelta(days=7)
        assert [(e.kind, e.to_status, e.side) for e in claim.events] == [("filed", "open", "buyer")]


def test_the_amount_asked_never_exceeds_what_was_paid_on_the_line(app: Flask) -> None:
    trade = make_trade()
    # 200 × $2.50 on 30 % deposit / 70 % against the B/L: only the deposit is paid.
    order = order_in(app, trade, OrderStatus.DELIVERED, payment_terms="deposit_30_balance_70_bl")
    with app.test_request_context():
        payments.record_receipt(
            Actor(finance_of(trade.seller)), order.milestones[0], bank_transfer("150.00")
        )
        with pytest.raises(ValidationFailed, match=r"at most what was paid on it: \$150.00"):
            filing.file_claim(Actor(trade.purchaser), order, claim_input("150.01"))
        with pytest.raises(ValidationFailed, match=r"between 0\.001 and 200"):
            filing.file_claim(Actor(trade.purchaser), order, claim_input("10", quantity=201))
        claim = filing.file_claim(Actor(trade.purchaser), order, claim_input("150.00"))
        assert claim.amount_asked_minor == 15000
        with pytest.raises(ValidationFailed, match="already under a running claim"):
            filing.file_claim(Actor(trade.purchaser), order, claim_input("1"))


def test_a_not_shipped_claim_waits_for_the_promised_date(app: Flask, trade: Trade) -> None:
    order = order_in(app, trade, OrderStatus.ACCEPTED, paid=True, ship_in_days=2)
    promised = order.confirmed_ship_date
    assert promised is not None
    with app.test_request_context():
        with pytest.raises(NotAllowed, match="waits for the promised date"):
            filing.file_claim(Actor(trade.purchaser), order, claim_input("500", kind="not_shipped"))
        with pytest.raises(NotAllowed, match="once the buyer has received"):
            filing.file_claim(Actor(trade.purchaser), order, claim_input("5", kind="damaged"))
        later = window.datetime.combine(
            promised + timedelta(days=2), window.time(12), tzinfo=window.UTC
        )
        claim = filing.file_claim(
            Actor(trade.purchaser), order, claim_input("500", kind="not_shipped"), later
        )
        responses.respond(Actor(trade.sales), claim, "accept", now=later)
        settlement.settle(Actor(finance_of(trade.seller)), claim, bank_reference="HBL-RET-1")
        # Before shipment the credit note corrects the proforma.
        assert claim.credit_note is not None
        corrected = db.session.get(Document, claim.credit_note.corrects_id)
        assert corrected is not None and corrected.kind is DocumentKind.PROFORMA_INVOICE
        assert claim.credit_note.total_minor == 50000


# The seller's answer and escalation -------------------------------------------------------


def test_the_seller_answers_within_three_days_to_the_second(app: Flask, trade: Trade) -> None:
    order = delivered_paid(app, trade)
    late = claim_on(app, trade, order, "40")
    with app.test_request_context():
        with pytest.raises(NotAllowed):
            responses.respond(Actor(trade.purchaser), late, "accept")
        with pytest.raises(InvalidClaimMove, match="three days"):
            responses.respond(
                Actor(trade.sales), late, "contest", "Weights agree.", now=late.respond_by
            )
        with pytest.raises(ValidationFailed):
            responses.respond(
                Actor(trade.sales),
                late,
                "partial_refund",
                "Half.",
                "40.00",
                now=late.respond_by - SECOND,
            )
        responses.respond(
            Actor(trade.sales),
            late,
            "partial_refund",
            "We shipped 190; a refund for 10.",
            "25.00",
            now=late.respond_by - SECOND,
        )
        assert late.status is ClaimStatus.RESPONDED
        assert late.proposed_minor == 2500


def test_the_buyer_escalates_from_day_4_or_after_an_answer(app: Flask, trade: Trade) -> None:
    order = delivered_paid(app, trade, quantity=400)
    claim = claim_on(app, trade, order, "40")
    with app.test_request_context():
        with pytest.raises(InvalidClaimMove, match="day 4"):
            responses.escalate(Actor(trade.purchaser), claim, now=claim.escalate_from - SECOND)
        with pytest.raises(NotAllowed):
            responses.escalate(Actor(trade.sales), claim, now=claim.escalate_from)
        responses.escalate(Actor(trade.purchaser), claim, now=claim.escalate_from)
        assert claim.status is ClaimStatus.ESCALATED
        assert claim.evidence_by == claim.escalate_from + timedelta(days=5)


def test_the_claim_escalates_by_itself_on_day_8(app: Flask, trade: Trade) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "40")
    with app.test_request_context():
        escalation.run_clocks(claim.auto_escalate_at - SECOND)
        assert claim.status is ClaimStatus.OPEN
        escalation.run_clocks(claim.auto_escalate_at)
        assert claim.status is ClaimStatus.ESCALATED
        assert claim.events[-1].side is None  # the clock, not a person
        assert claim.evidence_by == claim.auto_escalate_at + timedelta(days=5)


def test_a_missed_buyer_evidence_deadline_lapses_the_claim(app: Flask, trade: Trade) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "40")
    with app.test_request_context():
        escalation.run_clocks(claim.auto_escalate_at)
        deadline = claim.evidence_by
        assert deadline is not None
        escalation.complete_evidence(Actor(trade.sales), claim, deadline - SECOND)
        escalation.run_clocks(deadline - SECOND)
        assert claim.status is ClaimStatus.ESCALATED
        with pytest.raises(NotAllowed, match="deadline"):
            escalation.complete_evidence(Actor(trade.purchaser), claim, deadline)
        escalation.run_clocks(deadline)
        assert claim.status is ClaimStatus.LAPSED
        assert claim.outcome is ClaimOutcome.LAPSED


def test_a_missed_seller_evidence_deadline_decides_for_the_buyer(app: Flask, trade: Trade) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "40")
    with app.test_request_context():
        escalation.run_clocks(claim.auto_escalate_at)
        deadline = claim.evidence_by
        assert deadline is not None
        escalation.complete_evidence(Actor(trade.purchaser), claim, deadline - SECOND)
        escalation.run_clocks(deadline)
        assert claim.status is ClaimStatus.DECIDED
        assert (claim.remedy, claim.awarded_minor) == (ClaimRemedy.REFUND, 4000)
        assert claim.decision_reason == "The seller's evidence did not arrive in time."


# The operator's decision ------------------------------------------------------------------


def test_only_an_operator_decides_with_a_reason_and_within_the_amount_asked(
    app: Flask, trade: Trade
) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "40")
    with app.test_request_context():
        olga = operator()
        with pytest.raises(InvalidClaimMove):
            decision.decide(Actor(olga), claim, "refund", "10", "The certificate shows 10 short.")
        escalation.run_clocks(claim.auto_escalate_at)
        for who in (trade.purchaser, trade.sales):
            with pytest.raises(NotAllowed, match="operators"):
                decision.decide(Actor(who), claim, "refund", "10", "Who decides this?")
        with pytest.raises(ValidationFailed, match="reason"):
            decision.decide(Actor(olga), claim, "refund", "10", "short")
        with pytest.raises(ValidationFailed, match=r"exceed the amount asked: \$40.00"):
            decision.decide(Actor(olga), claim, "refund", "40.01", "The certificate shows all.")
        decision.decide(Actor(olga), claim, "refund", "30", "The certificate shows 12 short.")
        assert (claim.status, claim.awarded_minor) == (ClaimStatus.DECIDED, 3000)
        audited = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == claim.public_id)
        ).all()
        assert "claim.decided" in audited and "claim.decision" in audited


def test_a_rejection_ends_the_claim_and_lets_the_order_complete(app: Flask, trade: Trade) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "40")
    close_claims_window(app, order)
    with app.test_request_context():
        escalation.run_clocks(claim.auto_escalate_at)
        decision.decide(Actor(operator()), claim, "none", None, "The survey found no shortage.")
        assert (claim.status, claim.outcome) == (ClaimStatus.SETTLED, ClaimOutcome.REJECTED)
        assert order.status is OrderStatus.COMPLETED


# Settlement and the books -----------------------------------------------------------------


def _escalated_and_decided(app: Flask, trade: Trade, asked: str, awarded: str):  # type: ignore[no-untyped-def]
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, asked)
    with app.test_request_context():
        escalation.run_clocks(claim.auto_escalate_at)
        decision.decide(
            Actor(operator()), claim, "refund", awarded, "Weight certificate: 20 short."
        )
        db.session.commit()
    return order, claim


def test_settlement_books_one_credit_note_and_a_refund_the_registers_and_aging_agree(
    app: Flask, trade: Trade
) -> None:
    order, claim = _escalated_and_decided(app, trade, "50", "35.50")
    clerk = finance_of(trade.seller)
    with app.test_request_context():
        with pytest.raises(NotAllowed):
            settlement.settle(Actor(trade.sales), claim, bank_reference="HBL-1")
        with pytest.raises(ValidationFailed, match="bank's reference"):
            settlement.settle(Actor(clerk), claim)
        settlement.settle(Actor(clerk), claim, bank_reference="HBL-RET-0042")
        assert (claim.status, claim.outcome) == (ClaimStatus.SETTLED, ClaimOutcome.REFUNDED)
        note = claim.credit_note
        assert note is not None and note.total_minor == 3550
        assert note.kind is DocumentKind.CREDIT_NOTE
        assert order.paid_minor == 50000 - 3550
        assert_ledger_holds(order)
        today = date.today()
        for company, direction in (
            (trade.seller, Direction.ISSUED),
            (trade.buyer, Direction.RECEIVED),
        ):
            page = register_page(company.id, RegisterFilter(), 1, today)
            rows = {row.document.number: row for row in page.rows}
            assert rows[note.number].signed_minor == -3550
            assert rows[note.number].corrects_number is not None
            invoice = rows[rows[note.number].corrects_number]
            assert (invoice.net_minor, invoice.outstanding_minor) == (50000 - 3550, 0)
            assert aging(company.id, direction, today) == []  # nothing owed, no credit left
        with pytest.raises(InvalidClaimMove):
            settlement.settle(Actor(clerk), claim, bank_reference="HBL-RET-0042")
    close_claims_window(app, order)
    assert order.status is OrderStatus.COMPLETED  # paid all the credit note left owing


def test_the_refund_is_capped_at_what_the_payments_still_count(app: Flask, trade: Trade) -> None:
    order, claim = _escalated_and_decided(app, trade, "500", "500")
    clerk = Actor(finance_of(trade.seller))
    with app.test_request_context():
        (receipt,) = order.milestones[0].receipts
        reverse_receipt(clerk, receipt, "Recorded against the wrong order.")
        payments.record_receipt(clerk, order.milestones[0], bank_transfer("120.00", "TT-2"))
        settlement.settle(clerk, claim, bank_reference="HBL-RET-7")
        refunds = db.session.scalars(select(PaymentRefund.amount_minor)).all()
        assert refunds == [12000]
        assert claim.credit_note is not None and claim.credit_note.total_minor == 12000
        assert order.paid_minor == 0
        assert_ledger_holds(order)


def test_an_agreed_replacement_becomes_a_linked_order_at_zero_price(
    app: Flask, trade: Trade
) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "50", kind="damaged")
    with app.test_request_context():
        responses.respond(Actor(trade.sales), claim, "replacement", "We ship 20 new cases.")
        with pytest.raises(NotAllowed):
            responses.agree(Actor(trade.sales), claim)
        responses.agree(Actor(trade.purchaser), claim)
        assert (claim.status, claim.remedy) == (ClaimStatus.AGREED, ClaimRemedy.REPLACEMENT)
        settlement.settle(Actor(trade.sales), claim)
        follow_up = claim.follow_up_order
        assert follow_up is not None
        assert (follow_up.status, follow_up.total_minor) == (OrderStatus.ACCEPTED, 0)
        assert [(line.quantity, line.line_total_minor) for line in follow_up.lines] == [(20, 0)]
        assert claim.outcome is ClaimOutcome.REPLACED and claim.credit_note is None


# The supplier profile ---------------------------------------------------------------------


def test_claim_outcomes_show_from_five_orders(app: Flask, trade: Trade) -> None:
    first = delivered_paid(app, trade)
    claim = claim_on(app, trade, first, "40")
    with app.test_request_context():
        filing.withdraw(Actor(trade.purchaser), claim)
        assert claim_outcomes(db.session, trade.seller.id) is None
    for _ in range(4):
        order_in(app, trade, OrderStatus.ACCEPTED)
    with app.test_request_context():
        outcomes = claim_outcomes(db.session, trade.seller.id)
        assert outcomes is not None
        assert (outcomes.orders, outcomes.received, outcomes.running) == (5, 1, 0)
        assert outcomes.ended[ClaimOutcome.WITHDRAWN] == 1
        assert outcomes.ended[ClaimOutcome.REFUNDED] == 0


# Inspection --------------------------------------------------------------------------------


def test_an_inspection_named_by_either_side_is_paid_by_the_side_that_loses(
    app: Flask, trade: Trade
) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "40", kind="quality")
    with app.test_request_context():
        stranger = UserFactory(company=CompanyFactory(chinese_buyer=True))
        with pytest.raises(NotAllowed):
            inspection.require_inspection(Actor(stranger), claim, "sgs")
        with pytest.raises(ValidationFailed, match="Name the inspection body"):
            inspection.require_inspection(Actor(trade.sales), claim, "other", "")
        required = inspection.require_inspection(Actor(trade.purchaser), claim, "sgs")
        assert (required.body_name, required.required_by.value) == ("SGS", "buyer")
        report = save(text_pdf("SGS report: Cr2O3 36.2 % against 40 % contracted."))
        inspection.upload_report(Actor(trade.sales), required, report, "sgs-report.pdf")
        assert required.reported_at is not None
        assert [e.kind.value for e in claim.evidence] == ["inspection_report"]
        escalation.run_clocks(claim.auto_escalate_at)
        decision.decide(Actor(operator()), claim, "refund", "40", "The SGS report confirms it.")
        assert required.cost_borne_by is not None and required.cost_borne_by.value == "seller"
