"""The supplier's workspace. Listings and orders arrive with their issues."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from app.web.guards import signed_in_user
from app.web.seller.blueprint import bp


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("seller/index.html", company=signed_in_user().company)
