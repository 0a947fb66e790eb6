"""Every home page counts each step that waits for its reader (issue 26, the new-user walk):
the seller's orders to accept, to produce and to ship; the buyer's to pay, to confirm and
documents; finance's overdue invoices; the operator's licences and escalated claims. Owners
and operators land on their home, and the logo takes a signed-in user there."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import CompanyRole, LicenceKind, OrderStatus, ReviewStatus
from app.services.audit.recording import Actor
from app.services.claims import responses
from app.services.finance.register import overdue_count
from tests.builders.claims import claim_on, delivered_paid
from tests.builders.licences import licence
from tests.builders.orders import order_in
from tests.builders.register_books import TODAY, Books, books_fixture  # noqa: F401
from tests.builders.trade import Trade, make_trade
from tests.factories import UserFactory
from tests.support.auth import AuthActions
from tests.support.http import order_references, page_of, waiting_count

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


def test_the_seller_home_counts_every_order_whose_next_step_is_the_sellers(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    accepted = order_in(app, trade, OrderStatus.ACCEPTED)
    producing = [order_in(app, trade, OrderStatus.IN_PRODUCTION) for _ in range(2)]
    order_in(app, trade, OrderStatus.SHIPPED)  # the buyer's move now
    auth.login(trade.sales.email)
    home = page_of(client.get("/seller/"))
    assert (waiting_count(home, "accept"), waiting_count(home, "produce")) == (0, 1)
    assert waiting_count(home, "ship") == 2
    assert 'href="/seller/orders?waiting=ship"' in home
    assert order_references(page_of(client.get("/seller/orders?waiting=produce"))) == [
        accepted.reference
    ]
    to_ship = page_of(client.get("/seller/orders?waiting=ship"))
    assert sorted(order_references(to_ship)) == sorted(o.reference for o in producing)
    assert "waiting for you to record the shipment" in to_ship


def test_the_buyer_home_counts_shipped_orders_to_confirm(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    shipped = order_in(app, trade, OrderStatus.SHIPPED)
    order_in(app, trade, OrderStatus.IN_PRODUCTION)
    auth.login(trade.purchaser.email)
    home = page_of(client.get("/buyer/"))
    assert waiting_count(home, "delivery") == 1
    listed = page_of(client.get("/buyer/orders?waiting=delivery"))
    assert order_references(listed) == [shipped.reference]


def test_overdue_invoices_are_counted_on_either_side(books: Books) -> None:
    # i2 (partly paid, advance) and i4 (received from X, unpaid) are past due on 20 March;
    # i1 is paid and i3 (net 30 from 1 March) falls due on 31 March.
    assert overdue_count(books.seller.id, TODAY) == 2


def test_the_finance_home_shows_the_overdue_number(
    client: FlaskClient,
    auth: AuthActions,
    books: Books,
) -> None:
    db.session.commit()
    auth.login(books.finance.email)
    home = page_of(client.get("/finance/"))
    # Today is long past 31 March 2026, so i3 is overdue too.
    assert waiting_count(home, "overdue") == 3
    assert "3</div>" in home and "overdue invoices" in home


def test_the_operator_home_counts_licences_to_review_and_escalated_claims(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    licence(trade.seller, LicenceKind.EXPORT, status=ReviewStatus.PENDING)
    licence(trade.seller, LicenceKind.EXPORT)  # accepted: nothing to review
    order = delivered_paid(app, trade, quantity=400)
    claim = claim_on(app, trade, order, "40")
    claim_on(app, trade, delivered_paid(app, trade, quantity=300), "30")  # still open
    with app.test_request_context():
        responses.escalate(Actor(trade.purchaser), claim, now=claim.escalate_from)
        db.session.commit()
    operator = UserFactory(operator=True)
    db.session.commit()
    response = auth.login(operator.email)
    assert response.headers["Location"] == "/operator/"
    home = page_of(client.get("/operator/"))
    assert waiting_count(home, "licences") == 1
    assert 'href="/operator/licences/?status=pending"' in home
    assert waiting_count(home, "claims") == 1
    assert 'href="/claims/operator"' in home
    assert '<a class="navbar-brand fw-bold" href="/operator/">' in home


def test_the_owner_lands_on_the_area_home_and_the_logo_leads_there(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    owner = UserFactory(company=trade.seller, company_role=CompanyRole.OWNER)
    db.session.commit()
    response = auth.login(owner.email)
    assert response.headers["Location"] == "/seller/"
    home = page_of(client.get("/seller/"))
    assert '<a class="navbar-brand fw-bold" href="/seller/">' in home
    assert 'id="waiting-produce"' in home
    auth.logout()
    assert '<a class="navbar-brand fw-bold" href="/">' in page_of(client.get("/catalog"))
