"""The operator moderates listings: suspend with a reason, lift the suspension."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ProductStatus
from tests.factories import ProductFactory, UserFactory
from tests.support.auth import AuthActions


def test_operator_suspends_and_reinstates_a_listing(client: FlaskClient, auth: AuthActions) -> None:
    product = ProductFactory(title="Detonators without licence")
    UserFactory(email="ops@example.com", operator=True)
    auth.login("ops@example.com")
    listing_page = client.get("/operator/listings", query_string={"q": "without licence"})
    assert b"Detonators without licence" in listing_page.data
    path = f"/operator/listings/{product.public_id}"
    refused = client.post(path, data={"action": "suspend", "reason": " "})
    assert refused.status_code == 200 and b"Give the reason" in refused.data
    assert product.status is ProductStatus.PUBLISHED
    client.post(path, data={"action": "suspend", "reason": "No export licence on file"})
    assert product.status is ProductStatus.SUSPENDED
    assert product.suspension_reason == "No export licence on file"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "listing.suspended"))
    assert event is not None and event.object_id == product.public_id
    client.post(path, data={"action": "reinstate"})
    assert product.status is ProductStatus.DRAFT


def test_seller_cannot_reach_moderation(client: FlaskClient, auth: AuthActions) -> None:
    product = ProductFactory()
    UserFactory(email="owner@example.com", company=product.seller)
    auth.login("owner@example.com")
    assert client.get("/operator/listings").status_code == 403
    response = client.post(f"/operator/listings/{product.public_id}", data={"reason": "x"})
    assert response.status_code == 403
    assert product.status is ProductStatus.PUBLISHED


def test_unknown_listing_answers_404(client: FlaskClient, auth: AuthActions) -> None:
    UserFactory(email="ops@example.com", operator=True)
    auth.login("ops@example.com")
    assert client.get("/operator/listings/nope").status_code == 404
