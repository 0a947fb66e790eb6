"""RFQs, quote revisions, counters, award and expiry through the services, on a real database."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from flask import Flask

from app.extensions import db
from app.models import (
    CompanyRole,
    Document,
    DocumentKind,
    Order,
    OrderStatus,
    PaymentMilestone,
    QuoteStatus,
    Rfq,
    RfqEvent,
    RfqStatus,
)
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.errors import DomainError, NotAllowed, NotFound, ValidationFailed
from app.services.quotations.award import award
from app.services.quotations.expiry import expire_due
from app.services.quotations.quotes import CounterInput, counter, submit_quote, withdraw
from app.services.quotations.requests import create_rfq, end_rfq, send_rfq
from app.services.quotations.states import (
    QUOTE_TRANSITIONS,
    RFQ_TRANSITIONS,
    InvalidMove,
    move_quote,
    move_rfq,
)
from app.tasks.quotations import expire_quotations_every_minute
from tests.builders.quotations import (
    award_input,
    awarded,
    open_rfq,
    quote_input,
    quoted_rfq,
    rfq_input,
)
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, ProductFactory, UserFactory
from tests.support.db import audit_events

pytestmark = pytest.mark.usefixtures("app_ctx", "exchange_rates")

SYSTEM = Actor(None)


@pytest.fixture
def trade(app: Flask) -> Trade:
    return make_trade()


def _history(rfq: Rfq) -> list[tuple[str, str | None, str | None]]:
    events = db.session.scalars(
        db.select(RfqEvent).where(RfqEvent.rfq_id == rfq.id).order_by(RfqEvent.id)
    )
    return [(event.kind, event.from_status, event.to_status) for event in events]


# --- RFQs ------------------------------------------------------------------------------


def test_a_purchaser_sends_an_rfq_to_one_seller(trade: Trade) -> None:
    rfq = open_rfq(trade)
    assert rfq.status is RfqStatus.OPEN
    assert rfq.quantity == Decimal("500")
    assert [invitation.seller_id for invitation in rfq.invitations] == [trade.seller.id]
    assert _history(rfq) == [("created", None, "draft"), ("status", "draft", "open")]
    assert [event.object_id for event in audit_events("rfq.open")] == [rfq.public_id]


@pytest.mark.parametrize("role", [CompanyRole.VIEWER, CompanyRole.FINANCE])
def test_only_owners_and_purchasers_ask_for_quotes(trade: Trade, role: CompanyRole) -> None:
    user = UserFactory(company=trade.buyer, company_role=role)
    with pytest.raises(NotAllowed):
        create_rfq(Actor(user), rfq_input(trade))


def test_a_seller_cannot_ask_for_quotes(trade: Trade) -> None:
    with pytest.raises(NotAllowed):
        create_rfq(Actor(trade.sales), rfq_input(trade))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        # The RFQ's unit decides the decimals (issue #20): tonnes to the kilogram.
        (
            {"quantity": "1.5005"},
            "quantity",
            "Quantities in t take up to 3 decimals (for example 12.500).",
        ),
        (
            {"quantity": "12.5", "unit": "PCE"},
            "quantity",
            "Quantities in pieces are whole numbers.",
        ),
        ({"quantity": "0"}, "quantity", "Enter at least 0.001."),
        ({"incoterm": "XYZ"}, "incoterm", "Choose a delivery term (Incoterm)."),
        ({"unit": "BAG"}, "unit", "Choose a unit from the list."),
        ({"incoterm_place": ""}, "incoterm_place", "This field is required."),
        ({"seller_public_ids": []}, "sellers", "Choose at least one seller."),
        ({"target_price": "12.34567"}, "target_price", "USD prices have at most 4 decimals."),
    ],
)
def test_bad_rfqs_are_refused_on_their_field(
    trade: Trade, fields: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_rfq(Actor(trade.purchaser), rfq_input(trade, **fields))
    assert (refused.value.field, str(refused.value)) == (field, message)


def test_at_most_ten_sellers_and_only_verified_ones(trade: Trade) -> None:
    eleven = [CompanyFactory().public_id for _ in range(11)]
    with pytest.raises(ValidationFailed, match="at most 10 sellers"):
        create_rfq(Actor(trade.purchaser), rfq_input(trade, seller_public_ids=eleven))
    pending = CompanyFactory(verification_status="pending")
    with pytest.raises(ValidationFailed, match="Only verified sellers"):
        create_rfq(Actor(trade.purchaser), rfq_input(trade, seller_public_ids=[pending.public_id]))


def test_sellers_of_a_category_must_list_in_it(trade: Trade) -> None:
    other = CompanyFactory()
    fields = {
        "category_slug": trade.product.category.slug,
        "seller_public_ids": [trade.seller.public_id, other.public_id],
    }
    with pytest.raises(ValidationFailed, match="list goods in the request's category"):
        create_rfq(Actor(trade.purchaser), rfq_input(trade, **fields))
    ProductFactory(seller=other, category=trade.product.category)
    rfq = create_rfq(Actor(trade.purchaser), rfq_input(trade, **fields))
    assert {invitation.seller_id for invitation in rfq.invitations} == {
        trade.seller.id,
        other.id,
    }


def test_ending_an_rfq_cancels_before_quotes_and_closes_after(trade: Trade) -> None:
    rfq = open_rfq(trade)
    assert end_rfq(Actor(trade.purchaser), rfq) is RfqStatus.CANCELLED
    quoted, revision = quoted_rfq(trade)
    assert end_rfq(Actor(trade.purchaser), quoted, "Bought elsewhere") is RfqStatus.CLOSED
    assert revision.status is QuoteStatus.DECLINED


def test_a_draft_is_sent_later_to_the_sellers(trade: Trade) -> None:
    draft = create_rfq(Actor(trade.purchaser), rfq_input(trade, seller_public_ids=[]), send=False)
    assert (draft.status, draft.invitations) == (RfqStatus.DRAFT, [])
    with pytest.raises(NotAllowed):
        send_rfq(Actor(trade.sales), draft, [trade.seller.public_id])
    send_rfq(Actor(trade.purchaser), draft, [trade.seller.public_id])
    assert draft.status is RfqStatus.OPEN
    assert [invitation.seller_id for invitation in draft.invitations] == [trade.seller.id]


def test_the_seller_cannot_end_the_buyers_rfq(trade: Trade) -> None:
    rfq = open_rfq(trade)
    with pytest.raises(NotAllowed):
        end_rfq(Actor(trade.sales), rfq)


# --- the transition tables -----------------------------------------------------------------


@pytest.mark.parametrize("start", list(RfqStatus))
@pytest.mark.parametrize("target", list(RfqStatus))
def test_every_rfq_move_is_allowed_or_refused_by_the_table(
    trade: Trade, start: RfqStatus, target: RfqStatus
) -> None:
    rfq = open_rfq(trade)
    rfq.status = start
    db.session.flush()
    if target in RFQ_TRANSITIONS[start]:
        assert move_rfq(SYSTEM, rfq, target) is start
        db.session.refresh(rfq)
        assert rfq.status is target
    else:
        with pytest.raises(InvalidMove):
            move_rfq(SYSTEM, rfq, target)
        db.session.refresh(rfq)
        assert rfq.status is start


@pytest.mark.parametrize("start", list(QuoteStatus))
@pytest.mark.parametrize("target", list(QuoteStatus))
def test_every_quote_move_is_allowed_or_refused_by_the_table(
    trade: Trade, start: QuoteStatus, target: QuoteStatus
) -> None:
    _, revision = quoted_rfq(trade)
    revision.status = start
    db.session.flush()
    if target in QUOTE_TRANSITIONS[start]:
        assert move_quote(SYSTEM, revision, target) is start
        db.session.refresh(revision)
        assert revision.status is target
    else:
        with pytest.raises(InvalidMove):
            move_quote(SYSTEM, revision, target)
        db.session.refresh(revision)
        assert revision.status is start


def test_the_tables_say_what_the_issue_says() -> None:
    assert RFQ_TRANSITIONS[RfqStatus.DRAFT] == {RfqStatus.OPEN, RfqStatus.CANCELLED}
    assert RFQ_TRANSITIONS[RfqStatus.QUOTED] == {
        RfqStatus.AWARDED,
        RfqStatus.CLOSED,
        RfqStatus.EXPIRED,
    }
    assert QuoteStatus.ACCEPTED not in QUOTE_TRANSITIONS[QuoteStatus.SUPERSEDED]
    assert QuoteStatus.ACCEPTED not in QUOTE_TRANSITIONS[QuoteStatus.COUNTERED]


# --- quotes, revisions, counters ---------------------------------------------------------


def test_a_quote_with_freight_makes_the_rfq_quoted(trade: Trade) -> None:
    rfq, revision = quoted_rfq(trade)
    assert rfq.status is RfqStatus.QUOTED
    assert (revision.revision_no, revision.status) == (1, QuoteStatus.OFFERED)
    assert revision.goods_total_minor == 26_200_000  # 500 t at US$524.00
    assert (revision.freight_minor, revision.total_minor) == (2_800_000, 29_000_000)
    assert len(revision.terms_sha256) == 64
    assert revision.lines[0].quantity == Decimal("500")


def test_freight_under_fob_is_refused(trade: Trade) -> None:
    rfq = open_rfq(trade, incoterm="FOB", incoterm_place="Karachi")
    with pytest.raises(ValidationFailed, match="add no freight") as refused:
        submit_quote(Actor(trade.sales), rfq, quote_input(incoterm="FOB"))
    assert refused.value.field == "freight"


def test_insurance_only_under_cif_and_cip(trade: Trade) -> None:
    rfq = open_rfq(trade)
    with pytest.raises(ValidationFailed, match="Only CIF and CIP"):
        submit_quote(Actor(trade.sales), rfq, quote_input(insurance="500"))
    revision = submit_quote(Actor(trade.sales), rfq, quote_input(incoterm="CIF", insurance="500"))
    assert (revision.insurance_minor, revision.total_minor) == (50_000, 29_050_000)


def test_an_uninvited_seller_cannot_see_or_quote(trade: Trade) -> None:
    rfq = open_rfq(trade)
    stranger = UserFactory(company=CompanyFactory(), company_role=CompanyRole.SALES)
    with pytest.raises(NotFound):
        submit_quote(Actor(stranger), rfq, quote_input())


@pytest.mark.parametrize("role", [CompanyRole.VIEWER, CompanyRole.FINANCE])
def test_only_owners_and_sales_quote(trade: Trade, role: CompanyRole) -> None:
    rfq = open_rfq(trade)
    with pytest.raises(NotAllowed):
        submit_quote(
            Actor(UserFactory(company=trade.seller, company_role=role)), rfq, quote_input()
        )
    with pytest.raises(NotAllowed):
        submit_quote(Actor(trade.purchaser), rfq, quote_input())


def test_a_quote_in_the_past_or_beyond_ninety_days_is_refused(trade: Trade) -> None:
    rfq = open_rfq(trade)
    for valid_until, message in (
        (utcnow() - timedelta(seconds=1), "valid for a while yet"),
        (utcnow() + timedelta(days=91), "at most 90 days"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            submit_quote(Actor(trade.sales), rfq, quote_input(valid_until=valid_until))


def test_a_revision_supersedes_and_never_edits_the_previous(trade: Trade) -> None:
    rfq, first = quoted_rfq(trade)
    first_hash = first.terms_sha256
    second = submit_quote(Actor(trade.sales), rfq, quote_input(unit_price="510.00"))
    db.session.refresh(first)
    assert (first.status, first.total_minor, first.terms_sha256) == (
        QuoteStatus.SUPERSEDED,
        29_000_000,
        first_hash,
    )
    assert (second.revision_no, second.status, second.total_minor) == (
        2,
        QuoteStatus.OFFERED,
        28_300_000,
    )
    assert second.terms_sha256 != first_hash


def test_the_buyer_counters_and_the_seller_revises(trade: Trade) -> None:
    rfq, first = quoted_rfq(trade)
    offer = counter(
        Actor(trade.purchaser), first, CounterInput(unit_price="500.00", note="Our budget")
    )
    assert (first.status, offer.unit_price_minor, offer.note) == (
        QuoteStatus.COUNTERED,
        50_000,
        "Our budget",
    )
    with pytest.raises(InvalidMove):  # a counter declines the offer it answers
        award(Actor(trade.purchaser), first, award_input())
    second = submit_quote(Actor(trade.sales), rfq, quote_input(unit_price="510.00"))
    db.session.refresh(first)
    assert (first.status, second.status) == (QuoteStatus.SUPERSEDED, QuoteStatus.OFFERED)


def test_a_counter_must_say_something_and_comes_from_the_buyer(trade: Trade) -> None:
    _, revision = quoted_rfq(trade)
    with pytest.raises(ValidationFailed, match="Say what you would accept"):
        counter(Actor(trade.purchaser), revision, CounterInput())
    with pytest.raises(NotAllowed):
        counter(Actor(trade.sales), revision, CounterInput(unit_price="500"))
    other_buyer = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
    )
    with pytest.raises(NotAllowed):
        counter(Actor(other_buyer), revision, CounterInput(unit_price="500"))


def test_the_seller_withdraws_and_the_buyer_cannot(trade: Trade) -> None:
    _, revision = quoted_rfq(trade)
    with pytest.raises(NotAllowed):
        withdraw(Actor(trade.purchaser), revision)
    withdraw(Actor(trade.sales), revision, "Price of AN rose")
    assert revision.status is QuoteStatus.WITHDRAWN


# --- award ---------------------------------------------------------------------------


def test_accepting_places_an_accepted_order_on_the_quotes_figures(trade: Trade) -> None:
    rfq, revision = quoted_rfq(trade)
    order = awarded(trade, revision)
    assert (rfq.status, revision.status) == (RfqStatus.AWARDED, QuoteStatus.ACCEPTED)
    assert order.status is OrderStatus.ACCEPTED
    assert (order.goods_total_minor, order.freight_minor, order.total_minor) == (
        26_200_000,
        2_800_000,
        29_000_000,
    )
    assert (order.incoterm.value, order.incoterm_place, order.destination_port) == (
        "CFR",
        "Shanghai",
        "Shanghai",
    )
    assert (order.quote_revision_id, order.quote_terms_sha256) == (
        revision.id,
        revision.terms_sha256,
    )
    line = order.lines[0]
    assert (line.quantity, line.unit_price_minor, line.unit, line.product_id) == (
        500,
        52_400,
        "TNE",
        None,
    )
    kinds = [
        d.kind for d in db.session.scalars(db.select(Document).where(Document.order_id == order.id))
    ]
    assert kinds == [DocumentKind.PROFORMA_INVOICE]
    deposits = db.session.scalars(
        db.select(PaymentMilestone.amount_minor)
        .where(PaymentMilestone.order_id == order.id)
        .order_by(PaymentMilestone.sequence)
    ).all()
    assert deposits == [8_700_000, 20_300_000]  # 30 % of US$290,000, then 70 %


def test_accepting_listed_goods_reserves_their_stock(trade: Trade) -> None:
    trade.product.stock_quantity = 10_000
    trade.product.unit = "KGM"
    rfq = open_rfq(trade, unit="KGM", product_public_id=trade.product.public_id)
    revision = submit_quote(
        Actor(trade.sales),
        rfq,
        quote_input(product_public_id=trade.product.public_id, quantity="4000", unit_price="2.40"),
    )
    order = awarded(trade, revision)
    db.session.refresh(trade.product)
    assert trade.product.stock_quantity == 6_000
    assert (order.lines[0].product_id, order.lines[0].reserved_quantity) == (trade.product.id, 4000)


def test_accepting_declines_the_other_sellers_quotes(trade: Trade) -> None:
    other = CompanyFactory()
    ProductFactory(seller=other, category=trade.product.category)
    other_sales = UserFactory(company=other, company_role=CompanyRole.SALES)
    rfq = open_rfq(
        trade,
        category_slug=trade.product.category.slug,
        seller_public_ids=[trade.seller.public_id, other.public_id],
    )
    mine = submit_quote(Actor(trade.sales), rfq, quote_input())
    theirs = submit_quote(Actor(other_sales), rfq, quote_input(unit_price="530.00"))
    awarded(trade, mine)
    db.session.refresh(theirs)
    assert theirs.status is QuoteStatus.DECLINED


def test_a_superseded_revision_cannot_be_accepted(trade: Trade) -> None:
    rfq, first = quoted_rfq(trade)
    submit_quote(Actor(trade.sales), rfq, quote_input(unit_price="510.00"))
    db.session.refresh(first)
    with pytest.raises(InvalidMove, match="latest offer"):
        award(Actor(trade.purchaser), first, award_input())
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_expiry_is_checked_at_acceptance_to_the_second(trade: Trade) -> None:
    valid_until = utcnow().replace(microsecond=0) + timedelta(days=2)
    _, revision = quoted_rfq(trade, valid_until=valid_until)
    with pytest.raises(InvalidMove, match="expired"):
        award(Actor(trade.purchaser), revision, award_input(), now=valid_until)
    order = award(
        Actor(trade.purchaser), revision, award_input(), now=valid_until - timedelta(seconds=1)
    )
    assert order.quote_revision_id == revision.id


def test_only_the_buyers_owner_or_purchaser_accepts(trade: Trade) -> None:
    _, revision = quoted_rfq(trade)
    viewer = UserFactory(company=trade.buyer, company_role=CompanyRole.VIEWER)
    for user in (trade.sales, viewer):
        with pytest.raises(NotAllowed):
            award(Actor(user), revision, award_input())


def test_a_second_award_of_the_same_rfq_is_refused(trade: Trade) -> None:
    _, revision = quoted_rfq(trade)
    awarded(trade, revision)
    with pytest.raises(DomainError):
        award(Actor(trade.purchaser), revision, award_input())
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 1


def test_the_award_needs_a_consignee(trade: Trade) -> None:
    _, revision = quoted_rfq(trade)
    with pytest.raises(ValidationFailed) as refused:
        award(Actor(trade.purchaser), revision, award_input(consignee="MC"))
    assert refused.value.field == "consignee"


# --- expiry ---------------------------------------------------------------------------


def test_the_job_expires_a_revision_at_its_boundary_second(trade: Trade) -> None:
    valid_until = utcnow().replace(microsecond=0) + timedelta(days=3)
    _, revision = quoted_rfq(trade, valid_until=valid_until)
    assert expire_due(valid_until - timedelta(seconds=1)) == (0, 0)
    assert revision.status is QuoteStatus.OFFERED
    assert expire_due(valid_until) == (1, 0)
    db.session.refresh(revision)
    assert revision.status is QuoteStatus.EXPIRED
    assert expire_due(valid_until) == (0, 0)  # a second run finds nothing


def test_the_job_expires_an_unawarded_rfq_with_its_quotes(trade: Trade) -> None:
    rfq, revision = quoted_rfq(trade)
    expires_at = rfq.expires_at
    assert expire_due(expires_at - timedelta(seconds=1))[1] == 0
    assert expire_due(expires_at)[1] == 1
    db.session.refresh(rfq)
    db.session.refresh(revision)
    assert (rfq.status, revision.status) == (RfqStatus.EXPIRED, QuoteStatus.EXPIRED)


def test_both_sides_history_names_each_revision(trade: Trade) -> None:
    rfq, first = quoted_rfq(trade)
    submit_quote(Actor(trade.sales), rfq, quote_input(unit_price="510.00"))
    assert _history(rfq)[2:] == [
        ("quoted", None, "offered"),
        ("status", "open", "quoted"),
        ("quote", "offered", "superseded"),
        ("quoted", None, "offered"),
    ]
    assert first.revision_no == 1


def test_the_expiry_runs_every_minute_in_the_job_consumer() -> None:
    check = expire_quotations_every_minute.task_class().validate_datetime
    assert all(check(datetime(2026, 12, 7, 6, minute)) for minute in range(60))
