"""The supplier's workspace. Listings and orders arrive with their issues."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from app.models import CompanyRole, Product, User
from app.services.listings.editing import seller_product
from app.web.guards import guard_company_blueprint, signed_in_user

bp = Blueprint("seller", __name__, url_prefix="/seller")


def _sells(user: User) -> bool:
    return user.company is not None and user.company.sells


guard_company_blueprint(
    bp, frozenset({CompanyRole.OWNER, CompanyRole.SALES, CompanyRole.VIEWER}), _sells
)


def own_listing(public_id: str) -> Product:
    """A listing of the signed-in user's company; anyone else's answers 404."""
    product = seller_product(signed_in_user().company_id or 0, public_id)
    if product is None:
        abort(404)
    return product


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("seller/index.html", company=signed_in_user().company)


# Routes defined in sibling modules attach to ``bp``; importing them registers them.
from app.web.seller import bulk, images, listings, orders  # noqa: E402, F401
