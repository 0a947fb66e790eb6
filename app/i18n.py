"""Languages: English, Simplified Chinese and Urdu (right to left)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_datetime, format_number, get_locale, get_timezone, to_user_timezone
from flask_login import current_user

from app.extensions import babel
from app.money import Money
from app.reference.reader_text import company_name, in_reader_language
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


def format_when(value: datetime | None, style: str = "medium") -> str:
    """A UTC time in the viewer's time zone and language, with the zone's short name
    ("Dec 7, 2026, 3:04:05 PM GMT+5"): a clock time means nothing without its zone."""
    if value is None:
        return ""
    zone = zone_abbreviation(value, current_locale_code(), get_timezone())
    return f"{format_datetime(value, style)} {zone}"


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
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["format_number"] = format_number
    app.jinja_env.filters["company_name"] = lambda company: company_name(
        company, current_locale_code()
    )
    app.jinja_env.filters["reader_text"] = lambda obj, field: in_reader_language(
        obj, field, current_locale_code()
    )
    app.jinja_env.globals["money_from_minor"] = Money.from_minor
    app.jinja_env.globals.update(
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        current_locale_code=current_locale_code,
        text_direction=text_direction,
        html_lang=html_lang,
    )
