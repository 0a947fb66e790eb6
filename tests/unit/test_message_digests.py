"""The e-mail about unread messages (app.services.messaging.digests): one digest per person,
never one per message; nothing during the grace period; nothing twice; nothing once read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import CompanyRole, Message, OrderStatus, OutboxEmail
from app.services.messaging import digests, posting
from tests.builders.messages import write_on_order
from tests.builders.orders import order_in
from tests.builders.trade import Trade, make_trade
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade(app_ctx: None) -> Trade:
    return make_trade()


def _mails() -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def _written(app: Flask, trade: Trade, count: int) -> list[Message]:
    order = order_in(app, trade, OrderStatus.PLACED)
    messages = [write_on_order(app, trade.purchaser, order, f"Question {n}") for n in range(count)]
    db.session.query(OutboxEmail).delete()
    return messages


def test_three_messages_make_one_digest_per_person_after_the_grace_period(
    app: Flask, trade: Trade
) -> None:
    UserFactory(company=trade.seller, company_role=CompanyRole.VIEWER)  # reads, is not e-mailed
    messages = _written(app, trade, 3)
    last = messages[-1].created_at
    assert digests.send_digests(last + posting.EDIT_GRACE - timedelta(seconds=1)) == 0
    assert digests.send_digests(last + posting.EDIT_GRACE) == 1
    (mail,) = _mails()
    assert mail.to_address == trade.sales.email
    assert "3 unread messages" in mail.subject
    assert "Shanghai Minmetals Trading Co., Ltd." in mail.body_text
    assert f"/messages/{messages[0].thread.public_id}" in mail.body_text
    # Told once: the next run is silent until a new message arrives.
    assert digests.send_digests(last + timedelta(minutes=30)) == 0


def test_a_message_read_before_the_run_is_not_e_mailed(app: Flask, trade: Trade) -> None:
    messages = _written(app, trade, 1)
    posting.mark_read(trade.sales, messages[0].thread)
    assert digests.send_digests(messages[0].created_at + timedelta(hours=1)) == 0
    assert _mails() == []
