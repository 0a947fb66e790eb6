"""One guard per blueprint: who may enter, decided before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.extensions import login_manager
from app.models import CompanyRole, User
from app.services.audit.recording import Actor
from app.services.errors import DomainError


def acting() -> Actor:
    """The signed-in user (or nobody) and the client address, for services and the audit."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return Actor(user, request.remote_addr)


def signed_in_user() -> User:
    user: User = current_user._get_current_object()
    return user


def guard_blueprint(blueprint: Blueprint, allowed: Callable[[User], bool]) -> None:
    """Every view of ``blueprint`` needs a signed-in user for whom ``allowed`` holds.

    Anonymous visitors are sent to sign in; signed-in people without the right get 403.
    """

    @blueprint.before_request
    def _guard() -> ResponseReturnValue | None:
        if not current_user.is_authenticated:
            response: ResponseReturnValue = login_manager.unauthorized()
            return response
        if not allowed(signed_in_user()):
            abort(403)
        return None


def guard_company_blueprint(
    blueprint: Blueprint,
    roles: frozenset[CompanyRole],
    capability: Callable[[User], bool] | None = None,
) -> None:
    """Staff of a company (with ``capability``, e.g. it sells) in one of ``roles``."""

    def allowed(user: User) -> bool:
        if user.company is None or user.company_role not in roles:
            return False
        return capability is None or capability(user)

    guard_blueprint(blueprint, allowed)


def guard_operator_blueprint(blueprint: Blueprint) -> None:
    guard_blueprint(blueprint, lambda user: user.is_operator)


def guard_signed_in(blueprint: Blueprint) -> None:
    guard_blueprint(blueprint, lambda user: True)


def show_error_on_form(form: object, error: DomainError) -> bool:
    """Put a service's refusal on the form field it names; False if it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return False
    field.errors = [*field.errors, str(error)]
    return True


def home_endpoint(user: User) -> str:
    """Where a user lands after signing in."""
    if user.is_operator:
        return "operator.companies"
    landing = {
        CompanyRole.OWNER: "company.index",
        CompanyRole.FINANCE: "finance.index",
        CompanyRole.SALES: "seller.index",
        CompanyRole.PURCHASER: "buyer.index",
    }
    if user.company_role in landing:
        return landing[user.company_role]
    return "seller.index" if user.company is not None and user.company.sells else "buyer.index"
