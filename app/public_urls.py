"""Absolute addresses of the site, for what leaves it: e-mails, QR codes and PDF links.

One setting decides them: ``PUBLIC_BASE_URL`` (production refuses to start without it,
so a forged Host header never reaches a password-reset e-mail). In development, when it
is unset, the address is the one the site is being served at: the request's own, or
outside a request (a job run by this process) the last one a request came in on; before
any request (a command such as ``flask seed``) it is Flask's default address.
"""

from __future__ import annotations

from flask import current_app, g, has_request_context

# What ``flask run`` and ``make run`` serve on when nothing else is said.
DEVELOPMENT_DEFAULT = "http://127.0.0.1:5000"
SERVING_BASE_KEY = "SERVING_BASE_URL"


def public_base_url() -> str:
    """The site's address without a trailing slash (``https://corridor.example``)."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context() and g.get("serving_base_url"):
        return str(g.serving_base_url)
    return str(current_app.config.get(SERVING_BASE_KEY) or DEVELOPMENT_DEFAULT)


def absolute_url(path: str) -> str:
    """``path`` (``/verify/abc``) on the site's public address."""
    return f"{public_base_url()}/{path.lstrip('/')}"


def remember_serving_base(host_url: str) -> None:
    """Called by the app's request hook with the request's ``host_url`` when
    ``PUBLIC_BASE_URL`` is unset (development): links follow the address in use."""
    base = host_url.rstrip("/")
    g.serving_base_url = base
    current_app.config[SERVING_BASE_KEY] = base
