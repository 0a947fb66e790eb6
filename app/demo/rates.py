"""Daily exchange rates for the demo world (and the tests), as an operator would enter them.

Fixed reference figures, not market data: they let invoices in USD, CNY and EUR freeze a
rate into PKR and CNY books.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import ExchangeRate

DEMO_SOURCE = "Corridor demo reference rates"
DEMO_RATES: dict[tuple[str, str], Decimal] = {
    ("USD", "PKR"): Decimal("278.45"),
    ("USD", "CNY"): Decimal("7.1205"),
    ("CNY", "PKR"): Decimal("39.105"),
    ("EUR", "PKR"): Decimal("301.20"),
    ("EUR", "CNY"): Decimal("7.7025"),
    ("EUR", "USD"): Decimal("1.0817"),
}


def add_daily_rates(first: date, last: date, source: str = DEMO_SOURCE) -> int:
    """The demo rates for every day from ``first`` to ``last`` not entered yet."""
    have = {
        (rate.base, rate.quote, rate.rate_date)
        for rate in db.session.scalars(
            select(ExchangeRate).where(ExchangeRate.rate_date.between(first, last))
        )
    }
    added = 0
    day = first
    while day <= last:
        for (base, quote), rate in DEMO_RATES.items():
            if (base, quote, day) not in have:
                db.session.add(
                    ExchangeRate(rate_date=day, base=base, quote=quote, rate=rate, source=source)
                )
                added += 1
        day += timedelta(days=1)
    db.session.flush()
    return added


def seed_rates(today: date, days: int = 30) -> int:
    return add_daily_rates(today - timedelta(days=days), today)
