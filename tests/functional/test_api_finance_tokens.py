"""Finance staff hold read-only API tokens: an accounting system reads the company's
invoices, credit notes and orders, and writes nothing; the owner sees and revokes the token.

The token is made on the account page with CSRF protection on, as a browser sends it, and
used over HTTP as the accounting system would; the database is read afterwards.
"""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    ApiToken,
    CompanyRole,
    Document,
    DocumentKind,
    Order,
    PaymentProof,
    User,
)
from app.models.api_token import ApiTokenRevocation, ApiTokenScope
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_credit_note
from tests.builders import orders as order_steps
from tests.builders.documents import render_pending
from tests.builders.trade import Trade, committed_trade, finance_of
from tests.factories import UserFactory
from tests.support.auth import TEST_PASSWORD
from tests.support.http import assert_csrf_refused, csrf_token, field_errors, page_of

pytestmark = pytest.mark.usefixtures("exchange_rates", "csrf_on")

_SECRET = re.compile(r'id="new-api-token">(crd_[^<]+)<')


@pytest.fixture
def csrf_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.fixture
def trade() -> Trade:
    return committed_trade()


@pytest.fixture
def accountant(trade: Trade) -> User:
    """The buyer's finance clerk, whose accounting system wants the invoices."""
    user: User = UserFactory(
        company=trade.buyer, company_role=CompanyRole.FINANCE, full_name="Zhou Accountant"
    )
    db.session.commit()
    return user


@pytest.fixture
def shipped(app: Flask, trade: Trade) -> Order:
    """An order shipped ($250.00 invoiced) and credited $50.00 by the seller's finance."""
    placed = order_steps.place_for(app, trade.purchaser, [(trade.product, 100)])
    order = order_steps.ship(app, trade, placed)
    seller_finance = finance_of(trade.seller)
    with app.test_request_context():
        invoice = db.session.scalar(
            select(Document).where(
                Document.order_id == order.id,
                Document.kind == DocumentKind.COMMERCIAL_INVOICE,
            )
        )
        assert invoice is not None
        issue_credit_note(Actor(seller_finance), invoice, 5000, "Two cartons damaged")
        db.session.commit()
    render_pending(
        app,
        DocumentKind.PROFORMA_INVOICE,
        DocumentKind.COMMERCIAL_INVOICE,
        DocumentKind.CREDIT_NOTE,
    )
    return order


