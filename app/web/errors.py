"""Translated error pages (HTML) and JSON errors for machine clients."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.database import rollback

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
    413: (
        lazy_gettext("Too large"),
        lazy_gettext("The upload is larger than allowed. Files may be at most 5 MB."),
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


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/healthz", "/webhooks/")) or (
        request.accept_mimetypes.best == "application/json"
    )


def render_error(code: int, detail: str | None = None) -> tuple[Response | str, int]:
    title, message = ERROR_TEXT.get(code, ERROR_TEXT[500])
    if request.path.startswith("/api/"):
        # The API's own shape (docs/API.md): the status as a number, and a message.
        return jsonify(error=code, message=detail or str(message)), code
    if _wants_json():
        return jsonify(error=str(title), message=detail or str(message)), code
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[Response | str, int]:
        return render_error(
            400,
            str(
                lazy_gettext(
                    "The form expired or was sent from elsewhere. Reload the page and try again."
                )
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Response | str, int] | HTTPException:
        code = error.code or 500
        if code < 400:
            return error
        return render_error(code)

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> tuple[Response | str, int]:
        rollback()
        return render_error(500)
