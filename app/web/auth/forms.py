from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.services.accounts.passwords import MAX_LENGTH
from app.web.forms import CorridorForm, as_choices


class LoginForm(CorridorForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()


class RegistrationForm(CorridorForm):
    legal_name = StringField(
        _l("Legal name (English)"), validators=[DataRequired(), Length(max=200)]
    )
    legal_name_local = StringField(
        _l("Legal name in local script"),
        validators=[Optional(), Length(max=200)],
        description=_l("As registered, e.g. in Chinese or Urdu. Printed beside the English name."),
    )
    country = SelectField(_l("Country"), validators=[DataRequired()])
    trade_role = RadioField(
        _l("The company"),
        choices=as_choices(
            (("sell", _l("Sells")), ("buy", _l("Buys")), ("both", _l("Sells and buys")))
        ),
        validators=[DataRequired()],
    )
    address = TextAreaField(_l("Registered address"), validators=[DataRequired(), Length(max=500)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20)])
    tax_id = StringField(
        _l("Tax number"),
        validators=[DataRequired(), Length(max=40)],
        description=_l(
            "China: Unified Social Credit Code. Pakistan: NTN. Elsewhere: the tax number."
        ),
    )
    sales_tax_registration = StringField(
        _l("Sales tax registration number (STRN)"),
        validators=[Optional(), Length(max=20)],
        description=_l("Pakistan only, if registered for sales tax."),
    )
    contact_email = EmailField(
        _l("Company e-mail"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    contact_phone = StringField(_l("Company phone"), validators=[Optional(), Length(max=40)])
    owner_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=120)])
    owner_email = EmailField(
        _l("Your e-mail"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    owner_password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. A few unrelated words make a strong passphrase."),
    )
    owner_password_confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(),
            EqualTo("owner_password", message=_l("The passwords differ.")),
        ],
    )
    # Optional here: the operator verifies against them, and they may follow later from
    # the company's documents page. Stored as the same evidence records as those uploads.
    registration_certificate = FileField(
        _l("Registration certificate (PDF or picture, optional)"),
        description=_l("Certificate of incorporation (SECP) or business licence."),
    )
    tax_registration = FileField(
        _l("Tax registration (PDF or picture, optional)"),
        description=_l("NTN/STRN certificate, or the USCC business licence."),
    )


class ForgotPasswordForm(CorridorForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(CorridorForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    password_confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
