"""The buyer's cart and checkout over HTTP: tiers, review, one order per seller, refusals."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    CartLine,
    CompanyRole,
    Incoterm,
    Order,
    OrderChangeProposal,
    OrderStatus,
    PriceTier,
    ProductIncoterm,
    ProductStatus,
    ProposalState,
    Shipment,
    ShipmentStatus,
    User,
)
from tests.builders.orders import group_key
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import CompanyFactory, ProductFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.forms import checkout_form
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade(auth: AuthActions) -> Trade:
    trade = make_trade(
        price_tiers=[
            PriceTier(min_quantity=100, unit_price_minor=250),
            PriceTier(min_quantity=1000, unit_price_minor=200),
        ],
        incoterms=[
            ProductIncoterm(rule=Incoterm.FOB, named_place="Karachi"),
            ProductIncoterm(rule=Incoterm.CFR, named_place="Shanghai"),
        ],
    )
    auth.login(trade.purchaser.email)
    return trade


def cart_count(user: User) -> int:
    return (
        db.session.scalar(select(func.count(CartLine.id)).where(CartLine.user_id == user.id)) or 0
    )


def order_count() -> int:
    return db.session.scalar(select(func.count(Order.id))) or 0


def release_as_finance(client: FlaskClient, auth: AuthActions, trade: Trade, order: Order) -> None:
    """The seller's finance releases the held-back move on its order page; sales signs back in."""
    finance = finance_of(trade.seller)
    auth.logout()
    auth.login(finance.email)
    response = client.post(
        f"/finance/orders/{order.public_id}/release",
        data={"reason": "Advance wired, bank slip seen.", "seen_status": order.status.value},
    )
    assert response.status_code == 302
    auth.logout()
    auth.login(trade.sales.email)


