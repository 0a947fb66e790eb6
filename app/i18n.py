"""Languages: English, Simplified Chinese and Urdu (right to left)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_datetime, format_number, get_locale, get_timezone, to_user_timezone
from flask_login import current_user
from markupsafe import Markup, escape

from app.extensions import babel
from app.money import InvalidCurrency, Money
from app.reference.reader_text import company_name, in_reader_language, local_name
from app.reference.trade_codes import PACKAGE_TYPES
from app.reference.units import quantity_places, unit_amount, unit_rule, unit_word
from app.time_zones import viewer_zone_name, zone_abbreviation

# Locale code -> name of the language in that language (what the switcher shows).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh_Hans": "简体中文", "ur": "اردو"}
RTL_LANGUAGES = frozenset({"ur"})
SESSION_LOCALE_KEY = "locale"


def supported_locale(value: str | None) -> str | None:
    """Map a requested language tag onto one we have (``zh-CN`` -> ``zh_Hans``)."""
    if not value:
        return None
    tag = value.replace("-", "_").strip()
    if tag in LANGUAGE_NAMES:
        return tag
    primary = tag.split("_")[0].lower()
    if primary == "zh":
        # Traditional-script tags are not served Simplified; they fall through to English.
        return None if any(part in tag for part in ("Hant", "TW", "HK", "MO")) else "zh_Hans"
    return primary if primary in LANGUAGE_NAMES else None


def select_locale() -> str:
    """The user's choice, then the session's, then Accept-Language, then English."""
    if not has_request_context():  # command line and jobs: the default language
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if current_user and current_user.is_authenticated and current_user.locale:
        chosen = supported_locale(current_user.locale)
        if chosen:
            return chosen
    # An API call answers in its token owner's language (set by app.web.api's guard).
    api_user = g.get("api_user")
    if api_user is not None and api_user.locale:
        chosen = supported_locale(api_user.locale)
        if chosen:
            return chosen
    chosen = supported_locale(session.get(SESSION_LOCALE_KEY))
    if chosen:
        return chosen
    for tag, _quality in request.accept_languages:
        chosen = supported_locale(tag)
        if chosen:
            return chosen
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def select_timezone() -> str:
    """The viewer's own zone, else their company's; visitors and operators read UTC."""
    if current_user and current_user.is_authenticated:
        return viewer_zone_name(current_user)
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def current_locale_code() -> str:
    locale = get_locale()
    if locale is None:
        return "en"
    return "zh_Hans" if locale.language == "zh" else locale.language


def text_direction() -> str:
    return "rtl" if current_locale_code() in RTL_LANGUAGES else "ltr"


def html_lang() -> str:
    return {"zh_Hans": "zh-Hans"}.get(current_locale_code(), current_locale_code())


def format_money(value: Money) -> str:
    return value.format(current_locale_code())


def package_words(value: str) -> str:
    """A package type as the reader says it when it is one of ours ("bulk": 散装), else as
    the seller typed it ("fibreboard box")."""
    words = PACKAGE_TYPES.get(value)
    return str(words) if words is not None else value


def format_unit_price(value: Money) -> str:
    """A price per unit: the sub-cent digits it has stay (US$0.2524), whole cents as money."""
    return value.format_unit_price(current_locale_code())


def format_when(value: datetime | None, style: str = "medium") -> str:
    """A UTC time in the viewer's time zone and language, with the zone's short name
    ("Dec 7, 2026, 3:04:05 PM GMT+5"): a clock time means nothing without its zone."""
    if value is None:
        return ""
    locale_code = current_locale_code()
    zone = zone_abbreviation(value, locale_code, get_timezone())
    if _reads_24_hour_clock(str(get_locale())):
        text = _format_24_hour(to_user_timezone(value), style, str(get_locale()))
    else:
        text = format_datetime(value, style)
    return f"{text} {zone}"


@lru_cache(maxsize=8)
def _reads_24_hour_clock(locale: str) -> bool:
    """True where CLDR's 12-hour pattern would print the English "AM"/"PM": a locale with
    no day-period words of its own (Urdu) reads the 24-hour clock instead, as its users
    write times; English and Chinese (上午/下午) keep their own patterns."""
    parsed = Locale.parse(locale)
    if parsed.language == "en":
        return False
    time_pattern = parsed.time_formats["medium"].pattern
    am = str(parsed.day_periods["format"]["abbreviated"].get("am", ""))
    return "a" in time_pattern and am.isascii()


def _format_24_hour(local: datetime, style: str, locale: str) -> str:
    """The locale's own date pattern and date-time joiner around a 24-hour time."""
    parsed = Locale.parse(locale)
    day = babel_format_date(local.date(), style, locale=parsed)
    clock = format_skeleton("Hm" if style == "short" else "Hms", local, locale=parsed)
    joiner = str(parsed.datetime_formats.get(style, "{1} {0}"))
    return joiner.replace("{1}", str(day)).replace("{0}", str(clock))


def exact_number(value: Decimal | int) -> str:
    """A rate or quantity with every decimal it has, grouped in the viewer's locale
    (babel's default would round 7.12053 to three places)."""
    return str(format_decimal(value, locale=get_locale(), decimal_quantization=False))


