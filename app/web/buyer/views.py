"""The importer's workspace. Orders arrive with their issue."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from app.models import CompanyRole, User
from app.web.guards import guard_company_blueprint, signed_in_user

bp = Blueprint("buyer", __name__, url_prefix="/buyer")


def _buys(user: User) -> bool:
    return user.company is not None and user.company.buys


guard_company_blueprint(
    bp, frozenset({CompanyRole.OWNER, CompanyRole.PURCHASER, CompanyRole.VIEWER}), _buys
)


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("buyer/index.html", company=signed_in_user().company)


# Routes defined in sibling modules attach to ``bp``; importing them registers them.
from app.web.buyer import orders  # noqa: E402, F401
