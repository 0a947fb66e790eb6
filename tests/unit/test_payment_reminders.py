"""Overdue reminders: the buyer's day decides "overdue" to the second, each milestone is
reminded once per interval, in each recipient's language, by an idempotent job."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    CompanyRole,
    Order,
    OrderStatus,
    OutboxEmail,
    PaymentMilestone,
    PaymentReminder,
)
from app.services.audit.recording import Actor
from app.services.payments import milestones as payments
from app.services.payments.reminders import send_overdue_reminders
from app.tasks import reminders as reminder_tasks
from tests.builders.orders import cancel, order_in
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("exchange_rates")

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE = date(2026, 3, 10)
# The due day's last second and the next day's first, in Shanghai (UTC+8).
LAST_SECOND_OF_DUE_DAY = datetime(2026, 3, 10, 23, 59, 59, tzinfo=SHANGHAI)
FIRST_SECOND_AFTER = datetime(2026, 3, 11, 0, 0, 0, tzinfo=SHANGHAI)


@pytest.fixture
def trade(app_ctx: None) -> Trade:
    trade = make_trade()
    trade.buyer.timezone = "Asia/Shanghai"
    trade.purchaser.locale = "zh_Hans"
    trade.purchaser.email = "li@minmetals.example"
    db.session.flush()
    return trade


@pytest.fixture
def order(app: Flask, trade: Trade) -> Order:
    """$500.00 on 30/70 terms, accepted: the $150.00 deposit falls due on ``DUE``."""
    order = order_in(app, trade, OrderStatus.ACCEPTED, payment_terms="deposit_30_balance_70_bl")
    order.milestones[0].due_on = DUE
    db.session.flush()
    return order


_BEFORE: list[int] = []


@pytest.fixture(autouse=True)
def _outbox_so_far(order: Order) -> None:
    """The e-mails of placing and accepting the order are not the reminders'."""
    _BEFORE[:] = [db.session.scalar(select(func.max(OutboxEmail.id))) or 0]


def _mails() -> list[OutboxEmail]:
    """The e-mails written since the order was accepted."""
    return list(
        db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.id > _BEFORE[0]).order_by(OutboxEmail.id)
        )
    )


def _reminder(milestone: PaymentMilestone) -> PaymentReminder | None:
    return db.session.scalar(
        select(PaymentReminder).where(PaymentReminder.milestone_id == milestone.id)
    )


def test_overdue_starts_at_the_first_second_of_the_buyers_next_day(
    trade: Trade, order: Order
) -> None:
    assert send_overdue_reminders(LAST_SECOND_OF_DUE_DAY) == 0
    assert _mails() == []
    # 16:00 UTC on the due day: still 10 March in UTC, already 11 March in Shanghai.
    assert FIRST_SECOND_AFTER.astimezone(UTC) == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
    assert send_overdue_reminders(FIRST_SECOND_AFTER) == 1
    assert [m.to_address for m in _mails()] == ["li@minmetals.example"]
    reminder = _reminder(order.milestones[0])
    assert reminder is not None
    assert (reminder.first_sent_at, reminder.last_sent_at, reminder.sent_count) == (
        FIRST_SECOND_AFTER,
        FIRST_SECOND_AFTER,
        1,
    )


def test_once_per_seven_days_while_overdue(trade: Trade, order: Order) -> None:
    assert send_overdue_reminders(FIRST_SECOND_AFTER) == 1
    for later in (
        FIRST_SECOND_AFTER,
        FIRST_SECOND_AFTER + timedelta(hours=1),
        FIRST_SECOND_AFTER + timedelta(days=7) - timedelta(seconds=1),
    ):
        assert send_overdue_reminders(later) == 0, later
    assert len(_mails()) == 1
    week_later = FIRST_SECOND_AFTER + timedelta(days=7)
    assert send_overdue_reminders(week_later) == 1
    assert send_overdue_reminders(week_later + timedelta(minutes=5)) == 0
    assert len(_mails()) == 2
    reminder = _reminder(order.milestones[0])
    assert reminder is not None
    assert (reminder.first_sent_at, reminder.last_sent_at, reminder.sent_count) == (
        FIRST_SECOND_AFTER,
        week_later,
        2,
    )
    assert [e.kind for e in order.events].count("payment_reminder") == 2


