from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from app.web.forms import CorridorForm


class AddUserForm(CorridorForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    locale = SelectField(_l("Language for e-mails"))


class RoleForm(CorridorForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])


class ActiveForm(CorridorForm):
    """Deactivate or reactivate: the button says which; no fields beyond the CSRF token."""


class BankDetailsForm(CorridorForm):
    beneficiary = StringField(_l("Beneficiary (account holder)"), validators=[Length(max=200)])
    bank_name = StringField(_l("Bank"), validators=[Length(max=200)])
    account = StringField(_l("Account number or IBAN"), validators=[Length(max=60)])
    swift = StringField(_l("SWIFT/BIC"), validators=[Length(max=20)])
    address = TextAreaField(_l("Bank branch address"), validators=[Length(max=500)])
