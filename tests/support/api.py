"""What an ERP sends the API, written once for the API tests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, Product, User
from app.models.api_token import ApiTokenScope
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor


def order_body(*lines: tuple[Product | str, object], **changes: object) -> dict[str, Any]:
    """A JSON order for ``POST /api/v1/orders``: each line a listing (or its public id) and a
    quantity; FOB Karachi to Shanghai, paid in advance; ``changes`` over these."""
    return {
        "lines": [
            {"product": product if isinstance(product, str) else product.public_id, "quantity": q}
            for product, q in lines
        ],
        "incoterm": "FOB",
        "named_place": "Karachi",
        "destination_country": "CN",
        "destination_port": "Shanghai",
        "consignee": "Shanghai Minmetals Trading Co., Ltd.\n88 Century Avenue, Shanghai",
        "payment_terms": "advance",
        **changes,
    }


def token_for(
    holder: Flask | FlaskClient, user: User, scope: ApiTokenScope = ApiTokenScope.PERSONAL
) -> dict[str, str]:
    """The headers of an ERP holding a new API token of ``user`` (``scope``: personal by
    default), committed so requests over HTTP see it."""
    app = holder.application if isinstance(holder, FlaskClient) else holder
    with app.test_request_context():
        _token, secret = create_token(Actor(user), "SAP", scope)
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def orders_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Order)) or 0
