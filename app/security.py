"""Sessions, security headers and the small checks every request relies on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from app.database import write_intent
from app.extensions import login_manager
from app.services.accounts.auth import session_user

CSP_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}


def content_security_policy(**extra: tuple[str, ...]) -> str:
    """The site's policy, with ``extra`` sources added (``frame_src=(...)`` for frame-src)."""
    directives = dict(CSP_DIRECTIVES)
    for name, sources in extra.items():
        key = name.replace("_", "-")
        directives[key] = (*directives.get(key, ()), *sources)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


CONTENT_SECURITY_POLICY = content_security_policy()


ViewT = TypeVar("ViewT", bound=Callable[..., Any])


def writes_on_get(view: ViewT) -> ViewT:
    """Mark a GET view that may write (a document frozen on first download).

    SQLite cannot turn a reader into a writer while another request writes: the upgrade
    fails at once with "database is locked". Such views take the write lock first, as
    POSTs do.
    """
    view.writes = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("PROXY_FIX_X_FOR", 0) or 0)
    if proxies:
        # Only behind a known number of reverse proxies is X-Forwarded-For trustworthy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.login_message_category = "info"
    # The cookie holds ``public_id:session_version``: a cookie minted before the user's
    # last logout or password change names an older version and loads nobody.
    login_manager.user_loader(session_user)

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please sign in to open that page.")  # type: ignore[assignment]

    @app.before_request
    def _declare_writes() -> None:
        # Requests that change things lock SQLite for writing from their first statement.
        view = app.view_functions.get(request.endpoint or "")
        if request.method not in ("GET", "HEAD", "OPTIONS") or getattr(view, "writes", False):
            g.write_intent = write_intent()
            g.write_intent.__enter__()

    @app.teardown_request
    def _end_write_intent(exc: BaseException | None) -> None:
        intent = g.pop("write_intent", None)
        if intent is not None:
            intent.__exit__(None, None, None)

    @app.before_request
    def _refuse_nul_characters() -> None:
        # NUL is never meaningful in a form or query, and PostgreSQL refuses it in text.
        for values in (request.args, request.form):
            for value in values.values():
                if "\x00" in value:
                    abort(400)

    @app.after_request
    def _bound_pending_messages(response: Response) -> Response:
        # Messages wait in the session cookie until a page shows them. A client that never
        # follows the redirects (a script, a double-clicking user) would grow the cookie past
        # what browsers keep, and be signed out: keep each distinct message once, and the
        # latest few.
        pending = session.get("_flashes")
        if pending and len(pending) > 1:
            distinct = list(dict.fromkeys(tuple(item) for item in pending))
            if len(distinct) != len(pending) or len(distinct) > MAX_PENDING_MESSAGES:
                session["_flashes"] = distinct[-MAX_PENDING_MESSAGES:]
        return response

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


MAX_PENDING_MESSAGES = 5


def session_id_if_protected() -> str | None:
    """The session's user id, for views that check it in their own statement instead of
    loading ``current_user``; None when the session names nobody.

    Flask-Login's own check runs first: with strong protection a cookie presented from
    another address or browser is emptied here exactly as when current_user is loaded.
    Unlike current_user this never falls back to a remember-me cookie: we never set one
    (``login_user`` without ``remember``); turning remember-me on means handling it here.
    """
    if login_manager._session_protection_failed():
        return None
    session_id = session.get("_user_id")
    return session_id if isinstance(session_id, str) else None


def safe_next_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    # Browsers treat a backslash like a slash, so "/\\evil.example" is another host.
    candidate = target.strip().replace("\\", "/")
    if any(ord(char) < 32 for char in candidate):
        return None
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or not candidate.startswith("/") or candidate.startswith("//"):
        return None
    return candidate


def client_address() -> str | None:
    return request.remote_addr if request else None
