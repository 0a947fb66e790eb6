"""Time zones: the zones we offer, whose clock a person reads, a zone's short name.

A company's day runs in its zone (``Company.timezone``, from its country at first); its
people read times in it unless they choose their own (``User.timezone``); operators, who
belong to no company, read UTC unless they choose. Names come from CLDR through babel, in
the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import pytz  # type: ignore[import-untyped]  # no stubs; country_timezones is a dict
from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone_location
from flask_babel import LazyString, lazy_gettext

UTC_NAME = "UTC"

# The first part of a zone's name (Asia/Karachi) is its region; the picker groups by it.
REGION_LABELS: dict[str, LazyString] = {
    "Africa": lazy_gettext("Africa"),
    "America": lazy_gettext("Americas"),
    "Antarctica": lazy_gettext("Antarctica"),
    "Arctic": lazy_gettext("Arctic"),
    "Asia": lazy_gettext("Asia"),
    "Atlantic": lazy_gettext("Atlantic Ocean"),
    "Australia": lazy_gettext("Australia"),
    "Europe": lazy_gettext("Europe"),
    "Indian": lazy_gettext("Indian Ocean"),
    "Pacific": lazy_gettext("Pacific Ocean"),
}
UNIVERSAL_LABEL = lazy_gettext("Universal time")


class HasZone(Protocol):
    @property
    def timezone(self) -> str | None: ...


class Person(Protocol):
    @property
    def timezone(self) -> str | None: ...

    @property
    def company(self) -> HasZone | None: ...


@lru_cache(maxsize=1)
def offered_zones() -> frozenset[str]:
    """Every country's zones (IANA zone.tab, about 420) and UTC: no aliases, no Etc/GMT+5."""
    return frozenset({UTC_NAME, *(z for zones in pytz.country_timezones.values() for z in zones)})


def valid_zone(name: str | None) -> bool:
    return bool(name) and name in offered_zones()


def zone_info(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or UTC_NAME)


def local_date(moment: datetime, zone_name: str | None) -> date:
    """The calendar day ``moment`` falls on by the clock of ``zone_name`` (None: UTC)."""
    return moment.astimezone(zone_info(zone_name)).date()


def viewer_zone_name(person: Person | None) -> str:
    """The zone a person reads times in: their own choice, else their company's, else UTC."""
    if person is None:
        return UTC_NAME
    if person.timezone:
        return person.timezone
    company = person.company
    if company is not None and company.timezone:
        return company.timezone
    return UTC_NAME


def zone_abbreviation(moment: datetime, locale: str, zone: tzinfo | None = None) -> str:
    """The short name of the zone of ``moment`` (or of ``moment`` read in ``zone``) in the
    reader's language: CLDR's abbreviation where the language has one (UTC, GMT, EST),
    else the offset from GMT ("GMT+5", "GMT+5:30"); never a bare "+0500"."""
    local = moment.astimezone(zone) if zone is not None else moment
    offset = local.utcoffset()
    assert offset is not None, "a time without a zone has no zone to name"
    # The zone, its offset and summer time decide the name: lists ask for the same few.
    key = (str(local.tzinfo), int(offset.total_seconds()), bool(local.dst()), locale)
    name = _ABBREVIATIONS.get(key)
    if name is None:
        name = _ABBREVIATIONS[key] = _name_at(local, locale)
    return name


_ABBREVIATIONS: dict[tuple[str, int, bool, str], str] = {}


def _name_at(local: datetime, locale: str) -> str:
    specific = str(babel_format_datetime(local, "z", tzinfo=local.tzinfo, locale=locale))
    if specific and specific[0] not in "+-":
        return specific
    offset = local.utcoffset()
    assert offset is not None
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    text = ""  # GMT itself
    if seconds:
        text = f"{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
    return (str(Locale.parse(locale).zone_formats["gmt"]) % text).strip()


@dataclass(frozen=True, slots=True)
class ZoneOption:
    group: str  # the optgroup's label
    zone: str  # the IANA name, the submitted value
    label: str


def zone_options(locale: str, first_country: str | None, today: date) -> list[ZoneOption]:
    """The picker's options in the reader's language: the zones of ``first_country`` (the
    reader's company's) first, then UTC, then every region's zones by name. Each label
    says the place and its offset today ("China (Shanghai) Time · GMT+8")."""
    return list(_zone_options(locale, (first_country or "").upper(), today))


@lru_cache(maxsize=32)
def _zone_options(locale: str, first_country: str, today: date) -> tuple[ZoneOption, ...]:
    options: list[ZoneOption] = []
    noon = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    first = tuple(pytz.country_timezones.get(first_country, ())) if first_country else ()
    if first:
        country = Locale.parse(locale).territories.get(first_country, first_country)
        options.extend(ZoneOption(country, z, _label(z, locale, noon)) for z in first)
    universal = str(UNIVERSAL_LABEL)
    options.append(ZoneOption(universal, UTC_NAME, _label(UTC_NAME, locale, noon)))
    by_region: dict[str, list[tuple[str, str]]] = {}
    for zone in offered_zones() - {UTC_NAME, *first}:  # each zone once
        by_region.setdefault(zone.split("/", 1)[0], []).append((_label(zone, locale, noon), zone))
    for region in sorted(by_region, key=_region_order):
        group = str(REGION_LABELS.get(region, region))
        options.extend(ZoneOption(group, zone, label) for label, zone in sorted(by_region[region]))
    return tuple(options)


def _region_order(region: str) -> tuple[int, str]:
    # Asia first: both of the corridor's countries are there.
    return (0 if region == "Asia" else 1, region)


def _label(zone: str, locale: str, noon: datetime) -> str:
    info = ZoneInfo(zone)
    if zone == UTC_NAME:
        place = str(babel_format_datetime(noon, "zzzz", tzinfo=info, locale=locale))
    else:
        place = str(get_timezone_location(info, locale=locale))
    return f"{place} · {zone_abbreviation(noon, locale, info)}"


def zone_label(zone: str, locale: str, today: date) -> str:
    """One zone named as the picker names it (for showing the chosen one)."""
    noon = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    return _label(zone, locale, noon)
