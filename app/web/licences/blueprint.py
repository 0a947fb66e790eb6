"""The licence blueprints (the holder's vault, the operator's review, the authority's view),
their guards and template helpers; the route modules attach their views to them.

Kept apart from the routes so each route module imports them without importing another.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.extensions import db
from app.services.accounts.capabilities import Action
from app.services.licences import authority as authority_service
from app.services.licences.needs import KIND_LABELS, limit_text
from app.web.guards import guard_blueprint, signed_in_user

bp = Blueprint("licences", __name__, url_prefix="/licences")
guard_blueprint(bp, Action.VIEW_LICENCES)

review_bp = Blueprint("licence_review", __name__, url_prefix="/operator/licences")
guard_blueprint(review_bp, Action.OPERATE)

authority_bp = Blueprint("authority", __name__, url_prefix="/authority")
guard_blueprint(authority_bp, Action.AUTHORITY_AREA)


@authority_bp.before_request
def _first_password_changed() -> ResponseReturnValue | None:
    """An authority account opened with a password the operator chose works only for
    changing it: the operator must not know a password that reads licences."""
    user = signed_in_user()
    if authority_service.first_password_pending(db.session, user):
        flash(
            gettext(
                "Your account was opened with a password set by the operator."
                " Choose your own password to go on."
            ),
            "warning",
        )
        return redirect(url_for("account.change_password"))
    return None


def _helpers() -> dict[str, object]:
    return {"kind_labels": KIND_LABELS, "limit_text": limit_text}


for _blueprint in (bp, review_bp, authority_bp):
    _blueprint.context_processor(_helpers)
