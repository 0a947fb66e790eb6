"""Order lists and order pages on both sides: scoping, roles, statements, timeline, filters."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import (
    CompanyRole,
    Order,
    OrderEvent,
    OrderStatus,
    PaymentStatus,
    Product,
)
from tests.builders.orders import accept, place_for, ship
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, ProductFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.db import counted_statements
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


@pytest.fixture
def order(app: Flask, trade: Trade) -> Order:
    return place_for(app, trade.purchaser, [(trade.product, 200)], buyer_po_number="PO-77")


def timeline(page: str) -> list[str]:
    """The timeline's entries as text, in the order shown."""
    section = page.split('id="timeline-heading"', 1)[1]
    items = re.findall(r'<li class="list-group-item" id="event-\d+"[^>]*>(.*?)</li>', section, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


# The time an entry opens with, up to its zone's name ("Dec 7, 2026, 3:04:05 PM GMT+5 ").
_TIME = re.compile(r"^[^—]*? (GMT[+-]\d+) ")


def zone_of(entry: str) -> str:
    match = _TIME.match(entry)
    assert match is not None, entry
    return match.group(1)


# --- who may see and do what -----------------------------------------------------------

BUYER_URLS = [
    ("get", "/buyer/orders/{id}"),
    ("post", "/buyer/orders/{id}/cancel"),
    ("post", "/buyer/orders/{id}/confirm-delivery"),
]
SELLER_URLS = [
    ("get", "/seller/orders/{id}"),
    ("post", "/seller/orders/{id}/accept"),
    ("post", "/seller/orders/{id}/reject"),
    ("post", "/seller/orders/{id}/start-production"),
    ("get", "/seller/orders/{id}/shipment"),
    ("post", "/seller/orders/{id}/shipment"),
]


def test_another_companys_order_answers_404_on_every_url(
    client: FlaskClient, auth: AuthActions, order: Order
) -> None:
    other_buyer = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
    )
    other_seller = UserFactory(company=CompanyFactory(), company_role=CompanyRole.SALES)
    # A company that both buys and sells, owner of it: neither party to this order.
    both = UserFactory(
        company=CompanyFactory(sells=True, buys=True), company_role=CompanyRole.OWNER
    )
    db.session.commit()
    for user, urls in (
        (other_buyer, BUYER_URLS),
        (other_seller, SELLER_URLS),
        (both, BUYER_URLS + SELLER_URLS),
    ):
        auth.login(user.email)
        for method, url in urls:
            response = getattr(client, method)(url.format(id=order.public_id), data={"reason": "x"})
            assert response.status_code == 404, (user.email, url)
        auth.logout()
    assert order.status is OrderStatus.PLACED


