from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
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
