from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length

from app.web.forms import CorridorForm


class AddUserForm(CorridorForm):
    full_name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[InputRequired()])
    locale = SelectField(_l("Language for e-mails"))


class RoleForm(CorridorForm):
    role = SelectField(_l("Role"), validators=[InputRequired()])


class ActiveForm(CorridorForm):
    """Deactivate or reactivate: the button says which; no fields beyond the CSRF token."""
