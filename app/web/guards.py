"""One guard per blueprint: who may enter, decided before any view runs.

Guards ask the capability table (``app.services.accounts.capabilities``), as do the
templates (``can`` is a template global) and the services themselves.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.extensions import login_manager
from app.models import CompanyRole, User
from app.services.accounts.capabilities import Action, Side, can
from app.services.audit.recording import Actor


def acting() -> Actor:
    """The signed-in user (or nobody) and the client address, for services and the audit."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return Actor(user, request.remote_addr)


def signed_in_user() -> User:
    user: User = current_user._get_current_object()
    return user


def guard_blueprint(blueprint: Blueprint, action: Action | None) -> None:
    """Every view of ``blueprint`` needs a signed-in user who ``can`` take ``action``
    (None: any signed-in user).

    Anonymous visitors are sent to sign in; signed-in people without the right get 403.
    """

    @blueprint.before_request
    def _guard() -> ResponseReturnValue | None:
        if not current_user.is_authenticated:
            response: ResponseReturnValue = login_manager.unauthorized()
            return response
        if action is not None and not can(signed_in_user(), action):
            abort(403)
        return None


def home_endpoint(user: User) -> str:
    """Where a user lands after signing in."""
    if user.is_operator:
        return "operator.index"
    if user.authority_id is not None:
        return "authority.authority_index"
    # The owner lands on the area home with its "Waiting for you" counts (seller's or buyer's
    # below), not on company settings, which the header still links.
    landing = {
        CompanyRole.FINANCE: "finance.index",
        CompanyRole.SALES: "seller.index",
        CompanyRole.PURCHASER: "buyer.index",
    }
    if user.company_role in landing:
        return landing[user.company_role]
    return "seller.index" if user.company is not None and user.company.sells else "buyer.index"


def init_app(app: Flask) -> None:
    """Templates ask the same table before they show a button."""

    def template_can(action: Action | str, target: object = None) -> bool:
        return current_user.is_authenticated and can(signed_in_user(), action, target)

    def template_home() -> str:
        """The logo's target: a signed-in user's own home, anyone else the landing page."""
        if current_user.is_authenticated:
            return url_for(home_endpoint(signed_in_user()))
        return url_for("public.landing")

    app.jinja_env.globals.update(can=template_can, Action=Action, Side=Side, home_url=template_home)