def test_each_payer_of_the_buyer_hears_in_their_language(trade: Trade, order: Order) -> None:
    buyer, seller = trade.buyer, trade.seller
    UserFactory(company=buyer, company_role=CompanyRole.FINANCE, email="fin@minmetals.example")
    UserFactory(company=buyer, company_role=CompanyRole.OWNER, email="boss@minmetals.example")
    UserFactory(company=buyer, company_role=CompanyRole.VIEWER, email="look@minmetals.example")
    UserFactory(
        company=buyer,
        company_role=CompanyRole.FINANCE,
        email="gone@minmetals.example",
        active=False,
    )
    UserFactory(company=seller, company_role=CompanyRole.FINANCE, email="fin@wahnobel.example")
    send_overdue_reminders(FIRST_SECOND_AFTER)
    mails = {mail.to_address: mail for mail in _mails()}
    assert sorted(mails) == [
        "boss@minmetals.example",
        "fin@minmetals.example",
        "li@minmetals.example",
    ]
    ref = order.reference
    english = mails["fin@minmetals.example"]
    assert english.subject == f"Order {ref}: Payment {ref}-1 of $150.00 was due on Mar 10, 2026."
    assert english.body_text == (
        f"Payment {ref}-1 of $150.00 was due on Mar 10, 2026. $150.00 is still to pay; quote"
        f" {ref}-1 on the transfer.\n\nOpen the order to pay, or to upload the proof of a"
        f" transfer already made:\nhttp://corridor.test/buyer/orders/{order.public_id}"
    )
    chinese = mails["li@minmetals.example"]
    assert chinese.subject.startswith(f"订单 {ref}：")  # the purchaser reads Chinese
    assert "Order" not in chinese.subject
    assert "US$150.00" in chinese.subject  # the amount as Chinese readers write it
    assert chinese.body_text.endswith(f"http://corridor.test/buyer/orders/{order.public_id}")


def test_what_is_not_reminded(app: Flask, trade: Trade, order: Order) -> None:
    # The balance has no due date before shipment; a paid deposit, a cancelled order and
    # a milestone due today are not overdue.
    with app.test_request_context():
        deposit = order.milestones[0]
        payments.record_receipt(
            Actor(finance_of(trade.seller)),
            deposit,
            payments.ReceiptInput("150.00", DUE, "SCBL-TT-1"),
        )
    cancelled = order_in(app, trade, OrderStatus.ACCEPTED, payment_terms="advance")
    cancelled.milestones[0].due_on = DUE
    cancel(app, trade, cancelled)
    due_today = order_in(app, trade, OrderStatus.ACCEPTED, payment_terms="advance")
    due_today.milestones[0].due_on = DUE + timedelta(days=1)
    db.session.flush()
    written = len(_mails())  # placing, accepting and cancelling the other orders
    assert send_overdue_reminders(FIRST_SECOND_AFTER) == 0
    assert len(_mails()) == written
    assert db.session.scalars(select(PaymentReminder)).all() == []


def test_the_hourly_job_reminds_once_however_often_it_runs(
    app: Flask, trade: Trade, order: Order
) -> None:
    order.milestones[0].due_on = date.today() - timedelta(days=3)
    db.session.commit()
    reminder_tasks.send_payment_reminders()
    reminder_tasks.send_payment_reminders()  # a retried or repeated run sends nothing more
    assert [m.to_address for m in _mails()] == ["li@minmetals.example"]
    reminder = _reminder(order.milestones[0])
    assert reminder is not None and reminder.sent_count == 1
    assert [e.kind for e in order.events].count("payment_reminder") == 1
    # Scheduled every hour, at minute 41.
    periodic = reminder_tasks.remind_overdue_payments.task_class()
    assert periodic.validate_datetime(datetime(2026, 3, 10, 5, 41))
    assert periodic.validate_datetime(datetime(2026, 3, 10, 6, 41))
    assert not periodic.validate_datetime(datetime(2026, 3, 10, 5, 40))
