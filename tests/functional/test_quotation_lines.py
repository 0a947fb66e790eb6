"""The seller's quote form with several lines: blank rows ignored, a faulty row named, the
buyer sees every line, and the next revision's form starts from them."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import QuoteRevision
from app.services.audit.recording import Actor
from app.services.quotations.requests import create_rfq
from tests.builders.quotation_forms import quote_form_with_rows
from tests.builders.quotations import rfq_input
from tests.builders.trade import Trade, make_trade
from tests.support.auth import AuthActions
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade(app: Flask) -> Trade:
    return make_trade(currency="USD")


def _rfq(app: Flask, trade: Trade) -> str:
    with app.test_request_context("/"):
        rfq = create_rfq(Actor(trade.purchaser), rfq_input(trade))
        db.session.commit()
        return rfq.public_id


def test_a_quote_of_two_lines_and_blank_rows(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    rfq_id = _rfq(app, trade)
    auth.login(trade.sales.email)
    url = f"/seller/rfqs/{rfq_id}/quote"
    form = quote_form_with_rows(
        **{
            "more_lines-1-product": trade.product.public_id,
            "more_lines-1-quantity": "100",
            "more_lines-1-unit_price": "610.50",
        }
    )
    sent = client.post(url, data=form)
    assert sent.status_code == 302, page_of(sent)
    revision = db.session.scalars(db.select(QuoteRevision)).one()
    lines = sorted(revision.lines, key=lambda line: line.line_no)
    assert [(line.line_no, line.title, line.unit_price_minor) for line in lines] == [
        (1, "Ammonium nitrate, porous prilled", 52_400),
        (2, "Emulsion explosive 32 mm", 61_050),
    ]
    # 400 × 524.00 + 100 × 610.50 = 270,650.00; with freight 298,650.00
    assert (revision.goods_total_minor, revision.total_minor) == (27_065_000, 29_865_000)

    # The next revision's form starts from both lines.
    again = page_of(client.get(url))
    assert 'value="610.50"' in again and 'value="524.00"' in again
    auth.logout()

    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/rfqs/{rfq_id}"))
    assert "Emulsion explosive 32 mm" in page and "$610.50" in page and "$298,650.00" in page


def test_a_half_filled_row_is_refused_on_its_row_and_nothing_is_written(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    rfq_id = _rfq(app, trade)
    auth.login(trade.sales.email)
    url = f"/seller/rfqs/{rfq_id}/quote"
    refused = client.post(
        url,
        data=quote_form_with_rows(
            **{"more_lines-2-title": "Detonating cord", "more_lines-2-unit_price": "3"}
        ),
    )
    assert refused.status_code == 200
    page = page_of(refused)
    # The third row lacks a quantity: the refusal shows under it, the row keeps its text.
    assert 'value="Detonating cord"' in page
    after_row = page.split('value="Detonating cord"')[1]
    assert after_row.index("Enter a number.") < after_row.index("</tbody>")
    assert page.count("Enter a number.") == 1
    assert db.session.scalars(db.select(QuoteRevision)).all() == []
