"""The ERP API: tokens made on the account page, orders placed and read with them.

Everything goes over HTTP through the test client, as an importer's ERP would send it;
the database is checked afterwards for what was (and was not) written.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.database import commit
from app.extensions import db
from app.models import (
    ApiToken,
    AuditEvent,
    CartLine,
    CompanyRole,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    OutboxEmail,
    PriceTier,
    Product,
)
from app.models.base import utcnow
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from app.services.orders.cart import set_cart_quantity
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, ProductFactory, UserFactory
from tests.support import api
from tests.support.api import orders_count
from tests.support.auth import AuthActions

pytestmark = pytest.mark.usefixtures("exchange_rates")

_SECRET = re.compile(r'id="new-api-token">(crd_[^<]+)<')


@pytest.fixture
def trade() -> Trade:
    trade = make_trade(
        price_tiers=[
            PriceTier(min_quantity=100, unit_price_minor=250),
            PriceTier(min_quantity=1000, unit_price_minor=200),
        ],
    )
    db.session.commit()
    return trade


def make_token(client: FlaskClient, auth: AuthActions, email: str, name: str = "SAP") -> str:
    """Sign in, create a token on the account page, read it off the page, sign out."""
    auth.login(email)
    page = client.post("/account/api-tokens", data={"name": name})
    assert page.status_code == 200
    found = _SECRET.search(page.get_data(as_text=True))
    assert found is not None, "the new token is shown on the page"
    auth.logout()
    return found.group(1)


def order_body(*lines: tuple[Product, Any], **changes: Any) -> dict[str, Any]:
    return api.order_body(*lines, **{"buyer_po_number": "SAP-4500012345", **changes})


def post_order(client: FlaskClient, token: str, body: object, key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/orders", json=body, headers=headers)


def stock_of(product: Product) -> int | None:
    db.session.expire_all()
    return db.session.get(Product, product.id).stock_quantity  # type: ignore[union-attr]


# --- tokens on the account page -------------------------------------------------------


def test_token_is_shown_once_listed_by_hint_and_audited(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    secret = make_token(client, auth, trade.purchaser.email, name="SAP purchasing")
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == trade.purchaser.id))
    assert token is not None and token.name == "SAP purchasing"
    assert secret not in token.token_sha256 and token.hint == secret[:12]
    auth.login(trade.purchaser.email)
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert "SAP purchasing" in listing and f"{secret[:12]}…" in listing
    assert secret not in listing, "the whole token is never shown again"
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "api_token.created", AuditEvent.object_id == token.public_id
        )
    )


def test_token_name_is_required(client: FlaskClient, auth: AuthActions, trade: Trade) -> None:
    auth.login(trade.purchaser.email)
    page = client.post("/account/api-tokens", data={"name": "   "})
    assert page.status_code == 200
    assert "This field is required." in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


# Sales staff hold tokens too (a seller's ERP: tests/functional/test_api_tokens_scopes.py),
# finance staff read-only ones (tests/functional/test_api_finance_tokens.py).
def test_viewers_hold_no_tokens(client: FlaskClient, auth: AuthActions, trade: Trade) -> None:
    other = UserFactory(company=trade.buyer, company_role=CompanyRole.VIEWER)
    db.session.commit()
    auth.login(other.email)
    assert client.get("/account/api-tokens").status_code == 403
    assert client.post("/account/api-tokens", data={"name": "x"}).status_code == 403


def test_revoked_token_stops_working(client: FlaskClient, auth: AuthActions, trade: Trade) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    token = db.session.scalar(select(ApiToken))
    assert token is not None
    auth.login(trade.purchaser.email)
    revoked = client.post(f"/account/api-tokens/{token.public_id}/revoke")
    assert revoked.status_code == 302
    answer = post_order(client, secret, order_body((trade.product, 100)))
    assert answer.status_code == 401
    assert orders_count() == 0
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token.revoked"))


def test_nobody_revokes_another_persons_token(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    make_token(client, auth, trade.purchaser.email)
    token = db.session.scalar(select(ApiToken))
    assert token is not None
    colleague = UserFactory(company=trade.buyer, company_role=CompanyRole.PURCHASER)
    db.session.commit()
    auth.login(colleague.email)
    assert client.post(f"/account/api-tokens/{token.public_id}/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None  # type: ignore[union-attr]


# --- authentication ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer crd_not-a-real-token", "Basic dXNlcjpwYXNz", "crd_x"]
)
def test_missing_or_wrong_token_is_401(
    client: FlaskClient, trade: Trade, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    answer = client.post("/api/v1/orders", json=order_body((trade.product, 100)), headers=headers)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in answer.get_json()["message"]
    assert orders_count() == 0


def test_a_signed_in_cookie_is_not_an_api_credential(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.purchaser.email)
    answer = client.post("/api/v1/orders", json=order_body((trade.product, 100)))
    assert answer.status_code == 401
    assert orders_count() == 0


def test_deactivated_persons_token_stops_working(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    trade.purchaser.active = False
    db.session.commit()
    assert post_order(client, secret, order_body((trade.product, 100))).status_code == 401


# --- placing ----------------------------------------------------------------------------


def test_erp_places_an_order_priced_by_tier_and_the_seller_hears(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    second = ProductFactory(seller=trade.seller, title="Detonating cord 10 g/m", moq=10)
    cart_item = ProductFactory(title="Something in the cart")
    db.session.commit()
    with client.application.test_request_context():
        set_cart_quantity(Actor(trade.purchaser), cart_item, 100)
        db.session.commit()
    secret = make_token(client, auth, trade.purchaser.email)
    before = stock_of(trade.product)

    answer = post_order(
        client,
        secret,
        order_body(
            (trade.product, 1000),
            (second, 20),
            unit_price="0.01",  # prices never come from the request
            seller="someone else",
        ),
    )

    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert answer.headers["Location"].endswith(f"/api/v1/orders/{body['id']}")
    assert body["status"] == "placed" and body["currency"] == "USD"
    assert body["buyer_po_number"] == "SAP-4500012345"
    assert [
        (line["quantity"], line["unit_price"], line["line_total"]) for line in body["lines"]
    ] == [
        ("1000", "2.00", "2000.00"),
        ("20", "2.50", "50.00"),
    ]
    assert body["goods_total"] == "2050.00" and body["total"] == "2050.00"
    order = db.session.scalar(select(Order).where(Order.public_id == body["id"]))
    assert order is not None
    assert order.seller_id == trade.seller.id and order.placed_by_id == trade.purchaser.id
    assert order.total_minor == 205000
    assert stock_of(trade.product) == (before or 0) - 1000
    assert db.session.scalar(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.kind == "placed")
    )
    assert db.session.scalar(
        select(OutboxEmail).where(OutboxEmail.to_address == trade.sales.email)
    ), "the seller's sales staff hear of the order"
    assert (
        db.session.scalar(
            select(func.count()).select_from(CartLine).where(CartLine.user_id == trade.purchaser.id)
        )
        == 1
    ), "the person's cart is left as it was"


def test_same_idempotency_key_returns_the_first_order(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    first = post_order(client, secret, order_body((trade.product, 100)), key="PO-42")
    again = post_order(client, secret, order_body((trade.product, 100)), key="PO-42")
    other = post_order(client, secret, order_body((trade.product, 100)), key="PO-43")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.get_json()["id"] == first.get_json()["id"] != other.get_json()["id"]
    assert orders_count() == 2
    too_long = post_order(client, secret, order_body((trade.product, 100)), key="K" * 65)
    assert too_long.status_code == 400 and orders_count() == 2


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (99, "Order at least 100"),
        (0, "Order at least 100"),
        (-5, "Order at least 100"),
        # The listing is sold by the kilogram: a fourth decimal is past its rule.
        ("150.0005", "Quantities in kg take up to 3 decimals"),
        (150.5, 'as text such as "12.5", or as a whole number'),
        (True, 'as text such as "12.5", or as a whole number'),
        (None, 'as text such as "12.5", or as a whole number'),
        (10**13, "too large"),
        # Other scripts' digits stay refused, as the checkout form refuses them.
        ("١٥٠", "with the digits 0 to 9"),
        ("１５０", "with the digits 0 to 9"),
        ("+150", "Write a plain number"),
        ("NaN", "Write a plain number"),
    ],
)
def test_bad_quantities_are_422_and_write_nothing(
    client: FlaskClient, auth: AuthActions, trade: Trade, quantity: Any, message: str
) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    before = stock_of(trade.product)
    answer = post_order(client, secret, order_body((trade.product, quantity)))
    assert answer.status_code == 422
    assert message in answer.get_json()["message"]
    assert answer.get_json()["field"] == "quantity"
    assert orders_count() == 0 and stock_of(trade.product) == before


@pytest.mark.parametrize(
    ("field", "limit"),
    [("buyer_po_number", 50), ("notes", 2000), ("notify_party", 1000)],
)
def test_over_long_text_is_refused_naming_the_field_never_cut(
    client: FlaskClient, auth: AuthActions, trade: Trade, field: str, limit: int
) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    before = stock_of(trade.product)
    for length in (limit + 1, 10_000):
        answer = post_order(
            client, secret, order_body((trade.product, 100), **{field: "P" * length})
        )
        assert answer.status_code == 422, answer.get_json()
        assert answer.get_json()["field"] == field
        assert f"cannot be longer than {limit} characters" in answer.get_json()["message"]
        assert orders_count() == 0 and stock_of(trade.product) == before
    # At the limit, the text is stored whole.
    placed = post_order(client, secret, order_body((trade.product, 100), **{field: "P" * limit}))
    assert placed.status_code == 201
    order = db.session.scalars(select(Order)).one()
    assert getattr(order, field) == "P" * limit


def test_refusals_name_what_is_wrong(client: FlaskClient, auth: AuthActions, trade: Trade) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    another_seller = ProductFactory(title="Other seller's listing")
    draft = ProductFactory(seller=trade.seller, status="draft")
    db.session.commit()
    cases: list[tuple[object, int, str]] = [
        ("not json", 400, "JSON object"),
        ([1, 2], 400, "JSON object"),
        (order_body(), 422, "at least one line"),
        ({**order_body(), "lines": "abc"}, 422, '"lines"'),
        (order_body((trade.product, 100), (trade.product, 200)), 422, "one line only"),
        (order_body((trade.product, 100), (another_seller, 100)), 422, "one seller"),
        (order_body((draft, 100)), 422, "not on offer"),
        (order_body((trade.product, 100), incoterm="CIF"), 422, "delivery terms"),
        (order_body((trade.product, 100), destination_country="XX"), 422, "destination country"),
        (order_body((trade.product, 100), payment_terms="net_30"), 422, "payment terms"),
        (order_body((trade.product, 100), requested_delivery_date="next week"), 422, "YYYY-MM-DD"),
        (order_body((trade.product, 100), consignee=42), 422, "must be text"),
        (order_body((trade.product, 100), expected_total_minor=1), 422, "Prices changed"),
    ]
    for body, status, message in cases:
        if isinstance(body, str):
            answer = client.post(
                "/api/v1/orders",
                data=body,
                headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
            )
        else:
            answer = post_order(client, secret, body)
        assert answer.status_code == status, (body, answer.get_json())
        assert message in answer.get_json()["message"], (body, answer.get_json())
        if "incoterm" in str(body) and "delivery terms" in message:
            assert answer.get_json()["field"] == "incoterm", "the request's own field name"
    assert orders_count() == 0
    assert db.session.scalar(select(func.count()).select_from(OrderLine)) == 0


def test_a_shortfall_is_409_and_takes_no_stock(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    second = ProductFactory(seller=trade.seller, title="Cast booster 400 g", stock_quantity=150)
    db.session.commit()
    secret = make_token(client, auth, trade.purchaser.email)
    first_stock = stock_of(trade.product)
    answer = post_order(client, secret, order_body((trade.product, 100), (second, 200)))
    assert answer.status_code == 409
    assert "Not enough stock of Cast booster 400 g" in answer.get_json()["message"]
    assert stock_of(trade.product) == first_stock and stock_of(second) == 150
    assert orders_count() == 0


def test_a_seller_cannot_order_through_the_api(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    # A company that buys and sells: its owner may hold a token but not buy its own goods.
    both = CompanyFactory(legal_name="Karakoram Minerals", buys=True)
    owner = UserFactory(company=both, company_role=CompanyRole.OWNER)
    own = ProductFactory(seller=both)
    db.session.commit()
    secret = make_token(client, auth, owner.email)
    answer = post_order(client, secret, order_body((own, 100)))
    assert answer.status_code == 422 and "own company" in answer.get_json()["message"]


# --- reading ----------------------------------------------------------------------------


def test_erp_reads_its_order_with_the_timeline_and_nobody_elses(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    placed = post_order(client, secret, order_body((trade.product, 100))).get_json()
    answer = client.get(
        f"/api/v1/orders/{placed['id']}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["reference"] == placed["reference"] and body["status"] == "placed"
    assert [event["kind"] for event in body["timeline"]] == ["placed"]
    assert body["timeline"][0]["actor"] == "Li Purchaser"

    stranger = CompanyFactory(chinese_buyer=True, legal_name="Other importer")
    stranger_user = UserFactory(company=stranger, company_role=CompanyRole.PURCHASER)
    db.session.commit()
    stranger_secret = make_token(client, auth, stranger_user.email)
    foreign = client.get(
        f"/api/v1/orders/{placed['id']}", headers={"Authorization": f"Bearer {stranger_secret}"}
    )
    assert foreign.status_code == 404


def test_last_used_is_recorded(client: FlaskClient, auth: AuthActions, trade: Trade) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    started = utcnow()
    post_order(client, secret, order_body((trade.product, 100)))
    db.session.expire_all()
    token = db.session.scalar(select(ApiToken))
    assert token is not None and token.last_used_at is not None
    assert token.last_used_at >= started.replace(microsecond=0)
    assert db.session.scalar(select(Order.status)) is OrderStatus.PLACED


def test_messages_follow_accept_language(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    answer = client.post(
        "/api/v1/orders",
        json=order_body((trade.product, 100), lines=[]),
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "zh-CN,zh;q=0.9"},
    )
    assert answer.status_code == 422
    assert answer.get_json()["message"] == "订单至少需要一行。"


@pytest.mark.parametrize("stock", [10_000, 100], ids=["plenty", "exactly-one-order"])
def test_two_retries_racing_with_one_key_place_one_order(isolated_app: Flask, stock: int) -> None:
    """With plenty of stock the second retry meets the first's key; with stock for one order
    only, it meets the first's stock first. Either way it answers with the first's order."""
    with isolated_app.app_context():
        trade = make_trade(stock_quantity=stock)
        token, secret = create_token(Actor(trade.purchaser), "SAP")
        # Used a moment ago: neither request writes "last used", whose row lock would
        # otherwise queue the second request behind the first.
        token.last_used_at = utcnow()
        body = order_body((trade.product, 100))
        product_id = trade.product.id
        commit()
    barrier = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def send(index: int) -> None:
        client = isolated_app.test_client()
        barrier.wait()
        answers[index] = post_order(client, secret, body, key="SAP-4500012345")

    threads = [threading.Thread(target=send, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answer.status_code for answer in answers) == [200, 201]
    assert answers[0].get_json()["id"] == answers[1].get_json()["id"]
    with isolated_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 1
        assert db.session.get(Product, product_id).stock_quantity == stock - 100  # type: ignore[union-attr]
        db.session.remove()


def test_guessing_tokens_is_throttled_by_address(client: FlaskClient, trade: Trade) -> None:
    limit = int(client.application.config["LOGIN_LIMIT_PER_ADDRESS"].split()[0])
    headers = {"Authorization": "Bearer crd_guess"}
    for _ in range(limit):
        assert client.post("/api/v1/orders", json={}, headers=headers).status_code == 401
    throttled = client.post("/api/v1/orders", json={}, headers=headers)
    assert throttled.status_code == 429
    assert throttled.is_json and int(throttled.headers["Retry-After"]) > 0
    assert throttled.get_json()["error"] == 429, "the API's own error shape"


def test_a_token_stops_when_its_person_stops_purchasing(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    trade.purchaser.company_role = CompanyRole.FINANCE
    db.session.commit()
    assert post_order(client, secret, order_body((trade.product, 100))).status_code == 401
    assert orders_count() == 0


BAD_BODIES: dict[str, tuple[Callable[[Trade], str], int]] = {
    "nul-in-id": (lambda _: '{"lines": [{"product": "ab\\u0000c", "quantity": 100}]}', 422),
    "lone-surrogate": (lambda _: '{"lines": [{"product": "\\ud800", "quantity": 100}]}', 422),
    "nul-in-text": (
        lambda trade: json.dumps(
            {**order_body((trade.product, 100)), "consignee": "MCCT\x00 Shanghai"}
        ),
        422,
    ),
    "deep-nesting": (lambda _: "[" * 100_000 + "]" * 100_000, 400),
    "truncated": (lambda _: '{"lines": ', 400),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_bodies_no_database_can_store_are_refused(
    client: FlaskClient, auth: AuthActions, trade: Trade, case: str
) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    raw, status = BAD_BODIES[case]
    answer = client.post(
        "/api/v1/orders",
        data=raw(trade),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    assert answer.status_code == status and answer.is_json
    assert orders_count() == 0


def test_a_body_without_a_content_type_is_still_read_as_json(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    answer = client.post(
        "/api/v1/orders",
        data=json.dumps(order_body((trade.product, 100))),
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 201


def test_reading_alone_records_last_use(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    secret = make_token(client, auth, trade.purchaser.email)
    answer = client.get(
        "/api/v1/orders/unknown0000000000", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status_code == 404 and answer.get_json()["error"] == 404
    db.session.rollback()  # what the request left uncommitted goes
    db.session.expire_all()
    token = db.session.scalar(select(ApiToken))
    assert token is not None and token.last_used_at is not None


def test_the_page_showing_a_new_token_is_never_cached(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.purchaser.email)
    page = client.post("/account/api-tokens", data={"name": "SAP"})
    assert page.headers["Cache-Control"] == "private, no-store"
