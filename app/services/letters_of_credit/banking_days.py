"""Banking days at the place of expiry (UCP 600 art. 29(a)).

Weekends (Saturday and Sunday, as banks in Pakistan and China keep them) and the country's
public holidays from the maintained ``holidays`` library. China's official make-up
working days that fall on a weekend are not counted as banking days: a bank closed on
Saturday stays closed.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    try:
        calendar = holidays.country_holidays(country, years=year)
    except NotImplementedError:  # a country the library does not know: weekends only
        return frozenset()
    return frozenset(calendar.keys())


def is_banking_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(country.upper(), day.year)


def next_banking_day(day: date, country: str) -> date:
    """``day`` itself if banks are open there that day, else the first day they are."""
    while not is_banking_day(day, country):
        day += timedelta(days=1)
    return day
