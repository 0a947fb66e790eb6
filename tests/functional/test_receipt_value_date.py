"""A receipt's value date is the seller's bank day: in Karachi, 01:00 on 8 December is
still 7 December in UTC, and the transfer credited that morning is not "in the future"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from app.services.accounts import clock
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.payments import milestones as payments
from tests.builders.orders import accept, place_for
from tests.builders.trade import finance_of, make_trade

pytestmark = pytest.mark.usefixtures("exchange_rates")

# 20:00 UTC on 7 December 2026 is 01:00 on 8 December in Karachi (UTC+5).
KARACHI_PAST_MIDNIGHT = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value_date", "refused"), [(date(2026, 12, 8), False), (date(2026, 12, 9), True)]
)
def test_the_value_date_is_judged_on_the_sellers_day(
    app: Flask, monkeypatch: pytest.MonkeyPatch, value_date: date, refused: bool
) -> None:
    trade = make_trade()
    trade.seller.timezone = "Asia/Karachi"
    order = accept(app, trade, place_for(app, trade.purchaser, [(trade.product, 100)]))
    deposit = order.milestones[0]
    monkeypatch.setattr(clock, "utcnow", lambda: KARACHI_PAST_MIDNIGHT)
    receipt = payments.ReceiptInput(str(deposit.remaining.amount), value_date, "HBL-TT-0812")
    with app.test_request_context():
        clerk = Actor(finance_of(trade.seller))
        if refused:
            with pytest.raises(ValidationFailed) as refusal:
                payments.record_receipt(clerk, deposit, receipt)
            assert str(refusal.value) == "The value date is in the future."
        else:
            recorded = payments.record_receipt(clerk, deposit, receipt)
            assert recorded.value_date == date(2026, 12, 8)
