"""First impressions (issue 26): figures formatted by babel for each reader — no English
"AM" in Urdu, ranges that keep their reading order inside right-to-left text, amounts in
timeline notes written like every other amount, and each figure marked for the phone CSS."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh

from app.extensions import db
from app.i18n import amounts_in_text, format_when, number_range
from app.services.audit.recording import Actor
from app.services.orders.lifecycle import record_event
from tests.builders.orders import place_for
from tests.builders.trade import Trade, finance_of, make_trade
from tests.support.auth import AuthActions
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")

AFTERNOON = datetime(2026, 12, 7, 10, 4, 5, tzinfo=UTC)  # 15:04:05 in Karachi


def formatted(app: Flask, locale: str, zone: str = "Asia/Karachi") -> tuple[str, str]:
    with app.test_request_context(headers={"Accept-Language": locale}):
        app.config["BABEL_DEFAULT_TIMEZONE"] = zone
        refresh()
        try:
            return format_when(AFTERNOON), format_when(AFTERNOON, "short")
        finally:
            app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"


def test_urdu_times_read_the_24_hour_clock_without_an_english_am_or_pm(app: Flask) -> None:
    medium, short = formatted(app, "ur")
    assert medium.startswith("7 دسمبر، 2026 15:04:05 ") and short.startswith("7/12/26 15:04 ")
    assert "AM" not in medium + short and "PM" not in medium + short


def test_english_and_chinese_keep_their_own_clocks(app: Flask) -> None:
    assert formatted(app, "en")[0].startswith("Dec 7, 2026, 3:04:05\u202fPM ")
    assert formatted(app, "zh-CN")[0].startswith("2026年12月7日 15:04:05 ")


def test_a_range_keeps_its_reading_order_inside_urdu(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "ur"}):
        # A hyphen-minus joins the numbers into one left-to-right run (an en dash did not).
        assert number_range(1, 30) == "1-30"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert number_range(1000, 2000) == "1,000\u20132,000"
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert number_range(31, 60) == "31\u201360"


def test_the_aging_buckets_keep_their_reading_order_in_urdu(
    client: FlaskClient, auth: AuthActions, app: Flask
) -> None:
    trade = make_trade()
    clerk = finance_of(trade.seller)
    clerk.locale = "ur"
    db.session.flush()
    auth.login(clerk.email)
    # The register's "days past due" filter lists the same buckets as the aging table.
    page = page_of(client.get("/finance/invoices"))
    # Urdu reads right to left: a hyphen keeps "1-30" in its order (an en dash between
    # figures is drawn reversed), and the unit is Urdu's.
    assert '<option value="1-30">1-30 دن</option>' in page
    assert '<option value="31-60">31-60 دن</option>' in page


def test_amounts_in_timeline_notes_are_formatted_for_the_reader(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        text = str(amounts_in_text("LC-7 · Bank of China · 86965.00 USD <b>"))
    assert text == 'LC-7 · Bank of China · <span class="figure">US$86,965.00</span> &lt;b&gt;'
    with app.test_request_context(headers={"Accept-Language": "en"}):
        reversed_note = str(amounts_in_text("MS-1: -1250.5 EUR · TT-9 · wrong payer"))
        odd = str(amounts_in_text("rev. 2 of 10.00 XYZ"))  # not a currency: left as written
    assert reversed_note == 'MS-1: <span class="figure">-€1,250.50</span> · TT-9 · wrong payer'
    assert odd == "rev. 2 of 10.00 XYZ"


def test_the_order_timeline_shows_a_notes_amount_in_the_readers_format(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade: Trade = make_trade()
    order = place_for(app, trade.purchaser, [(trade.product, 200)])
    with app.test_request_context():
        record_event(
            Actor(trade.sales), order, "letter_of_credit", note="LC-1 · BOC · 86965.00 USD"
        )
        db.session.commit()
    trade.purchaser.locale = "zh_Hans"
    db.session.flush()
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert '<span class="figure">US$86,965.00</span>' in page
    assert "86965.00 USD" not in page


def test_order_lists_mark_each_amount_and_date_as_one_figure(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = make_trade()
    place_for(app, trade.purchaser, [(trade.product, 200)])
    auth.login(trade.purchaser.email)
    page = page_of(client.get("/buyer/orders"))
    table = page.split('class="table align-middle table-stack"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', table, re.S)
    marked = {label: '<span class="figure">' in cell for label, cell in cells}
    assert marked["Placed"] and marked["Total"]
    assert set(marked) == {"Seller", "PO number", "Placed", "Total", "Status", "Next step"}
