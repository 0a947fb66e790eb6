"""Form pieces several blueprints use."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pycountry
from babel import Locale
from flask_babel import get_translations, lazy_gettext, lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField, PasswordField, SelectChoice, StringField
from wtforms import Form as PlainForm
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from app.i18n import LANGUAGE_NAMES, current_locale_code
from app.models import CompanyRole
from app.models.base import utcnow
from app.numbers import BIGINT_MAX, NumberProblem, parse_decimal
from app.time_zones import zone_options

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


def timezone_select_choices(
    first_country: str | None, blank: str | None = None
) -> list[SelectChoice]:
    """The zones grouped (``first_country``'s first, then UTC, then by region) and named in
    the viewer's language; ``blank`` labels an empty first choice (follow the company)."""
    options = zone_options(current_locale_code(), first_country, utcnow().date())
    choices = [SelectChoice(option.zone, option.label, optgroup=option.group) for option in options]
    if blank is not None:
        choices.insert(0, SelectChoice("", blank))
    return choices


ROLE_LABELS = {
    CompanyRole.OWNER: lazy_gettext("Owner"),
    CompanyRole.SALES: lazy_gettext("Sales"),
    CompanyRole.PURCHASER: lazy_gettext("Purchaser"),
    CompanyRole.FINANCE: lazy_gettext("Finance"),
    CompanyRole.VIEWER: lazy_gettext("Viewer"),
}


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


# More pages than any list here has; the queries clamp to their own last page.
MAX_PAGE_NUMBER = 999_999


class ExactDecimalField(Field):
    """A number people type, read by ``app.numbers.parse_decimal`` and nothing else.

    ``places`` is the most decimals, ``minimum`` and ``maximum`` bound the value (at most
    what its column holds). ``data`` is the exact Decimal, or None when the box is empty or
    holds no number we accept; then the parser's message is the field's error and no
    other validator runs. Blank input is for ``Optional``/``InputRequired`` to judge
    (``DataRequired`` would call 0 missing). ``limit`` changes the rule after the form is
    built (a currency's decimals known only then); ``validate`` reads the text again.
    """

    widget = TextInput()

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        places: int,
        minimum: Decimal | int | None = 0,
        maximum: Decimal | int | None = BIGINT_MAX,
        **kwargs: Any,
    ) -> None:
        kwargs["render_kw"] = {
            "inputmode": self._input_mode(places),
            **(kwargs.get("render_kw") or {}),
        }
        super().__init__(label, validators, **kwargs)
        self.places, self.minimum, self.maximum = places, minimum, maximum
        self.problem: str | None = None

    @staticmethod
    def _input_mode(places: int) -> str:
        return "numeric" if places == 0 else "decimal"

    def limit(
        self,
        *,
        places: int | None = None,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int | None = None,
    ) -> None:
        """Tighten the rule (None keeps a bound as it is) and read the text again."""
        if places is not None:
            self.places = places
        if minimum is not None:
            self.minimum = minimum
        if maximum is not None:
            self.maximum = maximum
        self._read()

    def _convert(self, value: Decimal) -> Any:
        return value

    def _read(self) -> None:
        self.problem = None
        text = self.raw_data[0] if self.raw_data else ""
        if not str(text).strip():
            return  # blank: the default stays, and Optional or InputRequired judge
        try:
            value = parse_decimal(
                str(text), places=self.places, minimum=self.minimum, maximum=self.maximum
            )
        except NumberProblem as problem:
            self.data, self.problem = None, str(problem)
            return
        self.data = self._convert(value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            self._read()

    def pre_validate(self, form: Any) -> None:
        if self.raw_data:
            self._read()
        if self.problem is not None:
            raise StopValidation(self.problem)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else format(self.data, "f")


class WholeNumberField(ExactDecimalField):
    """A count, a quantity, a page: ``ExactDecimalField`` with no decimals; ``data`` is an int."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, places=0, **kwargs)

    def _convert(self, value: Decimal) -> Any:
        return int(value)


def page_number(text: str | None, maximum: int = MAX_PAGE_NUMBER) -> int:
    """The page a list's URL asks for (``?page=3``), by the one number rule; 1 when it
    names none (blank, 0, ``+3``, ``٣``, ``sNaN``): a link is never an error page."""
    try:
        return int(parse_decimal(text or "", places=0, minimum=1, maximum=maximum))
    except NumberProblem:
        return 1


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


class RowForm(PlainForm):
    """A row (sub-form) inside a CSRF-protected form: it needs no token of its own, and
    speaks the reader's language like the outer form."""

    class Meta:
        def get_translations(self, form: object) -> object:
            return _BabelTranslations()


def form_problems(form: Any) -> list[str]:
    """Every error on ``form``'s fields, rows of its tables included, in page order: what
    the summary at the top of a long form lists. Read from the fields themselves, as a
    view may add a service's refusal to a row's field after validation."""
    found: list[str] = []
    for item in form:
        if isinstance(item, FieldList):
            found += [error for error in item.errors if isinstance(error, str)]
            for entry in item:
                found += form_problems(entry.form) if isinstance(entry, FormField) else entry.errors
        elif isinstance(item, FormField):
            found += form_problems(item.form)
        else:
            found += [error for error in item.errors if isinstance(error, str)]
    return found
