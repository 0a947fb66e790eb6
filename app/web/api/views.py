"""``/api/v1``: an importer's ERP places orders and follows them, as one named purchaser.

Requests carry ``Authorization: Bearer <token>`` and nothing else: cookies never
authenticate here, so there is no cross-site request to forge and no CSRF token. Every
answer is JSON; errors are ``{"error": status, "code": ..., "message": ..., "field": ...,
"path": ...}`` with a 4xx status, and a refused request writes nothing. Endpoints are
declared with ``app.web.api.contract.operation`` and models from ``app.web.api.schemas``,
which also make the OpenAPI document (``app.web.api.openapi``).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.extensions import csrf, db, limiter
from app.models import User
from app.services.accounts.api_tokens import token_for_secret
from app.services.accounts.capabilities import Side
from app.services.audit.recording import Actor
from app.services.orders.placing import OrderTerms, place_listed_order
from app.services.orders.queries import order_page
from app.services.orders.xml_reader import XML_CONTENT_TYPES
from app.web.api.contract import ApiAnswer, operation
from app.web.api.placing import place_once
from app.web.api.schemas.orders import OrderDetail, OrderSummary, PlaceOrder
from app.web.boundary import commit_before_view
from app.web.errors import render_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
# Wrong tokens from one address are throttled like wrong passwords; good calls are not.
limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    deduct_when=lambda response: response.status_code == 401,
)(bp)

# Read without a token: the OpenAPI document says nothing about anyone's data.
PUBLIC_ENDPOINTS = frozenset({"api.openapi_document"})


@bp.before_request
def _authenticate() -> ResponseReturnValue | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = token_for_secret(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        response, status = render_error(
            401, gettext("Send a valid API token: Authorization: Bearer <token>.")
        )
        assert isinstance(response, Response)
        response.status_code = status
        response.headers["WWW-Authenticate"] = 'Bearer realm="corridor"'
        return response
    g.api_token, g.api_user = token, token.user
    if db.session.dirty:
        # The token's "last used" was refreshed: kept whether or not the call succeeds.
        commit_before_view()
    return None


# The XML variant of the body, answered by ``app.web.api.order_xml`` before this view.
ORDER_XML_BODY = {
    "schema": {
        "type": "string",
        "description": (
            "An Order-X (UN/CEFACT Cross Industry Order, rsm:SCRDMCCBDACIOMessageStructure) "
            "or UBL 2.1 Order document, at most 1 MB; answered like the JSON body. See "
            'docs/API.md, "Orders as XML: Order-X and UBL 2.1".'
        ),
    },
}


def _actor() -> Actor:
    user: User = g.api_user
    return Actor(user, request.remote_addr)


def _terms(body: PlaceOrder) -> OrderTerms:
    return OrderTerms(
        incoterm=body.incoterm or "",
        incoterm_place=body.named_place or "",
        destination_country=body.destination_country or "",
        destination_port=body.destination_port or "",
        consignee=body.consignee or "",
        payment_terms=body.payment_terms or "",
        notify_party=body.notify_party,
        buyer_po_number=body.buyer_po_number,
        requested_delivery_date=body.requested_delivery_date,
        notes=body.notes,
        expected_total_minor=body.expected_total_minor,
        tolerance_percent=body.tolerance_percent,
        tolerance_option=body.tolerance_option,
        partial_shipments=body.partial_shipments,
        provisional_percent=body.provisional_percent,
    )


@bp.post("/orders")
@operation(
    body=PlaceOrder,
    responses={201: OrderSummary, 200: OrderSummary},
    errors=(409,),
    tags=("orders",),
    idempotent=True,
    body_content={kind: ORDER_XML_BODY for kind in sorted(XML_CONTENT_TYPES)},
)
def place(body: PlaceOrder) -> ApiAnswer:
    """Place one order; 201 with the order, or 200 with the one this idempotency key placed."""
    wanted: list[tuple[str, object]] = [(line.product, line.quantity) for line in body.lines]
    return place_once(
        lambda actor, key: place_listed_order(actor, wanted, _terms(body), idempotency_key=key)
    )


@bp.get("/orders/<public_id>")
@operation(responses={200: OrderDetail}, tags=("orders",))
def show(public_id: str) -> ApiAnswer:
    """One of the buyer's orders, with its timeline, as the order page shows it."""
    user: User = g.api_user
    assert user.company_id is not None  # a token acts only for a buying company's staff
    order = order_page(user.company_id, public_id, Side.BUYER)
    if order is None:
        return render_error(404, gettext("There is nothing here, or it is not yours to see."))
    return OrderDetail.of(order)
