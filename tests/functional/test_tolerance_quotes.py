"""The quantity tolerance in quotes: the seller quotes "more or less 5 %", it is part of the
revision's hashed terms (only when there is one: older hashes stay valid), both parties see
it on the RFQ page and over the API, and the order awarded from the revision carries it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Order, QuoteRevision, Rfq
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.quotations.quotes import submit_quote
from tests.builders.quotation_forms import quote_form
from tests.builders.quotations import awarded, open_rfq, quote_input
from tests.builders.trade import Trade, make_trade
from tests.support.auth import AuthActions
from tests.support.http import page_of, text_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """Services called from the test run in a request context, as a view would."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def trade(app: Flask) -> Trade:
    return make_trade()


def _quoted(trade: Trade, **tolerance: object) -> tuple[Rfq, QuoteRevision]:
    """500 t at US$524/t CFR Shanghai (``tests.builders.quotations``), with ``tolerance``."""
    rfq = open_rfq(trade)
    revision = submit_quote(Actor(trade.sales), rfq, replace(quote_input(), **tolerance))
    return rfq, revision


def _expected_sha256(rfq: Rfq, revision: QuoteRevision, **extra: object) -> str:
    """The hash of the builder's quote, its canonical terms written out here by hand."""
    terms: dict[str, Any] = {
        "rfq": rfq.public_id,
        "quote": revision.public_id,
        "revision": 1,
        "seller": revision.seller_id,
        "buyer": revision.buyer_id,
        "currency": "USD",
        "incoterm": "CFR",
        "incoterm_place": "Shanghai",
        "lines": [
            {
                "listing": None,
                "title": "Ammonium nitrate, porous prilled",
                "hs_code": "310230",
                "unit": "TNE",
                "quantity": "500",
                "unit_price_minor": 52_400,
                "line_total_minor": 26_200_000,
                "tiers": [],
            }
        ],
        "goods_total_minor": 26_200_000,
        "freight_minor": 2_800_000,
        "insurance_minor": 0,
        "total_minor": 29_000_000,
        "lead_time_days": 21,
        "payment_terms": "deposit_30_balance_70_bl",
        "valid_until": revision.valid_until.isoformat(),
        "remarks": "Packed in 1 t jumbo bags.",
        **extra,
    }
    text = json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_revision_without_a_tolerance_keeps_the_hash_it_always_had(
    trade: Trade, ctx: None
) -> None:
    rfq, revision = _quoted(trade)
    assert (revision.tolerance_percent, revision.tolerance_at_buyers_option) == (0, False)
    assert revision.terms_sha256 == _expected_sha256(rfq, revision)


def test_a_tolerance_is_part_of_the_hashed_terms_and_reaches_the_order(
    trade: Trade, ctx: None
) -> None:
    rfq, revision = _quoted(trade, tolerance_percent="5", tolerance_option="buyer")
    assert (revision.tolerance_percent, revision.tolerance_at_buyers_option) == (5, True)
    assert revision.terms_sha256 == _expected_sha256(
        rfq, revision, tolerance_percent=5, tolerance_option="buyer"
    )
    order = awarded(trade, revision)
    assert (order.tolerance_percent, order.tolerance_at_buyers_option) == (5, True)
    assert order.quote_terms_sha256 == revision.terms_sha256


def test_partial_shipments_are_part_of_the_hashed_terms_and_reach_the_order(
    trade: Trade, ctx: None
) -> None:
    rfq, revision = _quoted(trade, partial_shipments=True)
    assert revision.partial_shipments is True
    assert revision.terms_sha256 == _expected_sha256(rfq, revision, partial_shipments=True)
    order = awarded(trade, revision)
    assert order.partial_shipments is True
    assert order.quote_terms_sha256 == revision.terms_sha256


@pytest.mark.parametrize(
    ("tolerance", "field"),
    [
        ({"tolerance_percent": "11"}, "tolerance_percent"),
        ({"tolerance_percent": "abc"}, "tolerance_percent"),
        ({"tolerance_percent": "5", "tolerance_option": "agent"}, "tolerance_option"),
    ],
)
def test_a_bad_tolerance_refuses_the_quote_on_its_field(
    trade: Trade, ctx: None, tolerance: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _quoted(trade, **tolerance)
    assert refused.value.field == field
    assert db.session.scalar(db.select(db.func.count(QuoteRevision.id))) == 0


def test_the_quote_form_to_the_order_page_over_http(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    rfq = open_rfq(trade)
    db.session.commit()
    auth.login(trade.sales.email)
    form_page = page_of(client.get(f"/seller/rfqs/{rfq.public_id}/quote"))
    assert 'name="tolerance_percent"' in form_page and 'name="tolerance_option"' in form_page

    refused = client.post(
        f"/seller/rfqs/{rfq.public_id}/quote", data=quote_form(tolerance_percent="11")
    )
    assert refused.status_code == 200
    errors = re.search(
        r'id="tolerance_percent-errors"[^>]*>(.*?)</div>\s*</div>', page_of(refused), re.S
    )
    assert errors is not None, "the message is under the tolerance field"
    assert "The quantity tolerance is a whole percent from 0 to 10." in errors.group(1)
    assert db.session.scalar(db.select(db.func.count(QuoteRevision.id))) == 0

    sent = client.post(
        f"/seller/rfqs/{rfq.public_id}/quote",
        data=quote_form(tolerance_percent="5", tolerance_option="seller"),
    )
    assert sent.status_code == 302, page_of(sent)
    revision = db.session.scalars(db.select(QuoteRevision)).one()
    assert (revision.tolerance_percent, revision.tolerance_at_buyers_option) == (5, False)
    assert "More or less 5 % at seller's option" in text_of(
        client.get(f"/seller/rfqs/{rfq.public_id}")
    )
    # The next revision starts from this one's tolerance.
    again = page_of(client.get(f"/seller/rfqs/{rfq.public_id}/quote"))
    assert re.search(r'name="tolerance_percent"[^>]*value="5"', again)
    auth.logout()

    auth.login(trade.purchaser.email)
    assert "More or less 5 % at seller's option" in text_of(
        client.get(f"/buyer/rfqs/{rfq.public_id}")
    )
    accepted = client.post(
        f"/buyer/quotes/{revision.public_id}/accept",
        data={
            "consignee": "MCCT International, Pudong, Shanghai",
            "terms_sha256": revision.terms_sha256,
        },
    )
    assert accepted.status_code == 302, page_of(accepted)
    order = db.session.scalars(db.select(Order)).one()
    assert (order.tolerance_percent, order.tolerance_at_buyers_option) == (5, False)
    page = text_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "More or less 5 % at seller's option" in page
    # 500 t ± 5 %, to the kilogram.
    assert "Ships 475.000 t to 525.000 t" in page


def test_the_api_shows_a_quotes_tolerance(client: FlaskClient, trade: Trade, ctx: None) -> None:
    rfq, revision = _quoted(trade, tolerance_percent="3", tolerance_option="buyer")
    plain_rfq, _plain = _quoted(trade)
    _token, secret = create_token(Actor(trade.purchaser), "SAP")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}

    shown = client.get(f"/api/v1/rfqs/{rfq.public_id}", headers=headers).get_json()
    assert [(q["id"], q["tolerance_percent"], q["tolerance_option"]) for q in shown["quotes"]] == [
        (revision.public_id, 3, "buyer")
    ]
    plain = client.get(f"/api/v1/rfqs/{plain_rfq.public_id}", headers=headers).get_json()
    assert [(q["tolerance_percent"], q["tolerance_option"]) for q in plain["quotes"]] == [(0, None)]
