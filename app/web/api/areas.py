"""Which side of the trade a token's person may work on through the API: the pages' own
area rule (``SELLER_AREA``, ``BUYER_AREA`` in the capability table), asked in one place.

``/api/v1/seller/...`` is the seller's area (owner, sales, viewer of a selling company),
reading ``/api/v1/orders`` the buyer's (owner, purchaser, viewer of a buying company), as
``/seller`` and ``/buyer`` are on the pages. Documents, invoices, the catalogue and the
reference data follow the company alone: everyone in the two companies of an order sees
its papers. Registered after authentication (``views._authenticate``).
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
    if resource.startswith("seller/"):
        return Action.SELLER_AREA
    if method in {"GET", "HEAD"} and (resource == "orders" or resource.startswith("orders/")):
        return Action.BUYER_AREA
    return None


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