def sign_in(client: FlaskClient, email: str) -> None:
    """Sign in through the login form, with the CSRF token it carries."""
    token = csrf_token(client.get("/login").data)
    response = client.post(
        "/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def create_on_page(client: FlaskClient, name: str, scope: str) -> tuple[str, str | None]:
    """Send the token form as the browser does; (the page, the secret it shows once)."""
    form = client.get("/account/api-tokens")
    assert form.status_code == 200
    answer = client.post(
        "/account/api-tokens",
        data={"name": name, "scope": scope, "csrf_token": csrf_token(form.data)},
    )
    assert answer.status_code == 200
    page = page_of(answer)
    found = _SECRET.search(page)
    return page, found.group(1) if found else None


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def tokens() -> int:
    return db.session.scalar(select(func.count()).select_from(ApiToken)) or 0


def test_finance_creates_a_read_only_token_and_no_other(
    client: FlaskClient, accountant: User
) -> None:
    sign_in(client, accountant.email)
    form = page_of(client.get("/account/api-tokens"))
    assert 'value="read_only"' in form
    for withheld in ('value="personal"', 'value="orders"', 'value="listings"'):
        assert withheld not in form
    # The page speaks of reading invoices, not of placing orders.
    assert "can read your company's invoices" in form
    assert "place orders" not in form and "POST " not in form

    # The form is protected like every other: without its CSRF token nothing is made.
    assert_csrf_refused(
        client.post("/account/api-tokens", data={"name": "Forged", "scope": "read_only"})
    )
    for scope in ("orders", "listings", "personal"):
        page, secret = create_on_page(client, f"Kingdee {scope}", scope)
        assert secret is None, scope
        assert field_errors(page, "scope") == ["Not a valid choice."], scope
    assert tokens() == 0

    page, secret = create_on_page(client, "Kingdee accounting", "read_only")
    assert secret is not None and secret.startswith("crd_")
    (token,) = db.session.scalars(select(ApiToken)).all()
    assert (token.name, token.scope, token.user_id) == (
        "Kingdee accounting",
        ApiTokenScope.READ_ONLY,
        accountant.id,
    )
    assert "Kingdee accounting" in page and "Read only" in page


def test_finance_token_reads_invoices_credit_notes_and_orders_and_writes_nothing(
    client: FlaskClient, trade: Trade, accountant: User, shipped: Order
) -> None:
    sign_in(client, accountant.email)
    _, secret = create_on_page(client, "Kingdee accounting", "read_only")
    assert secret is not None
    headers = bearer(secret)

    invoices = client.get("/api/v1/invoices", headers=headers)
    assert invoices.status_code == 200
    listed = invoices.get_json()["data"]
    assert sorted((d["kind"], d["order"]) for d in listed) == [
        ("commercial_invoice", shipped.public_id),
        ("credit_note", shipped.public_id),
        ("proforma_invoice", shipped.public_id),
    ]
    (note,) = client.get("/api/v1/invoices?kind=credit_note", headers=headers).get_json()["data"]
    assert (note["total"], note["currency"]) == ("50.00", "USD")
    pdf = client.get(note["pdf_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    orders = client.get("/api/v1/orders", headers=headers)
    assert orders.status_code == 200
    assert [o["id"] for o in orders.get_json()["data"]] == [shipped.public_id]
    detail = client.get(f"/api/v1/orders/{shipped.public_id}", headers=headers)
    assert detail.status_code == 200 and detail.get_json()["status"] == "shipped"

    # Writes: an order, and the proof of a transfer finance staff may upload on the page.
    placed = client.post(
        "/api/v1/orders",
        json={"lines": [{"product": trade.product.public_id, "quantity": 100}]},
        headers=headers,
    )
    assert placed.status_code == 403
    assert placed.get_json()["error"] == 403
    assert placed.get_json()["code"] == "insufficient_scope"
    proof = client.post(
        f"/api/v1/orders/{shipped.public_id}/milestones/1/proof",
        headers=headers,
        data={"proof": (io.BytesIO(b"%PDF-1.7 slip"), "slip.pdf")},
        content_type="multipart/form-data",
    )
    assert (proof.status_code, proof.get_json()["code"]) == (403, "insufficient_scope")
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.scalar(select(func.count()).select_from(PaymentProof)) == 0


def test_owner_sees_and_revokes_the_finance_token(
    app: Flask, client: FlaskClient, trade: Trade, accountant: User
) -> None:
    sign_in(client, accountant.email)
    _, secret = create_on_page(client, "Kingdee accounting", "read_only")
    assert secret is not None
    assert client.get("/api/v1/invoices", headers=bearer(secret)).status_code == 200

    owner = UserFactory(company=trade.buyer, company_role=CompanyRole.OWNER)
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, owner.email)
    overview = browser.get("/company/api-tokens")
    assert overview.status_code == 200
    table = page_of(overview).split('id="company-api-tokens"', 1)[1]
    assert "Kingdee accounting" in table and "Zhou Accountant" in table and "Read only" in table

    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "Kingdee accounting"))
    assert token is not None
    revoked = browser.post(
        f"/company/api-tokens/{token.public_id}/revoke",
        data={"csrf_token": csrf_token(overview.data)},
    )
    assert revoked.status_code == 302
    db.session.expire_all()
    assert token.revoked_reason is ApiTokenRevocation.BY_OWNER
    refused = client.get("/api/v1/invoices", headers=bearer(secret))
    assert refused.status_code == 401


def test_the_sellers_finance_reads_incoming_orders_not_listings(
    app: Flask, client: FlaskClient, trade: Trade, shipped: Order
) -> None:
    clerk = finance_of(trade.seller)
    db.session.commit()
    with app.test_request_context():
        _, secret = create_token(Actor(clerk), "Sage", ApiTokenScope.READ_ONLY)
        db.session.commit()
    incoming = client.get("/api/v1/seller/orders", headers=bearer(secret))
    assert incoming.status_code == 200
    assert [o["id"] for o in incoming.get_json()["data"]] == [shipped.public_id]
    listings = client.get("/api/v1/seller/listings", headers=bearer(secret))
    assert (listings.status_code, listings.get_json()["code"]) == (403, "not_allowed")
    producing = client.post(
        f"/api/v1/seller/orders/{shipped.public_id}/start-production",
        json={},
        headers=bearer(secret),
    )
    # The seller's moves are the sales area's: refused before the scope is even asked.
    assert (producing.status_code, producing.get_json()["code"]) == (403, "not_allowed")


def test_a_writing_token_stops_when_its_holder_becomes_finance_staff(
    app: Flask, client: FlaskClient, trade: Trade
) -> None:
    with app.test_request_context():
        _, orders = create_token(Actor(trade.purchaser), "SAP", ApiTokenScope.ORDERS)
        _, reader = create_token(Actor(trade.purchaser), "BI", ApiTokenScope.READ_ONLY)
        db.session.commit()
    # Changed outside the users page (say by an operator), so nothing was revoked.
    trade.purchaser.company_role = CompanyRole.FINANCE
    db.session.commit()
    assert client.get("/api/v1/invoices", headers=bearer(orders)).status_code == 401
    assert client.get("/api/v1/invoices", headers=bearer(reader)).status_code == 200
