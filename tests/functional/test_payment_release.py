"""Over HTTP: the seller's order page holds production and shipment back for the deposit,
says why, and offers the release to the seller's owner and finance; the release shows on
both parties' timelines."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import CompanyRole, Order, OrderStatus, PaymentRelease, User
from app.services.audit.recording import Actor
from app.services.payments import milestones as payments
from tests.builders.orders import order_in
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import UserFactory
from tests.support.auth import AuthActions
from tests.support.db import count
from tests.support.forms import shipment_form
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")

DEPOSIT_MISSING = (
    "The 30% deposit ($150.00) is not paid yet. Record its receipt, or release the goods"
    " with a reason."
)
REASON = "Buyer sent the SWIFT copy; funds clear on Monday."


@pytest.fixture
def trade() -> Trade:
    return make_trade()


@pytest.fixture
def order(app: Flask, trade: Trade) -> Order:
    """$500.00 on 30/70 terms, accepted; the $150.00 deposit not paid."""
    return order_in(app, trade, OrderStatus.ACCEPTED, payment_terms="deposit_30_balance_70_bl")


def _owner(trade: Trade) -> User:
    user: User = UserFactory(company=trade.seller, company_role=CompanyRole.OWNER)
    return user


def _text(page: str) -> str:
    # <bdi> isolates a name inside a sentence: no word break, unlike the other elements.
    joined = re.sub(r"</?bdi>", "", page)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", joined).split()))


def _timeline(page: str) -> list[str]:
    section = page.split('id="timeline-heading"', 1)[1]
    items = re.findall(r'<li class="list-group-item" id="event-\d+"[^>]*>(.*?)</li>', section, re.S)
    return [_text(item) for item in items]


def test_the_seller_page_says_why_production_waits_and_the_move_is_refused(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    auth.login(trade.sales.email)
    url = f"/seller/orders/{order.public_id}"
    page = page_of(client.get(url))
    assert 'id="payment-hold"' in page and 'data-move="in_production"' in page
    assert "Production waits for the payment" in page
    assert DEPOSIT_MISSING in _text(page)
    # The button is there, held back, and nothing posts to the production route.
    assert re.search(r"<button[^>]*disabled[^>]*>Mark in production</button>", page)
    assert f"/seller/orders/{order.public_id}/start-production" not in page
    # Sales may not release: no form, only who may.
    assert "/release" not in page
    assert "The seller's owner or finance staff may release the goods" in _text(page)
    response = client.post(
        f"{url}/start-production", data={"seen_status": "accepted"}, follow_redirects=True
    )
    assert DEPOSIT_MISSING in _text(page_of(response))
    assert order.status is OrderStatus.ACCEPTED


def test_after_the_receipt_the_page_offers_production_again(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    with app.test_request_context():
        deposit = order.milestones[0]
        payments.record_receipt(
            Actor(finance_of(trade.seller)),
            deposit,
            payments.ReceiptInput("150.00", date.today(), "SCBL-TT-1"),
        )
    auth.login(trade.sales.email)
    url = f"/seller/orders/{order.public_id}"
    page = page_of(client.get(url))
    assert 'id="payment-hold"' not in page
    assert f'action="/seller/orders/{order.public_id}/start-production"' in page
    assert client.post(f"{url}/start-production").status_code == 302
    assert order.status is OrderStatus.IN_PRODUCTION


def test_the_owner_releases_production_on_the_seller_page_and_both_sides_see_it(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    owner = _owner(trade)
    auth.login(owner.email)
    url = f"/seller/orders/{order.public_id}"
    page = page_of(client.get(url))
    release_url = f"/finance/orders/{order.public_id}/release"
    assert f'action="{release_url}"' in page and "Release production" in page
    response = client.post(
        release_url, data={"reason": REASON, "seen_status": "accepted", "next": url}
    )
    assert response.status_code == 302 and response.headers["Location"] == url
    assert count(PaymentRelease) == 1
    page = page_of(client.get(url))
    assert 'id="payment-hold"' not in page
    assert client.post(f"{url}/start-production").status_code == 302
    assert order.status is OrderStatus.IN_PRODUCTION
    # The shipment waits again, with its own reason to give.
    page = page_of(client.get(url))
    assert 'data-move="shipped"' in page and "The shipment waits for the payment" in page
    auth.logout()

    entry = f"{owner.full_name} ({trade.seller.legal_name}) — Released production before"
    sentence = f"the payment was received. {order.reference}-1: {REASON}"
    for user, side in ((trade.purchaser, "buyer"), (trade.sales, "seller")):
        auth.login(user.email)
        lines = _timeline(page_of(client.get(f"/{side}/orders/{order.public_id}")))
        assert any(line.endswith(f"{entry} {sentence}") for line in lines), (side, lines)
        auth.logout()


def test_finance_releases_the_shipment_from_its_order_page(
    client: FlaskClient, auth: AuthActions, trade: Trade, app: Flask
) -> None:
    order = order_in(
        app, trade, OrderStatus.IN_PRODUCTION, payment_terms="deposit_30_balance_70_bl"
    )
    # The builders released production; the shipment page sends sales back to the order.
    auth.login(trade.sales.email)
    response = client.get(f"/seller/orders/{order.public_id}/shipment", follow_redirects=True)
    assert DEPOSIT_MISSING in _text(page_of(response))
    assert 'name="transport_document_number"' not in page_of(response)
    auth.logout()

    finance = finance_of(trade.seller)
    auth.login(finance.email)
    url = f"/finance/orders/{order.public_id}"
    page = page_of(client.get(url))
    assert DEPOSIT_MISSING in _text(page) and "Release the shipment" in page
    client.post(f"{url}/release", data={"reason": REASON, "seen_status": "in_production"})
    assert "The shipment waits for the payment" not in page_of(client.get(url))
    auth.logout()

    auth.login(trade.sales.email)
    response = client.post(f"/seller/orders/{order.public_id}/shipment", data=shipment_form())
    assert response.status_code == 302
    assert order.status is OrderStatus.SHIPPED


def test_a_sales_clerk_cannot_release(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    auth.login(trade.sales.email)
    response = client.post(
        f"/finance/orders/{order.public_id}/release",
        data={"reason": REASON, "seen_status": "accepted"},
    )
    assert response.status_code == 403
    assert count(PaymentRelease) == 0


def test_the_buyers_finance_cannot_release_the_sellers_goods(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    auth.login(finance_of(trade.buyer).email)
    response = client.post(
        f"/finance/orders/{order.public_id}/release",
        data={"reason": REASON, "seen_status": "accepted"},
    )
    assert response.status_code == 404
    assert count(PaymentRelease) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"reason": "", "seen_status": "accepted"},
            "Say why the goods go ahead before the payment.",
        ),
        (
            {"reason": "      ", "seen_status": "accepted"},
            "Say why the goods go ahead before the payment.",
        ),
        (
            {"reason": REASON, "seen_status": "placed"},
            "Someone changed this order a moment ago: it is now Accepted.",
        ),
    ],
)
def test_a_release_without_a_reason_or_on_a_stale_page_is_refused(
    client: FlaskClient,
    auth: AuthActions,
    trade: Trade,
    order: Order,
    data: dict[str, str],
    message: str,
) -> None:
    auth.login(finance_of(trade.seller).email)
    url = f"/finance/orders/{order.public_id}"
    response = client.post(f"{url}/release", data=data, follow_redirects=True)
    assert message in _text(page_of(response))
    assert count(PaymentRelease) == 0
    assert "Production waits for the payment" in page_of(client.get(url))
