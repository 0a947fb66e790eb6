"""Scoped API tokens, their revocation when a person's role changes or ends, the owner's
view of every token of the company, and the rate limit per token.

Tokens are made on the account page and used over HTTP as an ERP would; the database and
the audit log are read afterwards for what was (and was not) written.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import ApiToken, AuditEvent, CompanyRole, User
from app.models.api_token import ApiTokenRevocation, ApiTokenScope
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from app.web.api.scopes import needed_scope
from tests.builders.trade import Trade, committed_trade
from tests.factories import UserFactory
from tests.support import api
from tests.support.api import orders_count
from tests.support.auth import AuthActions

pytestmark = pytest.mark.usefixtures("exchange_rates")

_SECRET = re.compile(r'id="new-api-token">(crd_[^<]+)<')


@pytest.fixture
def trade() -> Trade:
    return committed_trade()


@pytest.fixture
def buyer_owner(trade: Trade) -> User:
    owner: User = UserFactory(
        company=trade.buyer, company_role=CompanyRole.OWNER, full_name="Wang Owner"
    )
    db.session.commit()
    return owner


def make_token(
    client: FlaskClient, auth: AuthActions, email: str, scope: str, name: str = "ERP"
) -> str:
    """Sign in, create a token with ``scope`` on the account page, read it off, sign out."""
    auth.login(email)
    page = client.post("/account/api-tokens", data={"name": name, "scope": scope})
    assert page.status_code == 200
    found = _SECRET.search(page.get_data(as_text=True))
    assert found is not None, page.get_data(as_text=True)
    auth.logout()
    return found.group(1)


def order_body(trade: Trade) -> dict[str, Any]:
    return api.order_body((trade.product, 100))


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def token_named(name: str) -> ApiToken:
    db.session.expire_all()
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == name))
    assert token is not None
    return token


# --- scopes -------------------------------------------------------------------------------


def test_read_only_token_reads_and_may_not_place(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    secret = make_token(client, auth, trade.purchaser.email, "read_only", name="BI reader")
    assert token_named("BI reader").scope is ApiTokenScope.READ_ONLY

    refused = client.post("/api/v1/orders", json=order_body(trade), headers=bearer(secret))
    assert refused.status_code == 403
    body = refused.get_json()
    assert body["error"] == 403 and body["code"] == "insufficient_scope"
    assert "read_only" in body["message"] and "orders" in body["message"]
    assert orders_count() == 0

    # A read goes through to the endpoint (nothing by that id: its own 404).
    read = client.get("/api/v1/orders/nosuchorder00000", headers=bearer(secret))
    assert read.status_code == 404 and read.get_json()["code"] == "not_found"


def test_orders_token_places_an_order(client: FlaskClient, auth: AuthActions, trade: Trade) -> None:
    secret = make_token(client, auth, trade.purchaser.email, "orders")
    placed = client.post("/api/v1/orders", json=order_body(trade), headers=bearer(secret))
    assert placed.status_code == 201, placed.get_json()
    assert orders_count() == 1


def test_listings_token_of_sales_staff_may_not_place_orders(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    # Sales staff hold tokens now (their ERP keeps listings and answers orders).
    secret = make_token(client, auth, trade.sales.email, "listings", name="Stock sync")
    assert token_named("Stock sync").scope is ApiTokenScope.LISTINGS
    refused = client.post("/api/v1/orders", json=order_body(trade), headers=bearer(secret))
    assert refused.status_code == 403 and refused.get_json()["code"] == "insufficient_scope"
    assert orders_count() == 0


def test_personal_token_does_what_its_person_may(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    secret = make_token(client, auth, trade.purchaser.email, "personal")
    placed = client.post("/api/v1/orders", json=order_body(trade), headers=bearer(secret))
    assert placed.status_code == 201


@pytest.mark.parametrize(
    ("method", "rule", "needed"),
    [
        ("GET", "/api/v1/orders/<public_id>", None),
        ("HEAD", "/api/v1/listings", None),
        ("POST", "/api/v1/orders", ApiTokenScope.ORDERS),
        ("POST", "/api/v1/quotes/<public_id>/accept", ApiTokenScope.ORDERS),
        ("POST", "/api/v1/threads/<public_id>/messages", ApiTokenScope.ORDERS),
        ("POST", "/api/v1/seller/orders/<public_id>/accept", ApiTokenScope.ORDERS),
        ("PATCH", "/api/v1/seller/listings/<public_id>", ApiTokenScope.LISTINGS),
        ("PATCH", "/api/v1/listings/<public_id>", ApiTokenScope.LISTINGS),
        # A write nobody listed needs a personal token.
        ("POST", "/api/v1/webhooks", ApiTokenScope.PERSONAL),
        ("DELETE", "/api/v1/seller", ApiTokenScope.PERSONAL),
    ],
)
def test_each_write_needs_its_resources_scope(
    method: str, rule: str, needed: ApiTokenScope | None
) -> None:
    assert needed_scope(method, rule) is needed


def test_scopes_offered_follow_the_role(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.purchaser.email)
    page = client.get("/account/api-tokens").get_data(as_text=True)
    assert 'value="orders"' in page and 'value="read_only"' in page
    assert 'value="listings"' not in page, "a purchaser edits no listings"
    refused = client.post("/account/api-tokens", data={"name": "x", "scope": "listings"})
    assert refused.status_code == 200 and _SECRET.search(refused.get_data(as_text=True)) is None
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


# Finance staff hold read-only tokens: tests/functional/test_api_finance_tokens.py.
def test_viewers_hold_no_tokens(client: FlaskClient, auth: AuthActions, trade: Trade) -> None:
    other = UserFactory(company=trade.seller, company_role=CompanyRole.VIEWER)
    db.session.commit()
    auth.login(other.email)
    assert client.get("/account/api-tokens").status_code == 403
    assert client.post("/account/api-tokens", data={"name": "x"}).status_code == 403


# --- revoked when the person's rights change ----------------------------------------------


def test_a_demoted_persons_tokens_are_revoked_and_shown_revoked(
    client: FlaskClient, auth: AuthActions, trade: Trade, buyer_owner: User
) -> None:
    secret = make_token(client, auth, trade.purchaser.email, "orders", name="SAP purchasing")
    auth.login(buyer_owner.email)
    changed = client.post(
        f"/company/users/{trade.purchaser.public_id}/role", data={"role": "viewer"}
    )
    assert changed.status_code == 302
    auth.logout()

    token = token_named("SAP purchasing")
    assert token.revoked_at is not None
    assert token.revoked_reason is ApiTokenRevocation.ROLE_CHANGED
    audit = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "api_token.revoked", AuditEvent.object_id == token.public_id
        )
    )
    assert audit is not None and audit.details["reason"] == "role_changed"
    assert (
        client.post("/api/v1/orders", json=order_body(trade), headers=bearer(secret)).status_code
        == 401
    )

    # Made purchaser again, the person sees the old token as revoked, with the reason.
    trade.purchaser.company_role = CompanyRole.PURCHASER
    db.session.commit()
    auth.login(trade.purchaser.email)
    page = client.get("/account/api-tokens").get_data(as_text=True)
    revoked = page.split('id="revoked-api-tokens"', 1)[1]
    assert "SAP purchasing" in revoked and "role changed" in revoked
    assert "No active tokens." in page


def test_a_deactivated_persons_tokens_are_revoked(
    client: FlaskClient, auth: AuthActions, trade: Trade, buyer_owner: User
) -> None:
    make_token(client, auth, trade.purchaser.email, "personal", name="Oracle")
    auth.login(buyer_owner.email)
    assert client.post(f"/company/users/{trade.purchaser.public_id}/deactivate").status_code == 302
    token = token_named("Oracle")
    assert token.revoked_reason is ApiTokenRevocation.DEACTIVATED


# --- the owner's view of every token ------------------------------------------------------


def test_owner_sees_every_token_of_the_company_and_no_one_elses(
    client: FlaskClient, auth: AuthActions, trade: Trade, buyer_owner: User
) -> None:
    make_token(client, auth, trade.purchaser.email, "orders", name="SAP purchasing")
    make_token(client, auth, buyer_owner.email, "read_only", name="Owner dashboard")
    make_token(client, auth, trade.sales.email, "listings", name="Seller stock sync")
    auth.login(buyer_owner.email)
    page = client.get("/company/api-tokens")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    table = text.split('id="company-api-tokens"', 1)[1]
    assert "SAP purchasing" in table and "Li Purchaser" in table
    assert "Orders (read everything, write orders)" in table
    assert "Owner dashboard" in table and "Read only" in table
    assert "Seller stock sync" not in table, "another company's token"
    assert 'href="/company/api-tokens"' in client.get("/company/").get_data(as_text=True)


def test_owner_revokes_a_colleagues_token_audited(
    client: FlaskClient, auth: AuthActions, trade: Trade, buyer_owner: User
) -> None:
    secret = make_token(client, auth, trade.purchaser.email, "orders", name="SAP purchasing")
    token = token_named("SAP purchasing")
    auth.login(buyer_owner.email)
    revoked = client.post(f"/company/api-tokens/{token.public_id}/revoke")
    assert revoked.status_code == 302
    token = token_named("SAP purchasing")
    assert token.revoked_reason is ApiTokenRevocation.BY_OWNER
    audit = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "api_token.revoked", AuditEvent.object_id == token.public_id
        )
    )
    assert audit is not None
    assert audit.details["holder"] == trade.purchaser.email
    assert audit.details["reason"] == "by_owner"
    assert audit.actor_id == buyer_owner.id
    page = client.get("/company/api-tokens").get_data(as_text=True)
    assert "Revoked by the company owner" in page
    # Revoked already: nothing to revoke.
    assert client.post(f"/company/api-tokens/{token.public_id}/revoke").status_code == 404
    assert (
        client.post("/api/v1/orders", json=order_body(trade), headers=bearer(secret)).status_code
        == 401
    )


def test_owner_cannot_revoke_another_companys_token(
    client: FlaskClient, auth: AuthActions, trade: Trade, buyer_owner: User
) -> None:
    make_token(client, auth, trade.sales.email, "listings", name="Seller stock sync")
    token = token_named("Seller stock sync")
    auth.login(buyer_owner.email)
    assert client.post(f"/company/api-tokens/{token.public_id}/revoke").status_code == 404
    assert token_named("Seller stock sync").revoked_at is None


def test_only_the_owner_sees_the_companys_tokens(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.purchaser.email)
    assert client.get("/company/api-tokens").status_code == 403


# --- rate limit per token -----------------------------------------------------------------


def test_each_token_has_its_own_rate_limit_with_retry_after(
    app: Flask, client: FlaskClient, trade: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_PER_TOKEN", "3 per minute")
    _, busy = create_token(Actor(trade.purchaser), "Busy ERP", ApiTokenScope.READ_ONLY)
    _, calm = create_token(Actor(trade.purchaser), "Calm ERP", ApiTokenScope.READ_ONLY)
    db.session.commit()
    url = "/api/v1/orders/nosuchorder00000"
    for _ in range(3):
        assert client.get(url, headers=bearer(busy)).status_code == 404
    throttled = client.get(url, headers=bearer(busy))
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert throttled.get_json()["error"] == 429
    assert throttled.get_json()["code"] == "rate_limited"
    # The other token of the same person, from the same address, is not held up.
    assert client.get(url, headers=bearer(calm)).status_code == 404