def format_quantity(value: Decimal | int | None, unit: str) -> str:
    """A quantity as its unit is traded, in the viewer's digits grouping, with the unit as
    the viewer says it: 12.500 t to the kilogram, 1,200 pieces whole, "12.500 吨" in
    Chinese (issue #20). A unit without words keeps its code: 12.500 XYZ."""
    if value is None:
        return ""
    places = quantity_places(unit)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    exact = Decimal(value).quantize(Decimal(1).scaleb(-places))
    number = str(format_decimal(exact, format=pattern, locale=get_locale()))
    return unit_amount(number, exact, unit) or f"{number} {unit}"


def figure(value: object) -> Markup:
    """An amount, date or count marked as one unbreakable figure: CSS keeps it on one line
    and isolated from the text direction around it (class ``figure``)."""
    return Markup('<span class="figure">%s</span>') % value


# How a language separates the items of a list: Chinese 顿号, Urdu's Arabic comma.
_LIST_SEPARATORS = {"zh": "\u3001", "ur": "\u060c "}


def list_separator(locale: str | None = None) -> str:
    code = locale or current_locale_code()
    return _LIST_SEPARATORS.get(code[:2], ", ")


def join_for_reader(items: Iterable[object], locale: str | None = None) -> str:
    """Items joined the reader's way: "a、b" in Chinese, "a، b" in Urdu, "a, b" otherwise."""
    return list_separator(locale).join(str(item) for item in items)


def bdi(value: object) -> Markup:
    """A person's words inside a translated sentence, isolated so their direction (an English
    reason on an Urdu page) neither takes nor gives the sentence's order."""
    return Markup("<bdi>%s</bdi>") % value


# Amounts that services wrote into timeline notes as plain text ("86965.00 USD"):
# shown in the viewer's format ("US$86,965.00") without rewriting what was recorded.
_AMOUNT_IN_TEXT = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?) ([A-Z]{3})\b")


def amounts_in_text(text: str | None) -> Markup:
    """``text`` escaped, with each "<decimal> <ISO code>" formatted as money for the viewer."""
    if not text:
        return Markup("")
    locale = current_locale_code()
    pieces: list[str] = []
    last = 0
    for match in _AMOUNT_IN_TEXT.finditer(text):
        try:
            amount = Money(Decimal(match.group(1)), match.group(2))
        except (InvalidCurrency, InvalidOperation, ValueError):
            continue
        pieces.append(escape(text[last : match.start()]))
        pieces.append(figure(amount.format(locale)))
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


# A range such as "1–30" inside right-to-left text: the en dash is a neutral character, so
# the bidirectional algorithm set each number apart and Urdu showed "30–1". A hyphen-minus
# is a European separator, which joins the two numbers into one left-to-right run (UAX #9,
# rule W4) without the direction controls that every printed value is cleaned of
# (app.reference.text). Left-to-right languages keep the typographic en dash.
_RANGE_DASH = {"ltr": "\u2013", "rtl": "-"}


def number_range(low: int, high: int) -> str:
    """``low`` to ``high`` with babel's digits for the locale, in reading order."""
    return f"{format_number(low)}{_RANGE_DASH[text_direction()]}{format_number(high)}"


def format_day(value: date | None) -> str:
    """A calendar date (a due date, a value date) in the viewer's language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()  # the day in the viewer's time zone
    # Lists show the same few days again and again; babel's formatting is the costly part.
    return _format_day(value, str(get_locale()))


@lru_cache(maxsize=4096)
def _format_day(value: date, locale: str) -> str:
    return str(babel_format_date(value, "medium", locale=locale))


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["unit_price"] = format_unit_price
    app.jinja_env.globals["package_words"] = package_words
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["format_number"] = format_number
    app.jinja_env.filters["figure"] = figure
    app.jinja_env.filters["quantity"] = format_quantity
    # Every quantity box (order box, cart, RFQ, listing, shipment) shows its unit's rule
    # and picks the keyboard by it (issue #20).
    app.jinja_env.globals.update(
        unit_rule=unit_rule, quantity_places=quantity_places, unit_word=unit_word
    )
    app.jinja_env.filters["bdi"] = bdi
    app.jinja_env.filters["list_join"] = lambda items: join_for_reader(items)
    app.jinja_env.globals["list_separator"] = list_separator
    app.jinja_env.filters["exact_number"] = exact_number
    app.jinja_env.filters["amounts_in_text"] = amounts_in_text
    app.jinja_env.filters["company_name"] = lambda company: company_name(
        company, current_locale_code()
    )
    app.jinja_env.filters["reader_text"] = lambda obj, field: in_reader_language(
        obj, field, current_locale_code()
    )
    app.jinja_env.filters["authority_name"] = lambda authority: local_name(
        authority.name, authority.name_local, current_locale_code()
    )
    app.jinja_env.globals["money_from_minor"] = Money.from_minor
    app.jinja_env.globals.update(
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        current_locale_code=current_locale_code,
        text_direction=text_direction,
        html_lang=html_lang,
    )
