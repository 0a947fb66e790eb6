"""The importer's workspace. Orders arrive with their issue."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from app.web.buyer.blueprint import bp
from app.web.guards import signed_in_user


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("buyer/index.html", company=signed_in_user().company)
