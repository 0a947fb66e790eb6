"""The company owner's pages: company profile and the people who work in it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.i18n import current_locale_code
from app.models import CompanyRole, User
from app.models.base import utcnow
from app.services.accounts import users
from app.services.accounts.capabilities import Action
from app.services.accounts.companies import (
    BankDetails,
    set_company_timezone,
    set_reporting_currency,
)
from app.services.accounts.emergency_contact import set_emergency_contact
from app.services.accounts.tax_ids import tax_id_label
from app.services.orders.bank_changes import change_bank_details
from app.time_zones import zone_label
from app.web.boundary import attempt
from app.web.company.forms import (
    ActiveForm,
    AddUserForm,
    BankDetailsForm,
    EmergencyContactForm,
    ReportingCurrencyForm,
    RoleForm,
    TimeZoneForm,
    currency_choices,
)
from app.web.forms import ROLE_LABELS, language_choices, role_choices, timezone_select_choices
from app.web.guards import acting, guard_blueprint, signed_in_user

bp = Blueprint("company", __name__, url_prefix="/company")
guard_blueprint(bp, Action.COMPANY_AREA)


def _company_user(public_id: str) -> User:
    user = users.get_company_user(signed_in_user().company_id or 0, public_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
def index() -> ResponseReturnValue:
    owner = signed_in_user()
    company = owner.company
    assert company is not None
    role_form = RoleForm()
    role_form.role.choices = role_choices()
    return render_template(
        "company/index.html",
        company=company,
        tax_id_label=tax_id_label(company.country),
        zone_name=zone_label(company.timezone, current_locale_code(), utcnow().date()),
        people=users.company_users(company.id),
        role_labels=ROLE_LABELS,
        role_form=role_form,
        active_form=ActiveForm(),
    )


@bp.route("/bank", methods=["GET", "POST"])
def bank_details() -> ResponseReturnValue:
    company = signed_in_user().company
    assert company is not None
    form = BankDetailsForm()
    if not form.is_submitted():
        form.beneficiary.data = company.bank_beneficiary
        form.bank_name.data = company.bank_name
        form.account.data = company.bank_account
        form.swift.data = company.bank_swift
        form.address.data = company.bank_address
    if form.validate_on_submit():
        details = BankDetails(
            beneficiary=form.beneficiary.data,
            bank_name=form.bank_name.data,
            account=form.account.data,
            swift=form.swift.data,
            address=form.address.data,
        )
        if attempt(lambda: change_bank_details(acting(), company, details), form).ok:
            flash(gettext("Bank details saved. New invoices will show them."), "success")
            return redirect(url_for("company.index"))
    return render_template("company/bank.html", form=form)


@bp.route("/reporting-currency", methods=["GET", "POST"])
def reporting_currency() -> ResponseReturnValue:
    company = signed_in_user().company
    assert company is not None
    form = ReportingCurrencyForm()
    form.currency.choices = currency_choices()
    if not form.is_submitted():
        form.currency.data = company.reporting_currency
    if form.validate_on_submit():
        currency = form.currency.data or ""
        if attempt(lambda: set_reporting_currency(acting(), company, currency), form).ok:
            flash(
                gettext(
                    "Reporting currency set to %(currency)s. Invoices issued from now on use it.",
                    currency=company.reporting_currency,
                ),
                "success",
            )
            return redirect(url_for("company.index"))
    return render_template("company/reporting_currency.html", form=form)


@bp.route("/emergency-contact", methods=["GET", "POST"])
def emergency_contact() -> ResponseReturnValue:
    company = signed_in_user().company
    assert company is not None
    form = EmergencyContactForm()
    if not form.is_submitted():
        form.name.data = company.emergency_contact_name
        form.phone.data = company.emergency_contact_phone
    if form.validate_on_submit():
        name, phone = form.name.data or "", form.phone.data or ""
        if attempt(lambda: set_emergency_contact(acting(), company, name, phone), form).ok:
            flash(
                gettext("Emergency contact saved. Dangerous-goods declarations print it."),
                "success",
            )
            return redirect(url_for("company.index"))
    return render_template("company/emergency_contact.html", form=form)


@bp.route("/time-zone", methods=["GET", "POST"])
def time_zone() -> ResponseReturnValue:
    company = signed_in_user().company
    assert company is not None
    form = TimeZoneForm()
    form.timezone.choices = timezone_select_choices(company.country)
    if not form.is_submitted():
        form.timezone.data = company.timezone
    if form.validate_on_submit():
        zone = form.timezone.data or ""
        if attempt(lambda: set_company_timezone(acting(), company, zone), form).ok:
            flash(
                gettext(
                    "Time zone set to %(zone)s. Documents issued from now on are dated by it.",
                    zone=zone_label(company.timezone, current_locale_code(), utcnow().date()),
                ),
                "success",
            )
            return redirect(url_for("company.index"))
    return render_template("company/time_zone.html", form=form)


@bp.route("/users/new", methods=["GET", "POST"])
def add_user() -> ResponseReturnValue:
    form = AddUserForm()
    form.role.choices = role_choices()
    form.locale.choices = language_choices()
    if form.validate_on_submit():
        added = attempt(
            lambda: users.add_user(
                acting(),
                email=form.email.data or "",
                full_name=form.full_name.data or "",
                role=CompanyRole(form.role.data),
                locale=form.locale.data,
            ),
            form,
        )
        if added.ok:
            flash(gettext("User added. We e-mailed them a link to choose a password."), "success")
            return redirect(url_for("company.index"))
    return render_template("company/add_user.html", form=form)


@bp.post("/users/<public_id>/role")
def change_role(public_id: str) -> ResponseReturnValue:
    user = _company_user(public_id)
    form = RoleForm()
    form.role.choices = role_choices()
    if form.validate_on_submit():
        role = CompanyRole(form.role.data)
        # The refusal is flashed over the company page, not shown on this one-field form.
        if attempt(lambda: users.change_role(acting(), user, role)).ok:
            flash(gettext("Role changed for %(name)s.", name=user.full_name), "success")
    else:
        flash(gettext("Choose a role from the list."), "danger")
    return redirect(url_for("company.index"))


@bp.post("/users/<public_id>/deactivate")
def deactivate(public_id: str) -> ResponseReturnValue:
    return _set_active(public_id, False)


@bp.post("/users/<public_id>/reactivate")
def reactivate(public_id: str) -> ResponseReturnValue:
    return _set_active(public_id, True)


def _set_active(public_id: str, active: bool) -> ResponseReturnValue:
    user = _company_user(public_id)
    if not ActiveForm().validate_on_submit():
        abort(400)
    if attempt(lambda: users.set_active(acting(), user, active)).ok:
        message = (
            gettext("%(name)s can sign in again.", name=user.full_name)
            if active
            else gettext("%(name)s is deactivated and signed out.", name=user.full_name)
        )
        flash(message, "success")
    return redirect(url_for("company.index"))
