"""``/api/v1``: an importer's ERP places orders and follows them, as one named purchaser.

Requests carry ``Authorization: Bearer <token>`` and nothing else: cookies never
authenticate here, so there is no cross-site request to forge and no CSRF token. Every
answer is JSON; errors are ``{"error": status, "code": ..., "message": ..., "field": ...,
"path": ...}`` with a 4xx status, and a refused request writes nothing. Endpoints are
declared with ``app.web.api.contract.operation`` and models from ``app.web.api.schemas``,
which also make the OpenAPI document (``app.web.api.openapi``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, g, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext
from sqlalchemy.exc import IntegrityError

from app.extensions import csrf, db, limiter
from app.models import Order, User
from app.money import Money
from app.services.accounts.api_tokens import token_for_secret
from app.services.accounts.capabilities import Side
from app.services.audit.recording import Actor
from app.services.errors import Conflict, ValidationFailed
from app.services.orders.placing import (
    OrderTerms,
    order_by_idempotency_key,
    place_listed_order,
)
from app.services.orders.queries import order_page
from app.web.api.contract import operation
from app.web.api.schemas.orders import OrderDetail, OrderSummary, PlaceOrder
from app.web.boundary import attempt, commit_before_view
from app.web.errors import render_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
# Wrong tokens from one address are throttled like wrong passwords; good calls are not.
limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    deduct_when=lambda response: response.status_code == 401,
)(bp)

MAX_IDEMPOTENCY_KEY = 64


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


def _actor() -> Actor:
    user: User = g.api_user
    return Actor(user, request.remote_addr)


def _amount(minor: int, currency: str) -> str:
    # Money travels as a decimal string, never a JSON float.
    return str(Money.from_minor(minor, currency).amount)


def order_json(order: Order) -> dict[str, Any]:
    """What an ERP needs to book an order, as JSON (for the modules not yet on models)."""
    return OrderSummary.of(order).model_dump(mode="json")


def _is_text(value: object) -> bool:
    """A string the database can store: no NUL, no lone UTF-16 surrogate (JSON allows both)."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
    )


class _KeyRace(Conflict):
    """The order's INSERT hit a unique index, most likely the idempotency key of a
    concurrent request with the same key; carried through ``attempt`` so that it rolls the
    failed transaction back before ``place`` looks for that request's order."""

    def __init__(self, integrity_error: IntegrityError) -> None:
        super().__init__(str(integrity_error.orig))
        self.integrity_error = integrity_error


@bp.post("/orders")
@operation(
    body=PlaceOrder,
    responses={201: OrderSummary, 200: OrderSummary},
    errors=(409,),
    tags=("orders",),
    idempotent=True,
)
def place(body: PlaceOrder) -> ResponseReturnValue:
    """Place one order; 201 with the order, or 200 with the one this idempotency key placed."""
    user: User = g.api_user
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and len(key) > MAX_IDEMPOTENCY_KEY:
        return render_error(
            400,
            gettext("The Idempotency-Key header is at most 64 characters."),
            path="Idempotency-Key",
        )
    if key is not None and (earlier := order_by_idempotency_key(user, key)) is not None:
        return OrderSummary.of(earlier), 200
    wanted: list[tuple[str, object]] = [(line.product, line.quantity) for line in body.lines]

    def place_it() -> OrderSummary:
        try:
            order = place_listed_order(_actor(), wanted, _terms(body), idempotency_key=key)
        except IntegrityError as error:
            raise _KeyRace(error) from error
        return OrderSummary.of(order)

    # Refusals are answered here, not by the boundary: the refused request may be the second
    # of two sent with the same key, and its answer the order the first placed. (NotAllowed
    # still reaches the boundary's 403, the same JSON: a token's user may always order, so
    # it is never the loser of such a race.)
    placed = attempt(place_it, flash_refusal=False)
    if placed.value is None:
        error = placed.error
        assert error is not None
        # The same key sent twice at once: the second waited on the first (for its stock
        # or its key) and failed; the order the first placed is the answer to both.
        earlier = order_by_idempotency_key(user, key) if key else None
        if earlier is not None:
            return OrderSummary.of(earlier), 200
        if isinstance(error, _KeyRace):
            raise error.integrity_error
        # 409 when the stock ran out meanwhile (InsufficientStock), else 422.
        return render_error(
            error.status, str(error), error.field, path=error.path, error_code=error.code
        )
    answer = placed.value
    return answer, 201, {"Location": url_for("api.show", public_id=answer.id)}


@bp.get("/orders/<public_id>")
@operation(responses={200: OrderDetail}, tags=("orders",))
def show(public_id: str) -> ResponseReturnValue:
    """One of the buyer's orders, with its timeline, as the order page shows it."""
    user: User = g.api_user
    assert user.company_id is not None  # a token acts only for a buying company's staff
    order = order_page(user.company_id, public_id, Side.BUYER)
    if order is None:
        return render_error(404, gettext("There is nothing here, or it is not yours to see."))
    return OrderDetail.of(order)
