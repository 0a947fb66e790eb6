"""The supplier's workspace. Listings and orders arrive with their issues."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from app.models import CompanyRole, User
from app.web.guards import guard_company_blueprint, signed_in_user

bp = Blueprint("seller", __name__, url_prefix="/seller")


def _sells(user: User) -> bool:
    return user.company is not None and user.company.sells


guard_company_blueprint(
    bp, frozenset({CompanyRole.OWNER, CompanyRole.SALES, CompanyRole.VIEWER}), _sells
)


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("seller/index.html", company=signed_in_user().company)


# Routes defined in sibling modules attach to ``bp``; importing them registers them.
from app.web.seller import bulk, images, listings  # noqa: E402, F401
