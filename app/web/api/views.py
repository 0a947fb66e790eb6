"""``/api/v1``: an importer's ERP places orders and follows them, as one named purchaser.

Requests carry ``Authorization: Bearer <token>`` and nothing else: cookies never
authenticate here, so there is no cross-site request to forge and no CSRF token. Every
answer is JSON; errors are ``{"error": ..., "message": ..., "field": ...}`` with a 4xx
status, and a refused request writes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext
from sqlalchemy.exc import IntegrityError

from app.extensions import csrf, db, limiter
from app.models import Order, User
from app.money import Money
from app.services.accounts.api_tokens import user_for_token
from app.services.accounts.capabilities import Side
from app.services.audit.recording import Actor
from app.services.errors import Conflict, ValidationFailed
from app.services.orders.placing import (
    OrderTerms,
    order_by_idempotency_key,
    place_listed_order,
)
from app.services.orders.queries import order_page
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


@bp.before_request
def _authenticate() -> ResponseReturnValue | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        response = jsonify(
            error=401,
            message=gettext("Send a valid API token: Authorization: Bearer <token>."),
        )
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="corridor"'
        return response
    g.api_user = user
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
    """What an ERP needs to book an order: parties, terms, lines and figures."""
    currency = order.currency
    return {
        "id": order.public_id,
        "reference": order.reference,
        "status": order.status.value,
        "payment_status": order.payment_status.value,
        "buyer_po_number": order.buyer_po_number,
        "currency": currency,
        "incoterm": order.incoterm.value,
        "named_place": order.incoterm_place,
        "destination_country": order.destination_country,
        "destination_port": order.destination_port,
        "payment_terms": order.payment_terms.value,
        "goods_total": _amount(order.goods_total_minor, currency),
        "freight": _amount(order.freight_minor, currency),
        "insurance": _amount(order.insurance_minor, currency),
        "total": _amount(order.total_minor, currency),
        "placed_at": order.placed_at.isoformat(),
        "lines": [
            {
                "line_no": line.line_no,
                "title": line.title,
                "hs_code": line.hs_code,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price": _amount(line.unit_price_minor, currency),
                "line_total": _amount(line.line_total_minor, currency),
            }
            for line in order.lines
        ],
    }


def _is_text(value: object) -> bool:
    """A string the database can store: no NUL, no lone UTF-16 surrogate (JSON allows both)."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _terms(body: dict[str, Any]) -> OrderTerms:
    def text(name: str) -> str | None:
        value = body.get(name)
        if value is not None and not _is_text(value):
            raise ValidationFailed(lazy_gettext("%(field)s must be text.", field=name), name)
        return value

    expected = body.get("expected_total_minor")
    if expected is not None and (not isinstance(expected, int) or isinstance(expected, bool)):
        raise ValidationFailed(
            lazy_gettext("%(field)s must be a whole number.", field="expected_total_minor"),
            "expected_total_minor",
        )
    wanted_date = text("requested_delivery_date")
    try:
        delivery = date.fromisoformat(wanted_date) if wanted_date else None
    except ValueError:
        raise ValidationFailed(
            lazy_gettext("Give the date as YYYY-MM-DD."), "requested_delivery_date"
        ) from None
    return OrderTerms(
        incoterm=text("incoterm") or "",
        incoterm_place=text("named_place") or "",
        destination_country=text("destination_country") or "",
        destination_port=text("destination_port") or "",
        consignee=text("consignee") or "",
        payment_terms=text("payment_terms") or "",
        notify_party=text("notify_party"),
        buyer_po_number=text("buyer_po_number"),
        requested_delivery_date=delivery,
        notes=text("notes"),
        expected_total_minor=expected,
    )


def _lines(body: dict[str, Any]) -> list[tuple[str, object]]:
    lines = body.get("lines")
    if not isinstance(lines, list) or not all(
        isinstance(line, dict) and _is_text(line.get("product")) for line in lines
    ):
        raise ValidationFailed(
            lazy_gettext('Send "lines" as a list of {"product": id, "quantity": number}.'),
            "lines",
        )
    return [(line["product"], line.get("quantity")) for line in lines]


class _KeyRace(Conflict):
    """The order's INSERT hit a unique index, most likely the idempotency key of a
    concurrent request with the same key; carried through ``attempt`` so that it rolls the
    failed transaction back before ``place`` looks for that request's order."""

    def __init__(self, integrity_error: IntegrityError) -> None:
        super().__init__(str(integrity_error.orig))
        self.integrity_error = integrity_error


@bp.post("/orders")
def place() -> ResponseReturnValue:
    """Place one order; 201 with the order, or 200 with the one this idempotency key placed."""
    user: User = g.api_user
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and len(key) > MAX_IDEMPOTENCY_KEY:
        return render_error(400, gettext("The Idempotency-Key header is at most 64 characters."))
    if key is not None and (earlier := order_by_idempotency_key(user, key)) is not None:
        return jsonify(order_json(earlier)), 200
    try:
        # Any content type: an ERP that forgets the header still means JSON.
        body = request.get_json(force=True, silent=True)
    except RecursionError:  # nesting deep enough to exhaust the parser
        body = None
    if not isinstance(body, dict):
        return render_error(400, gettext("Send the order as a JSON object."))

    def place_it() -> dict[str, Any]:
        try:
            order = place_listed_order(_actor(), _lines(body), _terms(body), idempotency_key=key)
        except IntegrityError as error:
            raise _KeyRace(error) from error
        return order_json(order)

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
            return jsonify(order_json(earlier)), 200
        if isinstance(error, _KeyRace):
            raise error.integrity_error
        # 409 when the stock ran out meanwhile (InsufficientStock), else 422.
        return render_error(error.status, str(error), error.field)
    answer = placed.value
    response = jsonify(answer)
    response.status_code = 201
    response.headers["Location"] = url_for("api.show", public_id=answer["id"])
    return response


@bp.get("/orders/<public_id>")
def show(public_id: str) -> ResponseReturnValue:
    """One of the buyer's orders, with its timeline, as the order page shows it."""
    user: User = g.api_user
    assert user.company_id is not None  # a token acts only for a buying company's staff
    order = order_page(user.company_id, public_id, Side.BUYER)
    if order is None:
        return render_error(404, gettext("There is nothing here, or it is not yours to see."))
    body = order_json(order)
    body["timeline"] = [
        {
            "at": event.occurred_at.isoformat(),
            "kind": event.kind,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "actor": event.actor_name,
            "note": event.note,
        }
        for event in order.events
    ]
    body["documents"] = [
        {
            "kind": document.kind.value,
            "number": document.number,
            "issued_at": document.issued_at.isoformat(),
            "status": document.status.value,
            "sha256": document.sha256,
        }
        for document in sorted(order.documents, key=lambda document: document.id)
    ]
    return jsonify(body)
