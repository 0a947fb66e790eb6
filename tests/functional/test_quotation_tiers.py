"""Price breaks on quote lines: refused on their own fields, part of the terms' hash, used
by the award at the quantity awarded, shown to the buyer and carried into the next form."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import QuoteLineTier, QuoteRevision
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.quotations.quotes import (
    CounterInput,
    canonical_terms,
    counter,
    submit_quote,
    terms_hash,
)
from app.web.api.schemas.quotations import Quote
from tests.builders.quotation_forms import quote_form_with_rows
from tests.builders.quotations import awarded, open_rfq, quote_input, quoted_rfq
from tests.builders.trade import Trade, make_trade
from tests.support.auth import AuthActions
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")

# 500 t at US$524/t; from 300 t US$515, from 500 t US$510, from 1,000 t US$500.
BREAKS: list[tuple[object, object]] = [("300", "515.00"), ("500", "510.00"), ("1000", "500")]


@pytest.fixture
def trade(app: Flask) -> Trade:
    return make_trade(currency="USD")


@pytest.mark.usefixtures("app_ctx")
@pytest.mark.parametrize(
    ("tiers", "field", "message"),
    [
        ([("1000", "510"), ("800", "500")], "lines-0-tiers-1-quantity", "larger quantity"),
        ([("1000", "510"), ("1000", "500")], "lines-0-tiers-1-quantity", "larger quantity"),
        ([("1000", "0")], "lines-0-tiers-0-unit_price", "above zero"),
        ([("1000", "510.00005")], "lines-0-tiers-0-unit_price", "at most 4 decimals"),
        ([("1000", "")], "lines-0-tiers-0-unit_price", "Enter an amount."),
        ([("", "510")], "lines-0-tiers-0-quantity", "Enter a number."),
        ([("2.5005", "510")], "lines-0-tiers-0-quantity", "up to 3 decimals"),
        ([("1", "510")], "lines-0-tiers-0-quantity", "above 1 unit"),
        ([("600", "1"), ("700", "1"), ("800", "1"), ("900", "1")], "lines-0-tiers-3-quantity", "3"),
    ],
)
def test_a_bad_price_break_is_refused_on_its_field_and_nothing_is_written(
    trade: Trade, tiers: list[tuple[object, object]], field: str, message: str
) -> None:
    rfq = open_rfq(trade)
    with pytest.raises(ValidationFailed) as refused:
        submit_quote(Actor(trade.sales), rfq, quote_input(tiers=tiers))
    assert refused.value.field == field
    assert message in str(refused.value)
    db.session.rollback()
    assert db.session.scalars(db.select(QuoteLineTier)).all() == []


@pytest.mark.usefixtures("app_ctx")
def test_a_different_price_break_makes_a_different_hash(trade: Trade) -> None:
    rfq, revision = quoted_rfq(trade, tiers=[("1000", "500.00")])
    canonical = canonical_terms(revision, rfq, {})
    assert '"tiers":[{"from_quantity":"1000","unit_price_minor":50000}]' in canonical
    assert terms_hash(canonical) == revision.terms_sha256
    revision.lines[0].tiers[0].unit_price_minor = 49_900
    assert terms_hash(canonical_terms(revision, rfq, {})) != revision.terms_sha256
    revision.lines[0].tiers[0].unit_price_minor = 50_000
    revision.lines[0].tiers[0].min_quantity = revision.lines[0].tiers[0].min_quantity + 1
    assert terms_hash(canonical_terms(revision, rfq, {})) != revision.terms_sha256
    db.session.rollback()


@pytest.mark.usefixtures("app_ctx")
def test_the_award_uses_the_highest_break_the_quantity_reaches(trade: Trade) -> None:
    _rfq, revision = quoted_rfq(trade, tiers=BREAKS)
    # 500 t reaches "from 500 t": 500 × 510.00 = 255,000.00; freight 28,000.00.
    assert (revision.goods_total_minor, revision.total_minor) == (25_500_000, 28_300_000)
    order = awarded(trade, revision)
    line = order.lines[0]
    assert (line.quantity, line.unit_price_minor, line.line_total_minor) == (
        500,
        51_000,
        25_500_000,
    )
    assert (order.goods_total_minor, order.total_minor) == (25_500_000, 28_300_000)


@pytest.mark.usefixtures("app_ctx")
def test_the_api_shows_the_breaks_with_the_line(trade: Trade) -> None:
    _rfq, revision = quoted_rfq(trade, tiers=[("1000", "500.00")])
    line = Quote.of(revision).model_dump(mode="json")["lines"][0]
    assert (line["unit_price"], line["price_breaks"]) == (
        "524.00",
        [{"from_quantity": "1000", "unit_price": "500.00"}],
    )


@pytest.mark.usefixtures("app_ctx")
def test_a_counter_on_quantity_reaches_a_higher_break(trade: Trade) -> None:
    rfq, first = quoted_rfq(trade, tiers=BREAKS)
    counter(Actor(trade.purchaser), first, CounterInput(quantity="1000"))
    second = submit_quote(Actor(trade.sales), rfq, quote_input(quantity="1000", tiers=BREAKS))
    order = awarded(trade, second)
    # 1,000 t reaches "from 1,000 t": 1,000 × 500.00 = 500,000.00; with freight 528,000.00.
    assert (order.lines[0].unit_price_minor, order.lines[0].line_total_minor) == (
        50_000,
        50_000_000,
    )
    assert order.total_minor == 52_800_000


def test_the_seller_quotes_breaks_the_buyer_sees_them_and_the_next_form_keeps_them(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    with app.test_request_context("/"):
        rfq_id = open_rfq(trade).public_id
        db.session.commit()
    auth.login(trade.sales.email)
    url = f"/seller/rfqs/{rfq_id}/quote"
    refused = client.post(
        url,
        data=quote_form_with_rows(
            tier_1_quantity="1000", tier_1_price="510", tier_2_quantity="800"
        ),
    )
    page = page_of(refused)
    assert refused.status_code == 200
    assert "Each price break starts at a larger quantity than the one before." in page
    assert db.session.scalars(db.select(QuoteRevision)).all() == []

    sent = client.post(
        url,
        data=quote_form_with_rows(
            tier_1_quantity="1000",
            tier_1_price="510",
            tier_2_quantity="2000",
            tier_2_price="499.50",
        ),
    )
    assert sent.status_code == 302, page_of(sent)
    again = page_of(client.get(url))
    assert 'value="1000"' in again and 'value="510.00"' in again and 'value="499.50"' in again
    auth.logout()

    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/rfqs/{rfq_id}"))
    breaks = page.split('data-testid="price-breaks"')[1].split("</ul>")[0]
    assert "from 1,000.000 t: $510.00 each" in breaks
    assert "from 2,000.000 t: $499.50 each" in breaks
    # 400 t reaches no break: the line's own price, 400 × 524.00 = 209,600.00.
    assert "$209,600.00" in page
