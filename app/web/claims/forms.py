"""The claim forms. Field names are the services' so a refusal lands on its field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.services.claims import labels
from app.web.forms import CorridorForm, as_choices
from app.web.once import SubmissionKeyField


def _choices(names: dict) -> list:  # type: ignore[type-arg]
    return as_choices([(key.value, label) for key, label in names.items()])


class FileClaimForm(CorridorForm):
    """The claim; the lines' quantities and amounts come as ``quantity-<n>``/``amount-<n>``."""

    claim_type = SelectField(_l("What went wrong"), choices=_choices(labels.TYPES))
    statement = TextAreaField(
        _l("What happened"),
        [InputRequired(), Length(max=4000)],
        description=_l("The facts, with the figures your evidence shows."),
    )
    kind = SelectField(_l("Evidence"), choices=_choices(labels.EVIDENCE))
    file = FileField(_l("Evidence file (PDF or photo, up to 5 MB)"))
    lines = StringField()  # carries the lines' refusals; the inputs are per line


class EvidenceForm(CorridorForm):
    kind = SelectField(_l("What the file is"), choices=_choices(labels.EVIDENCE))
    description = StringField(_l("Description"), [Optional(), Length(max=300)])
    file = FileField(_l("File (PDF or photo, up to 5 MB)"), [FileRequired()])


class ResponseForm(CorridorForm):
    response = SelectField(_l("Your answer"), choices=_choices(labels.RESPONSES))
    proposed = StringField(
        _l("Refund you propose"),
        [Optional(), Length(max=40)],
        description=_l("Only for a partial refund, in the order's currency."),
    )
    note = TextAreaField(_l("Your explanation"), [Optional(), Length(max=4000)])


class NoteForm(CorridorForm):
    note = TextAreaField(_l("Note (optional)"), [Optional(), Length(max=4000)])


class PlainForm(CorridorForm):
    """A button: the CSRF token only."""


class InspectionForm(CorridorForm):
    body = SelectField(_l("Inspection body"), choices=_choices(labels.BODIES))
    body_name = StringField(_l("Name of another body"), [Optional(), Length(max=120)])


class ReportForm(CorridorForm):
    file = FileField(_l("Inspection report (PDF)"), [FileRequired()])


class DecisionForm(CorridorForm):
    remedy = SelectField(_l("Decision"), choices=_choices(labels.REMEDIES))
    amount = StringField(_l("Refund amount"), [Optional(), Length(max=40)])
    reason = TextAreaField(_l("Reason (both parties read it)"), [InputRequired(), Length(max=4000)])


class SettleForm(CorridorForm):
    bank_reference = StringField(
        _l("Bank reference of the transfer back"),
        [Optional(), Length(max=100)],
        description=_l("For money received by T/T: the reference of your transfer back."),
    )
    submission_key = SubmissionKeyField()
