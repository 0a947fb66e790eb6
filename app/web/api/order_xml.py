"""``POST /api/v1/orders`` with an XML body: an Order-X or UBL 2.1 Order placed like JSON.

A ``before_request`` of the API blueprint takes the call when the body is declared
``application/xml`` (or ``text/xml``), after the token and its scope were checked (the
modules that register those hooks are imported first), and before the JSON body model of
``views.place`` would refuse it. The answer is a JSON order's: 201 with the order and its
``Location``, 200 with the order an ``Idempotency-Key`` already placed, the same refusals
(409 when the stock ran out, 422 naming the field: ``lines[2]`` for a line).
"""

from __future__ import annotations

from flask import g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.models import Order, User
from app.services.audit.recording import Actor
from app.services.orders.order_xml import place_xml_order, read_order_xml
from app.services.orders.xml_reader import MAX_ORDER_XML_BYTES, XML_CONTENT_TYPES, OrderTooLarge
from app.web.api import scopes  # noqa: F401  (its token checks run before this hook)
from app.web.api.contract import answer
from app.web.api.placing import place_once
from app.web.api.views import bp

PLACE_ENDPOINT = "api.place"


def _body() -> bytes:
    """At most one byte more than allowed, so an over-long body is told, never read whole."""
    if request.content_length is not None and request.content_length > MAX_ORDER_XML_BYTES:
        raise OrderTooLarge(gettext("An XML order is at most 1 MB."))
    return request.stream.read(MAX_ORDER_XML_BYTES + 1)


def _place(actor: Actor, key: str | None) -> Order:
    # Read inside the placing: a body too long or not an order is a refusal like any other.
    return place_xml_order(actor, read_order_xml(_body()), idempotency_key=key)


@bp.before_request
def _place_xml_order() -> ResponseReturnValue | None:
    if request.endpoint != PLACE_ENDPOINT or request.mimetype not in XML_CONTENT_TYPES:
        return None
    user: User | None = g.get("api_user")
    if user is None:  # not authenticated: the authentication hook has answered already
        return None
    return answer(place_once(_place))