def test_the_whole_flow_through_the_pages(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    product = trade.product
    response = client.post("/buyer/cart", data={"product": product.public_id, "quantity": "1500"})
    assert response.status_code == 302 and response.headers["Location"] == "/buyer/cart"

    cart = page_of(client.get("/buyer/cart"))
    assert "Emulsion explosive 32 mm" in cart
    assert "$2.00" in cart and "$3,000.00" in cart  # the 1,000+ tier, not the MOQ tier
    # Kilograms are traded to the gram (issue #20): quantities print with 3 decimals.
    assert "100.000 kg" in cart  # the MOQ
    assert "In stock: 10,000.000 kg" in cart
    assert f"/buyer/checkout/{group_key(product)}" in cart

    checkout_url = f"/buyer/checkout/{group_key(product)}"
    form_page = page_of(client.get(checkout_url))
    assert 'value="CFR|Shanghai"' in form_page and 'value="FOB|Karachi"' in form_page
    assert 'value="net_30"' not in form_page  # not a trusted buyer

    data = checkout_form(delivery="CFR|Shanghai")
    review = page_of(client.post(checkout_url, data=data))
    assert "Review your order" in review
    for figure in ("$2.00", "$3,000.00", "1,500.000 kg", "USD", "CFR Shanghai", "PO-2026-0042"):
        assert figure in review, figure
    assert "Advance payment (100%)" in review and "88 Century Avenue" in review
    assert 'name="expected_total_minor" value="300000"' in review
    assert 'value="place"' in review
    assert order_count() == 0  # reviewing writes nothing

    response = client.post(
        checkout_url, data={**data, "action": "place", "expected_total_minor": "300000"}
    )
    assert response.status_code == 302
    order = db.session.scalar(select(Order))
    assert order is not None
    assert response.headers["Location"] == f"/buyer/orders/{order.public_id}"
    assert (order.status, order.incoterm, order.incoterm_place) == (
        OrderStatus.PLACED,
        Incoterm.CFR,
        "Shanghai",
    )
    assert [(line.quantity, line.unit_price_minor) for line in order.lines] == [(1500, 200)]
    assert (order.goods_total_minor, order.total_minor) == (300000, 300000)
    assert order.buyer_po_number == "PO-2026-0042"
    assert product.stock_quantity == 10_000 - 1500
    assert cart_count(trade.purchaser) == 0

    page = page_of(client.get(response.headers["Location"]))
    assert order.reference in page and "$3,000.00" in page

    # The seller accepts with freight (CFR puts the main carriage on the seller).
    auth.logout()
    auth.login(trade.sales.email)
    seller_page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert 'name="freight"' in seller_page and 'name="insurance"' not in seller_page
    ship_date = (date.today() + timedelta(days=20)).isoformat()
    response = client.post(
        f"/seller/orders/{order.public_id}/accept",
        data={"confirmed_ship_date": ship_date, "freight": "450.00"},
    )
    assert response.status_code == 302
    assert order.status is OrderStatus.ACCEPTED
    assert order.confirmed_ship_date == date.fromisoformat(ship_date)
    # The freight is the seller's proposal: the total stays until the buyer agrees.
    assert (order.freight_minor, order.insurance_minor, order.total_minor) == (0, 0, 300000)
    proposal = db.session.scalar(
        select(OrderChangeProposal).where(OrderChangeProposal.order_id == order.id)
    )
    assert proposal is not None and proposal.state is ProposalState.PROPOSED
    auth.logout()
    auth.login(trade.purchaser.email)
    buyer_page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "$450.00" in buyer_page
    response = client.post(
        f"/buyer/orders/{order.public_id}/proposals/{proposal.public_id}/accept",
        data={"note": ""},
    )
    assert response.status_code == 302
    assert (order.freight_minor, order.insurance_minor, order.total_minor) == (45000, 0, 345000)

    # The advance is not paid: the seller's finance lets production, then the shipment, go
    # ahead with a reason (the order stays unpaid, so delivery does not complete it).
    release_as_finance(client, auth, trade, order)
    assert client.post(f"/seller/orders/{order.public_id}/start-production").status_code == 302
    assert order.status is OrderStatus.IN_PRODUCTION

    release_as_finance(client, auth, trade, order)
    assert client.get(f"/seller/orders/{order.public_id}/shipment").status_code == 200
    response = client.post(
        f"/seller/orders/{order.public_id}/shipment",
        data={
            "mode": "sea",
            "carrier": "COSCO Shipping Lines",
            "vessel": "COSCO Pakistan",
            "voyage": "042E",
            "transport_document_number": "COSU6301234567",
            "container_numbers": "CSNU1234567",
            "port_of_loading": "Karachi",
            "port_of_discharge": "Shanghai",
            "etd": (date.today() + timedelta(days=20)).isoformat(),
            "eta": (date.today() + timedelta(days=38)).isoformat(),
            "net_weight_kg": "1500",
            "gross_weight_kg": "1620.5",
            "packages-0-count": "60",
            "packages-0-package_type": "fibreboard box",
            "packages-0-marks": "WN / SMT\nPO-2026-0042\n1-60",
            "packages-0-contents": "Emulsion explosive 32 mm",
            "packages-0-net_weight_kg": "25",
            "packages-0-gross_weight_kg": "27",
        },
    )
    assert response.status_code == 302
    shipment = db.session.scalar(select(Shipment).where(Shipment.order_id == order.id))
    assert shipment is not None and shipment.gross_weight_g == 1_620_500
    assert [(p.count, p.marks) for p in shipment.packages] == [(60, "WN / SMT\nPO-2026-0042\n1-60")]
    assert order.status is OrderStatus.SHIPPED

    # The buyer sees the shipment and confirms delivery.
    auth.logout()
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "COSU6301234567" in page and "CSNU1234567" in page and "$3,450.00" in page
    assert "Confirm delivery" in page
    response = client.post(f"/buyer/orders/{order.public_id}/confirm-delivery")
    assert response.status_code == 302
    assert order.status is OrderStatus.DELIVERED
    assert order.shipment_status is ShipmentStatus.DELIVERED


def test_two_sellers_in_the_cart_give_two_orders(client: FlaskClient, trade: Trade) -> None:
    other = ProductFactory(title="Chromite ore lumps", moq=20, unit="TNE", price_from_minor=26550)
    db.session.commit()
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "100"})
    client.post("/buyer/cart", data={"product": other.public_id, "quantity": "25"})

    cart = page_of(client.get("/buyer/cart"))
    assert cart.count('href="/buyer/checkout/') == 2
    assert "$250.00" in cart and "$6,637.50" in cart  # the two subtotals

    for product in (trade.product, other):
        url = f"/buyer/checkout/{group_key(product)}"
        review = client.post(url, data=checkout_form())
        total = re.search(r'name="expected_total_minor" value="(\d+)"', page_of(review))
        assert total is not None
        response = client.post(
            url, data=checkout_form(action="place", expected_total_minor=total.group(1))
        )
        assert response.status_code == 302

    orders = list(db.session.scalars(select(Order).order_by(Order.id)))
    assert [(o.seller_id, len(o.lines), o.total_minor) for o in orders] == [
        (trade.seller.id, 1, 25000),
        (other.seller_id, 1, 663750),
    ]
    assert cart_count(trade.purchaser) == 0


