"""The owner's view of every API token of the company: who holds it, its scope, when it was
made and last used, whether (and why) it is revoked; and revoking any of them.

Routes on the company blueprint (owner area, ``Action.COMPANY_AREA``); the service asks
``Action.MANAGE_API_TOKENS`` and audits. A token of another company is a 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.services.accounts import api_tokens
from app.web.company.views import bp
from app.web.forms import CorridorForm
from app.web.guards import acting


@bp.get("/api-tokens")
def api_tokens_overview() -> ResponseReturnValue:
    # A refusal (NotAllowed) reaches the boundary: its 403.
    return render_template(
        "company/api_tokens.html",
        tokens=api_tokens.company_tokens(acting()),
        scope_labels=api_tokens.SCOPE_LABELS,
        revocation_labels=api_tokens.REVOCATION_LABELS,
        revoke_form=CorridorForm(),
    )


@bp.post("/api-tokens/<public_id>/revoke")
def revoke_company_api_token(public_id: str) -> ResponseReturnValue:
    if not CorridorForm().validate_on_submit():
        abort(400)
    token = api_tokens.revoke_company_token(acting(), public_id)
    if token is None:
        abort(404)
    flash(
        gettext(
            "Token “%(name)s” of %(person)s is revoked.",
            name=token.name,
            person=token.user.full_name,
        ),
        "success",
    )
    return redirect(url_for("company.api_tokens_overview"))
