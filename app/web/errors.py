"""Translated error pages (HTML) and JSON errors for machine clients.

The boundary (``app.web.boundary``) decides when a request failed; this module only says
so in the reader's language and format.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template, request
from flask_babel import lazy_gettext

ERROR_TEXT = {
    400: (
        lazy_gettext("Bad request"),
        lazy_gettext("The request could not be understood. Go back, check the form and try again."),
    ),
    403: (
        lazy_gettext("Not allowed"),
        lazy_gettext(
            "Your role does not give access to this page. Ask your company owner if you need it."
        ),
    ),
    404: (
        lazy_gettext("Not found"),
        lazy_gettext("There is nothing here, or it is not yours to see."),
    ),
    405: (
        lazy_gettext("Not allowed"),
        lazy_gettext("This address does not accept that kind of request."),
    ),
    409: (
        lazy_gettext("Changed meanwhile"),
        lazy_gettext("Something changed since you looked. Reload the page and try again."),
    ),
    413: (
        lazy_gettext("Too large"),
        lazy_gettext("The upload is larger than allowed. Files may be at most 5 MB."),
    ),
    422: (
        lazy_gettext("Not accepted"),
        lazy_gettext("The request was refused. Go back, check it and try again."),
    ),
    429: (
        lazy_gettext("Too many attempts"),
        lazy_gettext("Too many attempts in a short time. Wait a minute, then try again."),
    ),
    500: (
        lazy_gettext("Something went wrong"),
        lazy_gettext("We could not complete this request. Nothing was saved. Please try again."),
    ),
}

# The API's names for fields the web forms call otherwise (docs/API.md).
API_FIELD_NAMES = {"delivery": "incoterm"}


def csrf_message() -> str:
    return str(
        lazy_gettext("The form expired or was sent from elsewhere. Reload the page and try again.")
    )


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/healthz", "/webhooks/")) or (
        request.accept_mimetypes.best == "application/json"
    )


# The API's machine codes by status, when the refusal names none of its own (docs/API.md).
API_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "not_allowed",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


def render_error(
    code: int,
    detail: str | None = None,
    field: str | None = None,
    *,
    path: str | None = None,
    error_code: str | None = None,
) -> tuple[Response | str, int]:
    title, message = ERROR_TEXT.get(code, ERROR_TEXT[500])
    if request.path.startswith("/api/"):
        # The API's one shape (docs/API.md): the status as a number (kept for the clients
        # written before "code"), a machine code, a message in the token owner's language,
        # and the field at fault: "field" its name, "path" where in the request it is.
        body: dict[str, Any] = {
            "error": code,
            "code": error_code or API_ERROR_CODES.get(code, "error"),
            "message": detail or str(message),
        }
        if field:
            body["field"] = API_FIELD_NAMES.get(field, field)
        if path or field:
            body["path"] = path or body["field"]
        return jsonify(body), code
    if _wants_json():
        return jsonify(error=str(title), message=detail or str(message)), code
    # A 403 page keeps its general words: the refusal may name rules the visitor's role
    # does not need to read.
    shown = message if code == 403 else detail or message
    return render_template("errors/error.html", code=code, title=title, message=shown), code