def test_posted_prices_sellers_statuses_and_totals_are_ignored(
    client: FlaskClient, trade: Trade
) -> None:
    stranger = CompanyFactory()
    db.session.commit()
    client.post(
        "/buyer/cart",
        data={
            "product": trade.product.public_id,
            "quantity": "100",
            "unit_price": "0.01",
            "unit_price_minor": "1",
            "seller": stranger.public_id,
            "seller_id": str(stranger.id),
        },
    )
    url = f"/buyer/checkout/{group_key(trade.product)}"
    forged = {
        "unit_price_minor": "1",
        "line_total_minor": "1",
        "goods_total_minor": "1",
        "total_minor": "1",
        "seller_id": str(stranger.id),
        "seller": stranger.public_id,
        "status": "completed",
        "payment_status": "paid",
    }
    review = page_of(client.post(url, data={**checkout_form(), **forged}))
    assert "$250.00" in review and 'name="expected_total_minor" value="25000"' in review
    response = client.post(
        url,
        data={**checkout_form(action="place", expected_total_minor="25000"), **forged},
    )
    assert response.status_code == 302
    order = db.session.scalar(select(Order))
    assert order is not None
    assert (order.seller_id, order.status, order.total_minor) == (
        trade.seller.id,
        OrderStatus.PLACED,
        25000,
    )
    assert order.lines[0].unit_price_minor == 250
    assert order.payment_status.value == "unpaid"


def test_a_total_other_than_the_reviewed_one_refuses_the_order(
    client: FlaskClient, trade: Trade
) -> None:
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "100"})
    url = f"/buyer/checkout/{group_key(trade.product)}"
    response = client.post(url, data=checkout_form(action="place", expected_total_minor="1"))
    assert response.status_code == 200
    assert "Prices changed since you reviewed this order" in page_of(response)
    assert order_count() == 0 and cart_count(trade.purchaser) == 1
    assert trade.product.stock_quantity == 10_000


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("99", "Order at least 100 kg of Emulsion explosive 32 mm."),
        ("-1", "Order at least 100 kg of Emulsion explosive 32 mm."),
        (str(10**13), "This quantity is too large."),
        ("abc", "Write a plain number, with a point for decimals"),
        # Kilograms take decimals (issue #20): 1.5 KGM is a quantity, just below the MOQ.
        ("1.5", "Order at least 100 kg of Emulsion explosive 32 mm."),
        ("100.0005", "Quantities in kg take up to 3 decimals (for example 12.500)."),
        ("", "Enter a number."),
        # Other scripts' digits are refused, never read as 123 or 12.
        ("١٢٣", "Write the number with the digits 0 to 9"),
        ("１２", "Write the number with the digits 0 to 9"),
        ("+3", "Write a plain number, with a point for decimals"),
        ("NaN", "Write a plain number, with a point for decimals"),
    ],
)
def test_bad_quantities_are_refused_and_nothing_is_written(
    client: FlaskClient, trade: Trade, quantity: str, message: str
) -> None:
    response = client.post(
        "/buyer/cart",
        data={"product": trade.product.public_id, "quantity": quantity},
        follow_redirects=True,
    )
    assert message in page_of(response)
    assert cart_count(trade.purchaser) == 0

    # Changing a line already in the cart is refused the same way and keeps the line.
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "300"})
    response = client.post(
        "/buyer/cart",
        data={"product": trade.product.public_id, "quantity": quantity},
        follow_redirects=True,
    )
    assert message in page_of(response)
    line = db.session.scalar(select(CartLine).where(CartLine.user_id == trade.purchaser.id))
    assert line is not None and line.quantity == 300


def test_quantity_zero_removes_the_line(client: FlaskClient, trade: Trade) -> None:
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "100"})
    assert cart_count(trade.purchaser) == 1
    response = client.post(
        "/buyer/cart",
        data={"product": trade.product.public_id, "quantity": "0"},
        follow_redirects=True,
    )
    assert "Removed from the cart." in page_of(response)
    assert cart_count(trade.purchaser) == 0


def test_unknown_or_unpublished_listing_answers_404(client: FlaskClient, trade: Trade) -> None:
    draft = ProductFactory(status=ProductStatus.DRAFT)
    db.session.commit()
    for public_id in ("no-such-listing", draft.public_id):
        response = client.post("/buyer/cart", data={"product": public_id, "quantity": "100"})
        assert response.status_code == 404
    assert cart_count(trade.purchaser) == 0


def test_insufficient_stock_names_the_line_and_writes_nothing(
    client: FlaskClient, trade: Trade
) -> None:
    short = ProductFactory(seller=trade.seller, title="Detonating cord 10 g/m", stock_quantity=150)
    db.session.commit()
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "100"})
    client.post("/buyer/cart", data={"product": short.public_id, "quantity": "200"})
    url = f"/buyer/checkout/{group_key(trade.product)}"
    response = client.post(url, data=checkout_form(action="place", expected_total_minor="75000"))

    assert response.status_code == 200
    assert "Not enough stock of Detonating cord 10 g/m for 200 kg" in page_of(response)
    db.session.expire_all()
    assert order_count() == 0
    assert (trade.product.stock_quantity, short.stock_quantity) == (10_000, 150)
    assert cart_count(trade.purchaser) == 2


