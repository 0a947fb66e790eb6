from __future__ import annotations

import pycountry
from babel import Locale
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from app.i18n import current_locale_code
from app.money import InvalidCurrency, normalize_currency
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


# The corridor's own currencies first, then the usual invoicing currencies.
_FIRST_CURRENCIES = ("PKR", "CNY", "USD", "EUR")


def currency_choices() -> list[SelectChoice]:
    """ISO 4217 currencies one can trade in, named in the viewer's language."""
    names = Locale.parse(current_locale_code()).currencies
    tradable = []
    for currency in pycountry.currencies:
        try:
            tradable.append(normalize_currency(currency.alpha_3))
        except InvalidCurrency:
            continue  # gold, testing codes, SDR ...
    rest = sorted(code for code in set(tradable) if code not in _FIRST_CURRENCIES)
    return [
        SelectChoice(code, f"{code} — {names.get(code, code)}")
        for code in (*_FIRST_CURRENCIES, *rest)
    ]


class ReportingCurrencyForm(CorridorForm):
    currency = SelectField(
        _l("Reporting currency"),
        validators=[DataRequired()],
        description=_l("The currency your books are kept in."),
    )


class EmergencyContactForm(CorridorForm):
    name = StringField(
        _l("Name or service"),
        validators=[Length(max=120)],
        description=_l(
            "Who answers, e.g. the plant's duty officer or an emergency response service."
        ),
    )
    phone = StringField(
        _l("24-hour telephone"),
        validators=[Length(max=40)],
        description=_l("With the country code; answered day and night while your goods travel."),
    )


class TimeZoneForm(CorridorForm):
    timezone = SelectField(
        _l("Time zone"),
        validators=[DataRequired()],
        description=_l(
            "Your documents' dates and numbering years, due dates and aging follow this"
            " zone's day. Your people see times in it unless they choose their own."
        ),
    )
