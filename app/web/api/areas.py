"""Which side of the trade a token's person may work on through the API: the pages' own
area rules (``SELLER_AREA``, ``READ_BUYER_ORDERS``, ``READ_SELLER_ORDERS`` in the capability
table), asked in one place.

``/api/v1/seller/...`` is the seller's area (owner, sales, viewer of a selling company),
as ``/seller`` is on the pages; reading its orders is open to the seller's finance staff
too, and reading ``/api/v1/orders`` to the buyer's owner, purchasers, finance staff and
viewers, as the finance area lists the orders they pay or are paid for. Documents,
invoices, the catalogue and the reference data follow the company alone: everyone in the
two companies of an order sees its papers. Registered after authentication
(``views._authenticate``).
"""

from __future__ import annotations

from flask import g, request
from flask.typing import ResponseReturnValue

from app.models import User
from app.services.accounts.capabilities import Action, require
from app.services.errors import NotAllowed
from app.web.api.views import bp
from app.web.errors import render_error

_PREFIX = (bp.url_prefix or "") + "/"


def area_of(method: str, path: str) -> Action | None:
    """The area a call belongs to, None for what every token may reach."""
    resource = path.removeprefix(_PREFIX)
    reading = method in {"GET", "HEAD"}
    if resource.startswith("seller/"):
        if reading and _under(resource, "seller/orders"):
            return Action.READ_SELLER_ORDERS
        return Action.SELLER_AREA
    if reading and _under(resource, "orders"):
        return Action.READ_BUYER_ORDERS
    return None


def _under(resource: str, collection: str) -> bool:
    return resource == collection or resource.startswith(collection + "/")


@bp.before_request
def _keep_to_the_area() -> ResponseReturnValue | None:
    user: User | None = g.get("api_user")
    area = area_of(request.method, request.path)
    if user is None or area is None:
        return None
    try:
        require(user, area)
    except NotAllowed as refused:
        return render_error(403, str(refused))
    return None
