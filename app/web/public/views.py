"""The landing page, the language switcher and the health check."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.database import database_reachable
from app.i18n import SESSION_LOCALE_KEY, supported_locale
from app.security import safe_next_path

bp = Blueprint("public", __name__)


@bp.get("/")
def landing() -> str:
    return render_template("public/landing.html")


@bp.post("/language")
def set_language() -> WerkzeugResponse:
    """Switch language: remembered on the account when signed in, else in the session."""
    locale = supported_locale(request.form.get("locale"))
    if locale is not None:
        session[SESSION_LOCALE_KEY] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
    back = safe_next_path(request.form.get("next")) or url_for("public.landing")
    return redirect(back)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico at the root whatever the page links; served from static
    (read whole: a few kilobytes, and no file handle is left to the response to close)."""
    static_folder = current_app.static_folder
    assert static_folder is not None  # the app factory sets it
    icon = Path(static_folder, "favicon.ico").read_bytes()
    response = current_app.response_class(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.max_age = 86400
    response.cache_control.public = True
    return response


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    if not database_reachable():
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