def test_each_party_gets_404_on_the_other_sides_urls(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    # An owner of a company that buys and sells: its own purchase is not on its seller side.
    trade.buyer.sells = True
    owner = UserFactory(company=trade.buyer, company_role=CompanyRole.OWNER)
    db.session.commit()
    auth.login(owner.email)
    for method, url in SELLER_URLS:
        assert getattr(client, method)(url.format(id=order.public_id)).status_code == 404, url


def test_purchaser_cannot_use_seller_urls_and_sales_cannot_cancel(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    auth.login(trade.purchaser.email)
    for method, url in SELLER_URLS:
        assert getattr(client, method)(url.format(id=order.public_id)).status_code == 403, url
    assert client.get("/seller/orders").status_code == 403
    auth.logout()
    auth.login(trade.sales.email)
    for method, url in BUYER_URLS:
        assert getattr(client, method)(url.format(id=order.public_id)).status_code == 403, url
    assert order.status is OrderStatus.PLACED


def test_viewers_see_orders_without_action_forms_and_their_posts_get_403(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    buyer_viewer = UserFactory(company=trade.buyer, company_role=CompanyRole.VIEWER)
    seller_viewer = UserFactory(company=trade.seller, company_role=CompanyRole.VIEWER)
    db.session.commit()

    auth.login(buyer_viewer.email)
    assert order.reference in page_of(client.get("/buyer/orders"))
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert order.reference in page and "<form" not in page.split("</nav>", 1)[1]
    assert client.post(f"/buyer/orders/{order.public_id}/cancel").status_code == 403
    auth.logout()

    auth.login(seller_viewer.email)
    assert order.reference in page_of(client.get("/seller/orders"))
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert order.reference in page and "<form" not in page.split("</nav>", 1)[1]
    ship_date = (date.today() + timedelta(days=5)).isoformat()
    response = client.post(
        f"/seller/orders/{order.public_id}/accept", data={"confirmed_ship_date": ship_date}
    )
    assert response.status_code == 403
    assert (
        client.post(f"/seller/orders/{order.public_id}/reject", data={"reason": "No"}).status_code
        == 403
    )
    assert client.post(f"/seller/orders/{order.public_id}/start-production").status_code == 403
    assert client.get(f"/seller/orders/{order.public_id}/shipment").status_code == 403
    assert order.status is OrderStatus.PLACED


# --- the order page --------------------------------------------------------------------


def test_the_order_page_shows_parties_lines_terms_totals_and_placeholders(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    for user, url in (
        (trade.purchaser, f"/buyer/orders/{order.public_id}"),
        (trade.sales, f"/seller/orders/{order.public_id}"),
    ):
        auth.login(user.email)
        page = page_of(client.get(url))
        for text in (
            order.reference,
            "Wah Nobel Chemicals (Pvt) Ltd",
            "Shanghai Minmetals Trading Co., Ltd.",  # an English reader: the Latin name
            "Emulsion explosive 32 mm",
            "200.000 kg",  # kilograms to the gram (issue #20)
            "$2.50",
            "$500.00",
            "FOB Karachi",
            "Shanghai, China",
            "88 Century Avenue",
            "Advance payment (100%)",
            "PO-77",
            "Documents appear here once issued.",
            "The payment schedule appears once the seller accepts.",
            "Placed",
            "Unpaid",
            "Not shipped",
        ):
            assert text in page, (url, text)
        auth.logout()


def _grow(app: Flask, trade: Trade, lines: int, events: int) -> Order:
    products: list[Product] = [
        ProductFactory(seller=trade.seller, title=f"Line {n}") for n in range(lines)
    ]
    order = place_for(app, trade.purchaser, [(p, 100) for p in products])
    for n in range(events - 1):
        db.session.add(OrderEvent(order=order, kind="status", note=f"Note {n}", actor_name="X"))
    db.session.commit()
    return order


@pytest.mark.parametrize(("lines", "events"), [(1, 1), (20, 15)])
def test_the_order_page_runs_at_most_six_statements(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    trade: Trade,
    lines: int,
    events: int,
) -> None:
    order = _grow(app, trade, lines, events)
    for user, url in (
        (trade.purchaser, f"/buyer/orders/{order.public_id}"),
        (trade.sales, f"/seller/orders/{order.public_id}"),
    ):
        auth.login(user.email)
        with counted_statements() as statements:
            response = client.get(url)
        assert response.status_code == 200
        assert len(timeline(page_of(response))) == events
        assert len(statements) <= 6, "\n".join(statements)
        auth.logout()


def test_a_shipped_order_page_also_stays_within_six_statements(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    ship(app, trade, order)
    url = f"/buyer/orders/{order.public_id}"
    auth.login(trade.purchaser.email)
    with counted_statements() as statements:
        response = client.get(url)
    assert "WN/SMT 1-8" in page_of(response)
    assert len(statements) <= 6, "\n".join(statements)


def test_the_timeline_shows_every_event_in_order_and_the_same_on_both_sides(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    ship(app, trade, order)
    seen = []
    for user, url in (
        (trade.purchaser, f"/buyer/orders/{order.public_id}"),
        (trade.sales, f"/seller/orders/{order.public_id}"),
    ):
        auth.login(user.email)
        seen.append(timeline(page_of(client.get(url))))
        auth.logout()
    # The same entries; each side reads the clock of its own company, zone named.
    assert {zone_of(entry) for entry in seen[0]} == {"GMT+8"}
    assert {zone_of(entry) for entry in seen[1]} == {"GMT+5"}
    assert [_TIME.sub("", entry) for entry in seen[0]] == [_TIME.sub("", e) for e in seen[1]]
    sentences = [re.sub(r"^.*? — ", "", entry) for entry in seen[0]]
    numbers = [document.number for document in order.documents]
    assert numbers[0].startswith("WN-PI-") and numbers[1].startswith("WN-CI-")
    released = f"{order.reference}-1: Transfer confirmed by the bank; the goods go ahead meanwhile."
    assert sentences == [
        "Placed the order.",
        "Moved the order from Placed to Accepted.",
        f"Issued documents. {numbers[0]}",
        # The advance was not paid: the seller's finance released each move (the builders).
        f"Released production before the payment was received. {released}",
        "Moved the order from Accepted to In production.",
        f"Released the shipment before the payment was received. {released}",
        "Moved the order from In production to Shipped.",
        "Recorded the shipment. COSU6301234567 · COSCO",
        f"Issued documents. {', '.join(numbers[1:])}",
    ]
    assert "Li Purchaser" in seen[0][0] and "Sana Sales" in seen[0][1]
    assert len(seen[0]) == len(order.events)


def test_times_show_in_the_viewers_time_zone_with_its_name(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    # 02:30 UTC: 07:30 in Karachi (the seller's zone), 10:30 in Shanghai (the buyer's).
    order.events[0].occurred_at = datetime(2026, 1, 5, 2, 30, tzinfo=UTC)
    db.session.commit()
    assert (trade.sales.timezone, trade.purchaser.timezone) == (None, None)  # follow company
    auth.login(trade.sales.email)
    entry = timeline(page_of(client.get(f"/seller/orders/{order.public_id}")))[0]
    assert entry.startswith("Jan 5, 2026, 7:30:00 AM GMT+5 ")
    auth.logout()
    auth.login(trade.purchaser.email)
    entry = timeline(page_of(client.get(f"/buyer/orders/{order.public_id}")))[0]
    assert entry.startswith("Jan 5, 2026, 10:30:00 AM GMT+8 "), "three hours later"
    auth.logout()
    # A person's own zone wins over the company's.
    trade.purchaser.timezone = "Europe/London"
    db.session.commit()
    auth.login(trade.purchaser.email)
    entry = timeline(page_of(client.get(f"/buyer/orders/{order.public_id}")))[0]
    assert entry.startswith("Jan 5, 2026, 2:30:00 AM GMT ")


def test_the_timeline_speaks_the_viewers_language(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    trade.purchaser.locale = "zh_Hans"
    db.session.commit()
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert 'lang="zh-Hans"' in page
    assert len(timeline(page)) == 1


# --- the buyer's moves -------------------------------------------------------------------


def test_the_buyer_cancels_a_placed_order_and_the_stock_returns(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    assert trade.product.stock_quantity == 10_000 - 200
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "Cancel the order" in page and "Confirm delivery" not in page
    response = client.post(
        f"/buyer/orders/{order.public_id}/cancel", data={"reason": "Budget moved to Q3."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert order.status is OrderStatus.CANCELLED and order.decision_reason == "Budget moved to Q3."
    assert trade.product.stock_quantity == 10_000
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "Cancel the order" not in page and "Budget moved to Q3." in page


def test_cancel_after_acceptance_with_a_payment_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    accept(app, trade, order)
    order.payment_status = PaymentStatus.PARTLY_PAID
    db.session.commit()
    auth.login(trade.purchaser.email)
    assert "Cancel the order" not in page_of(client.get(f"/buyer/orders/{order.public_id}"))
    response = client.post(
        f"/buyer/orders/{order.public_id}/cancel", data={"reason": "Changed mind"}
    )
    assert response.status_code == 200
    assert "A payment was made: ask the seller to settle it before cancelling." in page_of(response)
    db.session.expire_all()
    assert order.status is OrderStatus.ACCEPTED and order.decision_reason is None
    assert trade.product.stock_quantity == 10_000 - 200


def test_delivery_cannot_be_confirmed_before_shipment(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    auth.login(trade.purchaser.email)
    response = client.post(f"/buyer/orders/{order.public_id}/confirm-delivery")
    assert response.status_code == 200
    assert "An order that is Placed cannot become Delivered." in page_of(response)
    assert order.status is OrderStatus.PLACED


# --- the lists -----------------------------------------------------------------------------


def test_the_lists_show_the_next_action_each_side_owes(
    client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    auth.login(trade.purchaser.email)
    page = page_of(client.get("/buyer/orders"))
    assert order.reference in page and "PO-77" in page and "$500.00" in page
    assert "Seller: Accept or reject" in page
    auth.logout()
    auth.login(trade.sales.email)
    page = page_of(client.get("/seller/orders"))
    assert "You: Accept or reject" in page and "Shanghai Minmetals" in page


def test_list_filters_by_status_counterparty_po_and_date(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, order: Order
) -> None:
    other_product = ProductFactory(title="Chromite ore")
    second = place_for(app, trade.purchaser, [(other_product, 100)], buyer_po_number="PO-88")
    third = place_for(app, trade.purchaser, [(trade.product, 100)], buyer_po_number="XK-1")
    accept(app, trade, third)
    order.placed_at = datetime(2026, 3, 1, 12, tzinfo=UTC)
    second.placed_at = datetime(2026, 3, 15, 12, tzinfo=UTC)
    third.placed_at = datetime(2026, 4, 1, 12, tzinfo=UTC)
    db.session.commit()
    refs = {o.reference: o for o in (order, second, third)}
    auth.login(trade.purchaser.email)

    def shown(query: str) -> set[str]:
        page = page_of(client.get(f"/buyer/orders?{query}"))
        return {ref for ref in refs if ref in page}

    assert shown("") == set(refs)
    assert shown("status=accepted") == {third.reference}
    assert shown(f"counterparty={trade.seller.public_id}") == {order.reference, third.reference}
    assert shown("po=PO-") == {order.reference, second.reference}
    assert shown("po=88") == {second.reference}
    assert shown("from=2026-03-10&to=2026-03-31") == {second.reference}
    assert shown("to=2026-03-01") == {order.reference}
    # Malformed filters are ignored rather than failing the page.
    assert shown("status=bogus&from=yesterday&counterparty=nobody") == set(refs)

    auth.logout()
    auth.login(trade.sales.email)
    page = page_of(client.get(f"/seller/orders?counterparty={trade.buyer.public_id}&status=placed"))
    assert order.reference in page and third.reference not in page
