"""Reference data a test needs before documents can be issued: exchange rates."""

from __future__ import annotations

from datetime import timedelta

from app.demo.rates import add_daily_rates
from app.models.base import utcnow


def this_weeks_rates() -> None:
    """Exchange rates for the last three days, so invoices issued today freeze one."""
    today = utcnow().date()
    add_daily_rates(today - timedelta(days=2), today)
