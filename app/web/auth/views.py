"""Sign in and out, register a company, reset a forgotten password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from werkzeug.datastructures import FileStorage

from app.extensions import db, limiter, login_email_key
from app.i18n import SESSION_LOCALE_KEY, current_locale_code
from app.models import User
from app.security import safe_next_path
from app.services.accounts import auth
from app.services.accounts.companies import CompanyRegistration, register_company
from app.services.audit.recording import Actor
from app.services.licences import verification
from app.web.auth.forms import ForgotPasswordForm, LoginForm, RegistrationForm, ResetPasswordForm
from app.web.boundary import attempt
from app.web.forms import country_choices
from app.web.guards import acting, home_endpoint

bp = Blueprint("auth", __name__)


def _failed_login(response: object) -> bool:
    # Only failed attempts count towards the throttle: a successful sign-in redirects.
    return getattr(response, "status_code", 200) != 302


def _start_session(user: object) -> None:
    # A fresh session on sign-in (no fixation); the chosen language survives.
    locale = session.get(SESSION_LOCALE_KEY)
    session.clear()
    if locale:
        session[SESSION_LOCALE_KEY] = locale
    login_user(user)  # type: ignore[arg-type]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed_login,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=login_email_key,
    methods=["POST"],
    deduct_when=_failed_login,
)
def login() -> ResponseReturnValue:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next_path(request.args.get("next")) or ""
    if form.validate_on_submit():
        user = auth.authenticate(
            form.email.data or "", form.password.data or "", request.remote_addr
        )
        if user is not None:
            _start_session(user)
            target = safe_next_path(form.next.data) or url_for(home_endpoint(user))
            return redirect(target)
        # Answered, not raised: the failed attempt's audit row commits with this page.
        form.password.errors = [gettext("The e-mail or password is not right.")]
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        auth.end_all_sessions(acting())
        logout_user()
    flash(gettext("You are signed out."), "info")
    return redirect(url_for("public.landing"))


# The company documents the registration form takes (field name = evidence kind).
_EVIDENCE_AT_REGISTRATION = ("registration_certificate", "tax_registration")


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    form = RegistrationForm()
    form.country.choices = country_choices()
    if form.validate_on_submit():
        role = form.trade_role.data
        registration = CompanyRegistration(
            legal_name=form.legal_name.data or "",
            legal_name_local=form.legal_name_local.data,
            country=form.country.data or "",
            sells=role in ("sell", "both"),
            buys=role in ("buy", "both"),
            address=form.address.data or "",
            city=form.city.data or "",
            postal_code=form.postal_code.data,
            tax_id=form.tax_id.data or "",
            sales_tax_registration=form.sales_tax_registration.data,
            contact_email=form.contact_email.data or "",
            contact_phone=form.contact_phone.data,
            owner_name=form.owner_name.data or "",
            owner_email=form.owner_email.data or "",
            owner_password=form.owner_password.data or "",
            owner_locale=current_locale_code(),
        )
        uploads: list[tuple[str, FileStorage]] = []
        for kind in _EVIDENCE_AT_REGISTRATION:
            upload = form[kind].data
            if isinstance(upload, FileStorage) and upload.filename:
                uploads.append((kind, upload))

        def register_with_evidence() -> User:
            # One unit: a refused upload leaves no company behind (the form says why).
            owner = register_company(registration, Actor(None, request.remote_addr))
            for kind, upload in uploads:
                verification.upload_evidence(
                    db.session,
                    Actor(owner, request.remote_addr),
                    kind,
                    upload.stream,
                    upload.filename,
                    field=kind,
                )
            return owner

        registered = attempt(register_with_evidence, form)
        if registered.ok and registered.value is not None:
            _start_session(registered.value)
            flash(
                gettext(
                    "Your company is registered. The platform operator verifies it before"
                    " you can publish listings or place orders."
                ),
                "success",
            )
            return redirect(url_for("company.index"))
    return render_template("auth/register.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        auth.request_password_reset(form.email.data or "", request.remote_addr)
        # The same words whether or not the address has an account.
        flash(
            gettext(
                "If an account uses this address, we sent it a link to choose a new"
                " password. The link works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    if auth.user_for_reset_token(token) is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        new_password = form.password.data or ""
        reset = attempt(lambda: auth.reset_password(token, new_password, request.remote_addr), form)
        if reset.ok:
            logout_user()
            flash(gettext("Your password is changed. Sign in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
