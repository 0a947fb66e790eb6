"""Form pieces several blueprints use."""

from __future__ import annotations

from typing import Any

import pycountry
from babel import Locale
from flask_babel import get_translations, lazy_gettext, lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, StringField

from app.i18n import LANGUAGE_NAMES, current_locale_code, timezone_choices
from app.models import CompanyRole

# Trade partners first, then everyone else alphabetically.
_FIRST_COUNTRIES = ("PK", "CN")


def as_choices(pairs: list[tuple[str, str]] | tuple[tuple[str, object], ...]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value, label) for value, label in pairs]


def country_choices() -> list[SelectChoice]:
    """ISO 3166 countries named in the viewer's language."""
    names = Locale.parse(current_locale_code()).territories
    rest = sorted(
        (
            (country.alpha_2, names.get(country.alpha_2, country.name))
            for country in pycountry.countries
            if country.alpha_2 not in _FIRST_COUNTRIES
        ),
        key=lambda pair: pair[1],
    )
    first = [(code, names.get(code, code)) for code in _FIRST_COUNTRIES]
    return as_choices(first + rest)


def language_choices(blank: bool = False) -> list[SelectChoice]:
    choices = list(LANGUAGE_NAMES.items())
    if blank:
        choices.insert(0, ("", str(lazy_gettext("Browser language"))))
    return as_choices(choices)


def timezone_select_choices() -> list[SelectChoice]:
    return [SelectChoice(name, name) for name in timezone_choices()]


ROLE_LABELS = {
    CompanyRole.OWNER: lazy_gettext("Owner"),
    CompanyRole.SALES: lazy_gettext("Sales"),
    CompanyRole.PURCHASER: lazy_gettext("Purchaser"),
    CompanyRole.FINANCE: lazy_gettext("Finance"),
    CompanyRole.VIEWER: lazy_gettext("Viewer"),
}


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class _BabelTranslations:
    """Routes WTForms' built-in messages through our own catalogs (Urdu included).

    The raw catalog is used: Flask-Babel's ngettext would fill in placeholders itself,
    and WTForms fills them in afterwards.
    """

    def gettext(self, string: str) -> str:
        return str(get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(get_translations().ungettext(singular, plural, n))


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class CorridorForm(FlaskForm):
    class Meta:
        def get_translations(self, form: object) -> _BabelTranslations:
            return _BabelTranslations()

        def bind_field(self, form: object, unbound_field: Any, options: dict[str, Any]) -> Any:
            # Text is stripped before validation, so "   " is as empty as "" (passwords
            # keep their spaces: they are the user's secret, character for character).
            filters = list(unbound_field.kwargs.get("filters", []))
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                filters.insert(0, _strip)
            return unbound_field.bind(form=form, filters=filters, **options)


# WTForms' own messages that our forms can show, listed so `pybabel extract` finds them.
_WTFORMS_MESSAGES = (
    lazy_gettext("This field is required."),
    lazy_gettext("Invalid email address."),
    lazy_gettext("Field must be equal to %(other_name)s."),
    lazy_gettext("Not a valid choice."),
    lazy_gettext("Invalid Choice: could not coerce."),
    lazy_gettext("Not a valid integer value."),
    lazy_gettext("Not a valid decimal value."),
    lazy_gettext("Not a valid date value."),
    lazy_gettext("Number must be at least %(min)s."),
    lazy_gettext("Number must be at most %(max)s."),
    lazy_gettext("Number must be between %(min)s and %(max)s."),
    lazy_gettext("Field must be between %(min)d and %(max)d characters long."),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
    lazy_ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
)
