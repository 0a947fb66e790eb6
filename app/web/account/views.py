"""Every signed-in person's own profile: name, language, time zone, password."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import login_user
from wtforms import SelectChoice

from app.i18n import SESSION_LOCALE_KEY, current_locale_code
from app.models import User
from app.models.api_token import ApiTokenScope
from app.models.base import utcnow
from app.services.accounts import api_tokens, users
from app.services.accounts.capabilities import Action, can
from app.time_zones import zone_label
from app.web.account.forms import ApiTokenForm, PasswordChangeForm, ProfileForm
from app.web.boundary import attempt
from app.web.forms import CorridorForm, language_choices, timezone_select_choices
from app.web.guards import acting, guard_blueprint, signed_in_user

bp = Blueprint("account", __name__, url_prefix="/account")
guard_blueprint(bp, None)


@bp.route("/", methods=["GET", "POST"])
def profile() -> ResponseReturnValue:
    user = signed_in_user()
    form = ProfileForm(obj=user)
    form.locale.choices = language_choices(blank=True)
    form.timezone.choices = _zone_choices(user)
    if not form.is_submitted():
        form.timezone.data = user.timezone or ""
    if form.validate_on_submit():
        saved = attempt(
            lambda: users.update_profile(
                user,
                full_name=form.full_name.data or "",
                locale=form.locale.data or None,
                timezone=form.timezone.data or None,
            ),
            form,
        )
        if saved.ok:
            session.pop(SESSION_LOCALE_KEY, None)
            flash(gettext("Your profile is saved."), "success")
            return redirect(url_for("account.profile"))
    return render_template(
        "account/profile.html",
        form=form,
        password_form=PasswordChangeForm(),
        may_hold_tokens=_may_hold_tokens(),
    )


def _zone_choices(user: User) -> list[SelectChoice]:
    """The company's country's zones first; the empty choice follows the company's zone."""
    locale, today = current_locale_code(), utcnow().date()
    company = user.company
    if company is None:
        follow = gettext("Platform default: %(zone)s", zone=zone_label("UTC", locale, today))
        return timezone_select_choices(None, follow)
    follow = gettext(
        "Follow my company: %(zone)s", zone=zone_label(company.timezone, locale, today)
    )
    return timezone_select_choices(company.country, follow)


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        changed = attempt(
            lambda: users.change_password(
                acting(), form.current_password.data or "", form.new_password.data or ""
            ),
            form,
        )
        if changed.ok:
            # This session continues under the new session version; all others end.
            login_user(signed_in_user())
            flash(
                gettext("Your password is changed. Your other sessions are signed out."), "success"
            )
            return redirect(url_for("account.profile"))
    return render_template("account/password.html", form=form)


def _may_hold_tokens() -> bool:
    # A token acts as its holder for an ERP: buying or selling staff and owners hold them,
    # finance staff read-only ones (``api_tokens.scopes_for`` offers only those).
    return can(signed_in_user(), Action.HOLD_API_TOKEN)


def _token_form(*, blank: bool = False) -> ApiTokenForm:
    form = ApiTokenForm(formdata=None) if blank else ApiTokenForm()
    form.scope.choices = [
        (scope.value, str(api_tokens.SCOPE_LABELS[scope]))
        for scope in api_tokens.scopes_for(signed_in_user())
    ]
    return form


@bp.route("/api-tokens", methods=["GET", "POST"])
def api_token_list() -> ResponseReturnValue:
    """Tokens for the buyer's ERP: made here, shown once, revoked here."""
    if not _may_hold_tokens():
        abort(403)
    form = _token_form()
    secret: str | None = None
    if form.validate_on_submit():
        created = attempt(
            lambda: api_tokens.create_token(
                acting(), form.name.data or "", form.scope.data or ApiTokenScope.PERSONAL
            ),
            form,
        )
        if created.value is not None:
            _, secret = created.value
            form = _token_form(blank=True)
    # The secret is rendered into this one answer, never kept in the session or a redirect,
    # and no cache keeps the page that shows it.
    response = make_response(
        render_template(
            "account/api_tokens.html",
            form=form,
            secret=secret,
            tokens=api_tokens.active_tokens(signed_in_user()),
            revoked_tokens=api_tokens.recently_revoked_tokens(signed_in_user()),
            scope_labels=api_tokens.SCOPE_LABELS,
            # Finance staff hold read-only tokens: the page explains reading, not ordering.
            writes=can(signed_in_user(), Action.HOLD_WRITING_API_TOKEN),
            revocation_labels=api_tokens.REVOCATION_LABELS,
            revoke_form=CorridorForm(),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/api-tokens/<public_id>/revoke")
def revoke_api_token(public_id: str) -> ResponseReturnValue:
    if not _may_hold_tokens():
        abort(403)
    token = api_tokens.revoke_token(acting(), public_id)
    if token is None:
        abort(404)
    flash(gettext("Token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("account.api_token_list"))
