"""Unit prices to 4 decimals (issue #20): prices per kilogram are sub-cent (US$0.2524/kg).

A unit price takes two decimals beyond its currency's (USD 4, JPY 2, KWD 5) and is kept
exactly (hundredths of a minor unit) on both databases; line amounts round once, half up,
to the minor unit, and the order, the PDF and the e-invoice XML add up the same lines.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy.exc import StatementError

from app.documents.einvoice_cii import cii_xml
from app.documents.pdf import document_pdf
from app.documents.snapshot import build_snapshot
from app.extensions import db
from app.models import DocumentKind, Order, OrderLine, PriceTier, Product
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.quotations.quotes import CounterInput, counter, submit_quote
from tests.builders.orders import place_for
from tests.builders.quotations import awarded, open_rfq, quote_input
from tests.builders.trade import Trade, make_trade
from tests.factories import OrderFactory, ProductFactory
from tests.support.auth import AuthActions
from tests.support.http import page_of
from tests.support.pdfs import pdf_text

pytestmark = pytest.mark.usefixtures("exchange_rates")

NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


def half_up_cents(quantity: Decimal, price_per_unit: Decimal) -> Decimal:
    """The test's own rounding of a line: dollars times quantity, to the cent, half up."""
    return (quantity * price_per_unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_twelve_and_a_half_tonnes_in_kilograms_at_a_sub_cent_price(app: Flask) -> None:
    # 12,500.125 kg at US$0.2524 = US$3,155.031550, rounded once half up: US$3,155.03.
    trade: Trade = make_trade(
        unit="KGM",
        moq=Decimal("1000"),
        price_from_minor=Decimal("25.24"),
        stock_quantity=Decimal("100000"),
    )
    order = place_for(app, trade.purchaser, [(trade.product, Decimal("12500.125"))])
    db.session.expire_all()
    (line,) = db.session.get(Order, order.id).lines  # type: ignore[union-attr]
    assert (line.unit_price_minor, line.line_total_minor) == (Decimal("25.24"), 315_503)
    assert format(line.unit_price_minor, "f") == "25.24"


def test_a_quote_at_a_sub_cent_price_shows_as_typed_on_the_order_page(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade: Trade = make_trade(
        unit="KGM",
        moq=Decimal("1"),
        price_from_minor=Decimal("25.24"),
        stock_quantity=Decimal("100000"),
    )
    order = place_for(app, trade.purchaser, [(trade.product, Decimal("2000"))])
    auth.login(trade.purchaser.email)
    page = html.unescape(page_of(client.get(f"/buyer/orders/{order.public_id}")))
    # 2,000 kg at $0.2524 is $504.80.
    assert "$0.2524" in page and "$504.80" in page


@pytest.mark.usefixtures("app_ctx")
def test_a_quote_per_kilogram_at_a_sub_cent_price_is_awarded_at_that_price() -> None:
    trade: Trade = make_trade(
        unit="KGM", moq=Decimal("1"), price_from_minor=Decimal("25.24"), stock_quantity=50_000
    )
    rfq = open_rfq(trade, quantity="12500.5", unit="KGM", target_price="0.2499")
    assert rfq.target_price_minor == Decimal("24.99")
    revision = submit_quote(
        Actor(trade.sales),
        rfq,
        quote_input(
            quantity="12500.5",
            unit_price="0.2524",
            product_public_id=trade.product.public_id,
            freight=None,
        ),
    )
    (quoted,) = revision.lines
    # 12,500.5 kg x US$0.2524 = US$3,155.1262, rounded once half up: US$3,155.13.
    assert (quoted.unit_price_minor, quoted.line_total_minor) == (Decimal("25.24"), 315_513)
    order = awarded(trade, revision)
    (line,) = order.lines
    assert (line.unit_price_minor, line.line_total_minor) == (Decimal("25.24"), 315_513)


def test_a_counter_offer_keeps_the_buyers_sub_cent_price(app: Flask) -> None:
    with app.test_request_context():
        trade: Trade = make_trade(unit="KGM")
        rfq = open_rfq(trade, quantity="1000", unit="KGM")
        revision = submit_quote(
            Actor(trade.sales), rfq, quote_input(quantity="1000", unit_price="0.2524", freight=None)
        )
        with pytest.raises(ValidationFailed, match="USD prices have at most 4 decimals"):
            counter(Actor(trade.purchaser), revision, CounterInput(unit_price="0.24751"))
        offer = counter(Actor(trade.purchaser), revision, CounterInput(unit_price="0.2475"))
        db.session.commit()
        db.session.expire_all()
        assert offer.unit_price_minor == Decimal("24.75")


def _two_hundred_lines() -> list[tuple[Decimal, Decimal]]:
    """(quantity in kg, price in USD per kg): sub-cent prices and gram quantities whose
    products land on, above and below half a cent."""
    lines = []
    for n in range(1, 201):
        quantity = Decimal(1000 + 37 * n) + Decimal(n % 1000) / 1000
        price = Decimal("0.2") + Decimal(n * 7 % 100) / 10_000 + Decimal(n % 3) / 10_000
        lines.append((quantity, price))
    return lines


def test_two_hundred_lines_add_up_the_same_in_the_order_the_pdf_and_the_xml(
    app: Flask,
) -> None:
    rows = _two_hundred_lines()
    expected = [half_up_cents(q, p) for q, p in rows]
    total = sum(expected, Decimal(0))
    # Summed line by line (each rounded once); rounding the exact sum instead would give
    # 193,556.84 (written out so a change of rounding shows here).
    assert total == Decimal("193556.88")
    assert sum((q * p for q, p in rows), Decimal(0)).quantize(Decimal("0.01")) == Decimal(
        "193556.84"
    )
    total_minor = int(total * 100)
    order: Order = OrderFactory(
        goods_total_minor=total_minor,
        total_minor=total_minor,
        lines=[
            OrderLine(
                line_no=n,
                title=f"Chromite ore fines lot {n}",
                hs_code="261000",
                origin_country="PK",
                unit="KGM",
                quantity=q,
                unit_price_minor=p * 100,
                line_total_minor=int(amount * 100),
            )
            for n, ((q, p), amount) in enumerate(zip(rows, expected, strict=True), start=1)
        ],
    )
    db.session.expire_all()
    stored = db.session.get(Order, order.id)
    assert stored is not None
    assert [line.unit_price_minor / 100 for line in stored.lines] == [p for _, p in rows]

    with app.test_request_context():
        snapshot = build_snapshot(
            DocumentKind.COMMERCIAL_INVOICE,
            stored,
            number="WNC-CI-2026-000200",
            issued_at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
            verify_url="https://corridor.example/verify/" + "T" * 43,
        )
        pdf = document_pdf(snapshot)
    xml = etree.fromstring(cii_xml(snapshot))
    line_totals = [
        Decimal(str(e.text))
        for e in xml.xpath("//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount", namespaces=NS)
    ]
    prices = [Decimal(str(e.text)) for e in xml.xpath("//ram:ChargeAmount", namespaces=NS)]
    assert line_totals == expected
    assert prices == [p for _, p in rows]
    header = xml.xpath(
        "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:LineTotalAmount",
        namespaces=NS,
    )
    assert [e.text for e in header] == ["193556.88"]

    text = pdf_text(pdf)
    # Every line prints its quantity, its exact price and its rounded amount (then the
    # 0 % tax rate), and the total adds them.
    printed = re.findall(r"(\d[\d,]*\.\d{3}) kg\D*?(\d+\.\d{2,4})\s+([\d,]+\.\d{2})\s+0%", text)
    assert [
        (Decimal(q.replace(",", "")), Decimal(p), Decimal(a.replace(",", "")))
        for q, p, a in printed
    ] == [(q, p, amount) for (q, p), amount in zip(rows, expected, strict=True)]
    assert "193,556.88" in text


def test_stored_prices_come_back_exactly(app: Flask) -> None:
    product: Product = ProductFactory(
        unit="KGM",
        price_from_minor=Decimal("25.24"),
        price_tiers=[
            PriceTier(min_quantity=Decimal("100"), unit_price_minor=Decimal("25.24")),
            PriceTier(min_quantity=Decimal("1000"), unit_price_minor=Decimal("2400")),
        ],
    )
    db.session.commit()
    db.session.expire_all()
    tiers = sorted(db.session.get(Product, product.id).price_tiers, key=lambda t: t.min_quantity)  # type: ignore[union-attr]
    assert [t.unit_price_minor for t in tiers] == [Decimal("25.24"), Decimal("2400")]
    # A third decimal of a cent is not a price we keep: refused before the database.
    tiers[0].unit_price_minor = Decimal("25.245")
    with pytest.raises(StatementError, match="at most 2 decimals"):
        db.session.flush()
    db.session.rollback()
