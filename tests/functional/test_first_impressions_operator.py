"""First impressions (issue 26) on the operator's and finance's pages: an audit log that
names what it links, with labelled details and every kind in its filter; exchange rates by
the page; a credit note confirmed before it is issued; register exports with stable
column codes."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import func, select

from app.demo.rates import add_daily_rates
from app.extensions import db
from app.models import Document, DocumentKind, ExchangeRate, Order, OrderStatus, ProductStatus
from app.models.base import utcnow
from app.services.audit.naming import KNOWN_ACTIONS
from app.services.audit.recording import Actor
from app.services.finance.register_exports import COLUMN_CODES
from app.services.listings.editing import publish_listing
from tests.builders.orders import order_in, place_for
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import ProductFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


def audit_rows(page: str) -> list[str]:
    """Each audit row as text, newest first."""
    body = page.split('id="audit-log"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr data-action=[^>]*>(.*?)</tr>", body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


# --- the audit log -------------------------------------------------------------------------


def test_the_audit_log_names_the_order_listing_and_company_it_links(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    draft = ProductFactory(
        seller=trade.seller, title="Detonating cord 10 g/m", status=ProductStatus.DRAFT
    )
    with app.test_request_context():
        publish_listing(Actor(trade.sales), draft)
        db.session.commit()
    order = place_for(app, trade.purchaser, [(trade.product, 200)])
    operator = UserFactory(operator=True)
    auth.login(operator.email)
    page = page_of(client.get("/operator/audit?action=order"))
    rows = audit_rows(page)
    assert rows and all("order." in row for row in rows)
    placed = next(row for row in rows if "order.placed" in row)
    assert f"Order {order.reference}" in placed
    assert trade.buyer.legal_name in placed  # the company the row belongs to
    assert order.public_id not in placed  # the name, not the raw id
    listing = audit_rows(page_of(client.get("/operator/audit?action=listing.published")))
    assert len(listing) == 1 and "Listing Detonating cord 10 g/m" in listing[0]
    assert trade.seller.legal_name in listing[0]


def test_the_audit_filter_offers_every_kind_before_it_happens(
    client: FlaskClient, auth: AuthActions
) -> None:
    operator = UserFactory(operator=True)
    auth.login(operator.email)
    page = page_of(client.get("/operator/audit"))
    options = re.findall(r'<option[^>]*value="([^"]*)"', page.split('name="action"', 1)[1])
    for kind in ("order", "listing", "payment", "order.placed", "order.accepted"):
        assert kind in options
    assert "listing.published" in options and "payment.receipt_recorded" in options
    assert "All order events" in page


def test_audit_details_are_labelled_fields_with_formatted_amounts(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.ACCEPTED, paid=True)
    total = db.session.scalar(select(Order.total_minor).where(Order.id == order.id))
    operator = UserFactory(operator=True)
    auth.login(operator.email)
    page = page_of(client.get("/operator/audit?action=payment.receipt_recorded"))
    rows = audit_rows(page)
    assert rows
    assert "amount_minor" not in page and "{'" not in page  # no raw keys, no dict text
    details = page.split('class="row mb-0 audit-details"', 1)[1].split("</dl>", 1)[0]
    labels = re.findall(r'<dt class="col-5 fw-normal text-muted">(.*?)</dt>', details)
    assert "Amount" in labels
    assert total is not None
    written = f"${total // 100:,}.{total % 100:02d}"
    assert f'<span class="figure">{written}</span>' in page


def test_the_filters_list_of_kinds_holds_every_action_the_code_records() -> None:
    """Each literal action passed to record_audit (or audit_payment) in app/ is offered."""
    source = Path(__file__).parents[2] / "app"
    call = re.compile(
        r'(?:record_audit|audit_payment)\(\s*[^,()]+(?:\([^)]*\))?,\s*"([a-z_]+(?:\.[a-z_.]+)?)"'
    )
    recorded = {
        action for path in source.rglob("*.py") for action in call.findall(path.read_text())
    }
    assert {"logout", "order.delivery_auto_confirmed", "payment.receipt_recorded"} <= recorded
    assert sorted(recorded - set(KNOWN_ACTIONS)) == []


# --- exchange rates by the page ------------------------------------------------------------


def test_exchange_rates_come_fifty_to_a_page(client: FlaskClient, auth: AuthActions) -> None:
    today = utcnow().date()
    add_daily_rates(today - timedelta(days=40), today)
    db.session.flush()
    total = db.session.scalar(select(func.count(ExchangeRate.id))) or 0
    assert total > 100
    operator = UserFactory(operator=True)
    auth.login(operator.email)

    def rows(page: str) -> int:
        body = page.split('id="rates"', 1)[1].split("</table>", 1)[0]
        return body.count("<tr>") - 1  # less the heading row

    first = page_of(client.get("/operator/exchange-rates"))
    assert rows(first) == 50
    assert 'href="/operator/exchange-rates?page=2"' in first
    last_page = (total + 49) // 50
    last = page_of(client.get(f"/operator/exchange-rates?page={last_page}"))
    assert rows(last) == total - 50 * (last_page - 1)
    # A page past the end shows the last one, not an empty table.
    assert rows(page_of(client.get("/operator/exchange-rates?page=999"))) == rows(last)


# --- a credit note is confirmed before it is issued ----------------------------------------


def test_a_credit_note_asks_for_confirmation_showing_what_it_will_do(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.SHIPPED)
    invoice = next(d for d in order.documents if d.kind is DocumentKind.COMMERCIAL_INVOICE)
    assert invoice.total_minor is not None
    clerk = finance_of(trade.seller)
    auth.login(clerk.email)
    form = page_of(client.get(f"/finance/invoices/{invoice.public_id}"))
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', form)
    assert key is not None
    data = {"amount": "100.00", "reason": "Two drums short", "submission_key": key.group(1)}
    confirm = client.post(f"/finance/invoices/{invoice.public_id}/credit-notes", data=data)
    assert confirm.status_code == 200
    page = page_of(confirm)
    before = invoice.total_minor
    after = before - 10_000
    assert "Issuing it will:" in page
    assert f"${before // 100:,}.{before % 100:02d}" in page
    assert f"${after // 100:,}.{after % 100:02d}" in page
    assert trade.buyer.legal_name in page and "Two drums short" in page
    assert '<input type="hidden" name="confirmed" value="yes">' in page
    notes = select(func.count(Document.id)).where(Document.corrects_id == invoice.id)
    assert db.session.scalar(notes) == 0  # nothing issued by the first press
    issued = client.post(
        f"/finance/invoices/{invoice.public_id}/credit-notes", data={**data, "confirmed": "yes"}
    )
    assert issued.status_code == 302
    assert db.session.scalar(notes) == 1


def test_confirming_too_large_a_credit_goes_back_to_the_form(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.SHIPPED)
    invoice = next(d for d in order.documents if d.kind is DocumentKind.COMMERCIAL_INVOICE)
    assert invoice.total_minor is not None
    auth.login(finance_of(trade.seller).email)
    too_much = f"{(invoice.total_minor + 1) / 100:.2f}"
    response = client.post(
        f"/finance/invoices/{invoice.public_id}/credit-notes",
        data={"amount": too_much, "reason": "Too much", "submission_key": "k" * 32},
    )
    assert response.status_code == 400
    assert "cannot exceed what remains" in page_of(response)
    assert "Issuing it will:" not in page_of(response)


# --- register exports with stable column codes ---------------------------------------------


def test_the_register_exports_translated_headings_or_stable_codes(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order_in(app, trade, OrderStatus.SHIPPED)
    clerk = finance_of(trade.seller)
    clerk.locale = "zh_Hans"
    db.session.flush()
    auth.login(clerk.email)
    page = page_of(client.get("/finance/invoices"))
    assert 'name="headings"' in page and 'value="codes"' in page
    translated = client.get("/finance/invoices.csv").data.decode("utf-8-sig")
    heading = next(csv.reader(io.StringIO(translated)))
    assert heading[0] != "number" and len(heading) == len(COLUMN_CODES)
    coded = client.get("/finance/invoices.csv?headings=codes").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(coded)))
    assert lines[0] == [
        "number",
        "kind",
        "direction",
        "issue_date",
        "counterparty",
        "order",
        "buyer_po",
        "corrects",
        "currency",
        "amount",
        "net_amount",
        "outstanding",
        "status",
        "due_date",
        "reporting_currency",
        "exchange_rate",
        "rate_date",
        "rate_source",
        "amount_reporting",
        "net_amount_reporting",
        "sha256",
    ]
    assert lines[1][1] == "commercial_invoice" and lines[1][2] == "issued"
    workbook = load_workbook(
        io.BytesIO(client.get("/finance/invoices.xlsx?headings=codes").data), read_only=True
    )
    assert workbook.sheetnames == ["register", "totals"]
    first = next(workbook["register"].iter_rows(max_row=1, values_only=True))
    assert list(first) == list(COLUMN_CODES)
