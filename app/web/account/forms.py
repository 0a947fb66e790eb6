from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.services.accounts.passwords import MAX_LENGTH
from app.web.forms import CorridorForm


class ProfileForm(CorridorForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"))
    # Empty follows the company's zone (an operator's: UTC).
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Times on every page are shown in this zone, with its name."),
    )


class PasswordChangeForm(CorridorForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. Other sessions of yours will be signed out."),
    )
    new_password_confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class ApiTokenForm(CorridorForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("Where it is used, e.g. “SAP purchasing”."),
    )
    # An ERP script that posts only a name gets a personal token, as before scopes.
    scope = SelectField(
        _l("What it may do"),
        default="personal",
        description=_l(
            "Every scope reads. Orders and listings add those writes; read only writes nothing."
        ),
    )
