"""Finance staff on either side. The invoice register arrives with its issue."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from app.models import CompanyRole
from app.web.guards import guard_company_blueprint, signed_in_user

bp = Blueprint("finance", __name__, url_prefix="/finance")
guard_company_blueprint(bp, frozenset({CompanyRole.OWNER, CompanyRole.FINANCE}))


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("finance/index.html", company=signed_in_user().company)
