from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.services.finance.exchange_rates import MAX_IMPORT_ROWS
from app.web.forms import CorridorForm


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


class ExchangeRateForm(CorridorForm):
    """One day's rate as the operator types it; the service checks every field."""

    # Optional: an empty date reaches the service, whose message says what is missing.
    rate_date = DateField(_l("Date of the rate"), validators=[Optional()])
    base = StringField(
        _l("From currency"),
        validators=[Length(max=10)],
        description=_l("ISO 4217 code, e.g. USD"),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    quote = StringField(
        _l("Into currency"),
        validators=[Length(max=10)],
        description=_l("ISO 4217 code, e.g. PKR"),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    rate = StringField(
        _l("Rate"),
        validators=[Length(max=40)],
        description=_l("How many units of the second currency one unit of the first costs."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    source = StringField(
        _l("Source"),
        validators=[Length(max=100)],
        description=_l("Where the rate comes from, e.g. State Bank of Pakistan."),
    )


class ExchangeRateImportForm(CorridorForm):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose the file to import.")),
            FileAllowed(["csv"], _l("Upload a .csv file.")),
        ],
        description=_l(
            "UTF-8, comma-separated, at most %(rows)s rates per file.",
            rows=f"{MAX_IMPORT_ROWS:,}",
        ),
    )
