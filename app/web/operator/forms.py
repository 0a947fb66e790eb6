from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.web.forms import CorridorForm, as_choices


class VerificationForm(CorridorForm):
    decision = RadioField(
        _l("Decision"),
        choices=as_choices((("verified", _l("Verify")), ("suspended", _l("Suspend")))),
        validators=[DataRequired()],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Required for a suspension; the company sees it."),
    )


class AuditFilterForm(CorridorForm):
    class Meta:
        csrf = False  # a GET filter: nothing changes, and the URL stays shareable

    action = SelectField(_l("Action"), validators=[Optional()])
    actor_email = StringField(_l("Actor e-mail"), validators=[Optional(), Length(max=254)])
    company = SelectField(_l("Company"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


class ListingModerationForm(CorridorForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=1000)],
        description=_l("The seller sees it on the listing."),
    )
