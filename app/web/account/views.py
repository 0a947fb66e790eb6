"""Every signed-in person's own profile: name, language, time zone, password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import login_user

from app.database import commit
from app.i18n import SESSION_LOCALE_KEY
from app.services import users
from app.services.errors import ValidationFailed
from app.web.account.forms import PasswordChangeForm, ProfileForm
from app.web.forms import language_choices, timezone_select_choices
from app.web.guards import acting, guard_signed_in, show_error_on_form, signed_in_user

bp = Blueprint("account", __name__, url_prefix="/account")
guard_signed_in(bp)


@bp.route("/", methods=["GET", "POST"])
def profile() -> ResponseReturnValue:
    user = signed_in_user()
    form = ProfileForm(obj=user)
    form.locale.choices = language_choices(blank=True)
    form.timezone.choices = timezone_select_choices()
    if form.validate_on_submit():
        try:
            users.update_profile(
                user,
                full_name=form.full_name.data or "",
                locale=form.locale.data or None,
                timezone=form.timezone.data or "UTC",
            )
        except ValidationFailed as error:
            if not show_error_on_form(form, error):
                flash(str(error), "danger")
        else:
            commit()
            session.pop(SESSION_LOCALE_KEY, None)
            flash(gettext("Your profile is saved."), "success")
            return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form, password_form=PasswordChangeForm())


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            users.change_password(
                acting(), form.current_password.data or "", form.new_password.data or ""
            )
        except ValidationFailed as error:
            if not show_error_on_form(form, error):
                flash(str(error), "danger")
        else:
            commit()
            # This session continues under the new session version; all others end.
            login_user(signed_in_user())
            flash(
                gettext("Your password is changed. Your other sessions are signed out."), "success"
            )
            return redirect(url_for("account.profile"))
    return render_template("account/password.html", form=form)