def test_checkout_errors_show_on_the_form_and_nothing_is_written(
    client: FlaskClient, trade: Trade
) -> None:
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "100"})
    url = f"/buyer/checkout/{group_key(trade.product)}"
    page = page_of(client.post(url, data=checkout_form(consignee="", delivery="EXW|Lahore")))
    assert "Checkout" in page and "Review your order" not in page
    assert "Not a valid choice." in page and "This field is required." in page

    yesterday = (date.today() - timedelta(days=1)).isoformat()
    page = page_of(
        client.post(
            url,
            data=checkout_form(
                action="place", expected_total_minor="25000", requested_delivery_date=yesterday
            ),
        )
    )
    assert "The requested delivery date is in the past." in page
    assert order_count() == 0 and cart_count(trade.purchaser) == 1


def test_a_viewer_has_no_cart(client: FlaskClient, auth: AuthActions, trade: Trade) -> None:
    viewer = UserFactory(company=trade.buyer, company_role=CompanyRole.VIEWER)
    db.session.commit()
    auth.logout()
    auth.login(viewer.email)
    assert client.get("/buyer/cart").status_code == 403
    response = client.post(
        "/buyer/cart", data={"product": trade.product.public_id, "quantity": "100"}
    )
    assert response.status_code == 403
    assert client.get(f"/buyer/checkout/{group_key(trade.product)}").status_code == 403
    assert cart_count(viewer) == 0


def test_an_unverified_buyer_prepares_but_cannot_place(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    pending = UserFactory(
        company=CompanyFactory(chinese_buyer=True, pending=True),
        company_role=CompanyRole.PURCHASER,
    )
    db.session.commit()
    auth.logout()
    auth.login(pending.email)
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "100"})
    url = f"/buyer/checkout/{group_key(trade.product)}"
    response = client.post(url, data=checkout_form(action="place", expected_total_minor="25000"))
    assert "waiting for verification" in page_of(response)
    assert order_count() == 0 and cart_count(pending) == 1


def test_product_page_puts_the_quantity_in_the_cart(client: FlaskClient, auth: AuthActions) -> None:
    from app.models import CartLine, CompanyRole
    from tests.factories import CompanyFactory, ProductFactory, UserFactory

    product = ProductFactory(moq=25, title="Rock salt lumps")
    UserFactory(
        email="li@example.com",
        company=CompanyFactory(chinese_buyer=True),
        company_role=CompanyRole.PURCHASER,
    )
    anonymous = client.get(f"/products/{product.public_id}").data.decode()
    assert "Sign in to order" in anonymous
    auth.login("li@example.com")
    page = client.get(f"/products/{product.public_id}").data.decode()
    assert 'action="/buyer/cart"' in page and 'value="25"' in page
    response = client.post(
        "/buyer/cart", data={"product": product.public_id, "quantity": "30", "next": "/buyer/cart"}
    )
    assert response.status_code == 302
    line = db.session.scalar(select(CartLine).where(CartLine.product_id == product.id))
    assert line is not None and line.quantity == 30


def test_unread_messages_do_not_grow_the_session(client: FlaskClient, trade: Trade) -> None:
    # A script (or an impatient user) posting without following the redirects: the
    # confirmations wait in the session cookie, once each, and the cookie stays small.
    for quantity in range(100, 120):
        response = client.post(
            "/buyer/cart", data={"product": trade.product.public_id, "quantity": str(quantity)}
        )
        assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["_flashes"] == [("success", "The cart is updated.")]
    assert "The cart is updated." in page_of(client.get("/buyer/cart"))


def test_the_destination_is_picked_from_the_un_locode_places(
    client: FlaskClient, trade: Trade
) -> None:
    """A code (what the place picker sends) becomes the place's label; an unknown Chinese
    code is refused on the form; a place the list lacks is kept as typed."""
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "1500"})
    checkout_url = f"/buyer/checkout/{group_key(trade.product)}"
    review = page_of(client.post(checkout_url, data=checkout_form(destination_port="CNSHA")))
    assert "Review your order" in review and "Shanghai (CNSHA)" in review
    refused = page_of(
        client.post(checkout_url, data=checkout_form(destination_port="Nowhere (CNQQQ)"))
    )
    assert "CNQQQ is not a UN/LOCODE of Pakistan or China" in refused
    kept = page_of(client.post(checkout_url, data=checkout_form(destination_port="Jebel Ali")))
    assert "Review your order" in kept and "Jebel Ali" in kept
    assert order_count() == 0
