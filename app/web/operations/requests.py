"""One JSON log line and one count per request, under an id the client and logs share.

Registered before the boundary, so the time measured includes the request's commit, and
the line is written for every answer, refusals and error pages included.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from app.operations.logs import new_request_id, reset_request_id, set_request_id
from app.operations.metrics import REQUEST_SECONDS, REQUESTS

log = logging.getLogger("corridor.request")
REQUEST_ID_HEADER = "X-Request-ID"


def _route() -> str:
    # The rule, not the path: /orders/<public_id> is one route, whatever the id.
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def _begin() -> None:
    g.request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()
    g.request_id_token = set_request_id(g.request_id)


def _note_identity(response: Response) -> Response:
    # Runs before the boundary's commit, which expires every loaded row: read after it,
    # the user's ids would cost a query on every request.
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        g.request_identity = (user.id, user.company_id)
    return response


def _user_and_company() -> tuple[int | None, int | None]:
    # Only a user the request already loaded: logging must not cost a query.
    identity: tuple[int | None, int | None] = g.get("request_identity", (None, None))
    return identity


def _account(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:
        return response
    seconds = time.perf_counter() - started
    route = _route()
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    REQUEST_SECONDS.labels(route).observe(seconds)
    user_id, company_id = _user_and_company()
    log.info(
        "%s %s %s",
        request.method,
        route,
        response.status_code,
        extra={
            "route": route,
            "method": request.method,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
            "user_id": user_id,
            "company_id": company_id,
        },
    )
    response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def _end(error: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        reset_request_id(token)


def init_app(app: Flask) -> None:
    """Call before the boundary's ``init_app`` (see ``note_identity_before_commit``)."""
    app.before_request(_begin)
    app.after_request(_account)
    app.teardown_request(_end)

    @app.context_processor
    def _request_reference() -> dict[str, str | None]:
        return {"request_id": g.get("request_id")}


def note_identity_before_commit(app: Flask) -> None:
    """Call after the boundary's ``init_app``: after_request hooks run last-registered first."""
    app.after_request(_note_identity)
