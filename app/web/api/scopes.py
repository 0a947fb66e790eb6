"""What a token's scope lets it call, and how often a token may call: the one place.

Registered on the API blueprint after authentication (``views._authenticate``), so every
route of ``/api/v1`` passes here, those added later included:

- Reads (GET, HEAD, OPTIONS) are open to every scope.
- A write needs a personal token or the scope of its resource, found from the route's
  first path segment (``/orders/...``; under ``/seller/`` or ``/buyer/`` the second).
  A write to a resource missing from ``WRITE_SCOPES`` needs a personal token: a new write
  endpoint is closed to scoped tokens until it is listed here. The refusal is a 403 in the
  API's error shape, code ``insufficient_scope``.
- Each token has its own budget of calls (``API_RATE_LIMIT_PER_TOKEN``, Flask-Limiter,
  keyed by the token's id); over it, a 429 with ``Retry-After``.

What the person's role allows is decided by the capability table in the services; a scope
only ever narrows it.
"""

from __future__ import annotations

import math
import time

from flask import Response, current_app, g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from limits import parse_many

from app.extensions import limiter
from app.models.api_token import ApiToken, ApiTokenScope
from app.services.accounts.api_tokens import scope_allows
from app.web.api.views import bp
from app.web.errors import render_error

# Resource (first path segment under /api/v1) -> the scope its writes need.
WRITE_SCOPES: dict[str, ApiTokenScope] = {
    "orders": ApiTokenScope.ORDERS,
    "rfqs": ApiTokenScope.ORDERS,
    "quotes": ApiTokenScope.ORDERS,
    # Threads belong to orders and RFQs: writing in them is part of trading.
    "threads": ApiTokenScope.ORDERS,
    "shipments": ApiTokenScope.ORDERS,
    "listings": ApiTokenScope.LISTINGS,
}
_SIDES = frozenset({"seller", "buyer"})
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def needed_scope(method: str, rule: str) -> ApiTokenScope | None:
    """The scope a call needs (None: a read any token may make); ``rule`` is the route's
    pattern, e.g. ``/api/v1/orders/<public_id>``."""
    if method.upper() in _READS:
        return None
    segments = [part for part in rule.removeprefix(bp.url_prefix or "").split("/") if part]
    if segments and segments[0] in _SIDES:
        segments = segments[1:]
    if not segments:
        return ApiTokenScope.PERSONAL
    return WRITE_SCOPES.get(segments[0], ApiTokenScope.PERSONAL)


def _over_the_token_limit(token: ApiToken) -> ResponseReturnValue | None:
    """Count this call against the token's budget; the 429 (with ``Retry-After``) if spent.

    Counted through Flask-Limiter's own strategy and storage (memory, or Redis when
    several processes serve), keyed by the token's id. Not a route limit: one registered
    per route from here would replace the blueprint's per-address limit on failed tokens.
    """
    if not limiter.enabled:
        return None
    key = f"api-token:{token.public_id}"
    strategy = limiter.limiter
    for limit in parse_many(str(current_app.config["API_RATE_LIMIT_PER_TOKEN"])):
        if not strategy.hit(limit, key):
            reset_at = strategy.get_window_stats(limit, key).reset_time
            wait = max(1, math.ceil(reset_at - time.time()))
            response, status = render_error(
                429,
                gettext(
                    "This token made too many calls. Try again in %(seconds)d seconds.",
                    seconds=wait,
                ),
            )
            assert isinstance(response, Response)
            response.status_code = status
            response.headers["Retry-After"] = str(wait)
            return response
    return None


@bp.before_request
def _check_scope_and_rate() -> ResponseReturnValue | None:
    token: ApiToken | None = g.get("api_token")
    if token is None or request.url_rule is None:
        # Public routes (the OpenAPI document) and unknown paths (a 404) pass untouched.
        return None
    # Counted before the scope is checked: a refused call still costs the server a call.
    throttled = _over_the_token_limit(token)
    if throttled is not None:
        return throttled
    needed = needed_scope(request.method, request.url_rule.rule)
    if scope_allows(token.scope, needed):
        return None
    if needed is ApiTokenScope.PERSONAL:
        message = gettext(
            "This token's scope (%(scope)s) does not allow this call: it needs a personal token.",
            scope=token.scope.value,
        )
    else:
        message = gettext(
            "This token's scope (%(scope)s) does not allow this call: it needs a token "
            "with the scope %(needed)s, or a personal token.",
            scope=token.scope.value,
            needed=str(needed),
        )
    return render_error(403, message, error_code="insufficient_scope")
