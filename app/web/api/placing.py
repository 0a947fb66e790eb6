"""Placing an order once per ``Idempotency-Key``: the JSON and the XML ``POST /orders``.

Both bodies end in the same answer: 201 with the order and its ``Location``, 200 with the
order an earlier request with the key placed, or the refusal (409 when the stock ran out,
422 naming the field). The key is checked, the earlier order looked up, and a race of two
requests sent with one key at once settled here, in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, request, url_for
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from app.models import Order, User
from app.services.audit.recording import Actor
from app.services.errors import Conflict
from app.services.orders.placing import order_by_idempotency_key
from app.web.api.contract import ApiAnswer
from app.web.api.schemas.orders import OrderSummary
from app.web.boundary import attempt
from app.web.errors import render_error

MAX_IDEMPOTENCY_KEY = 64

# Places the order for the actor, under the idempotency key (None without one).
Placer = Callable[[Actor, str | None], Order]


class KeyRace(Conflict):
    """The order's INSERT hit a unique index, most likely the idempotency key of a
    concurrent request with the same key; carried through ``attempt`` so that it rolls the
    failed transaction back before ``place_once`` looks for that request's order."""

    def __init__(self, integrity_error: IntegrityError) -> None:
        super().__init__(str(integrity_error.orig))
        self.integrity_error = integrity_error


def place_once(place: Placer) -> ApiAnswer:
    """Run ``place`` unless this token's user already placed an order with the key."""
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

    def place_it() -> OrderSummary:
        try:
            order = place(Actor(user, request.remote_addr), key)
        except IntegrityError as error:
            raise KeyRace(error) from error
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
        if isinstance(error, KeyRace):
            raise error.integrity_error
        # 409 when the stock ran out meanwhile (InsufficientStock), else 422.
        return render_error(
            error.status, str(error), error.field, path=error.path, error_code=error.code
        )
    summary = placed.value
    return summary, 201, {"Location": url_for("api.show", public_id=summary.id)}
