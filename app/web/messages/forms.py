"""The message forms: write (text and files), correct within the grace period, report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.services.messaging.posting import MAX_BODY
from app.web.forms import CorridorForm


class MessageForm(CorridorForm):
    body = TextAreaField(_l("Message"), validators=[Length(max=MAX_BODY)])
    attachments = MultipleFileField(
        _l("Attach files (PDF or photos, up to 5 MB each)"),
        render_kw={"accept": "application/pdf,image/jpeg,image/png,image/webp"},
    )


class EditMessageForm(CorridorForm):
    body = TextAreaField(_l("Corrected message"), validators=[Length(max=MAX_BODY)])


class ReportForm(CorridorForm):
    reason = TextAreaField(
        _l("What is wrong?"),
        validators=[DataRequired(message=_l("Tell Corridor what is wrong.")), Length(max=MAX_BODY)],
    )
