"""A company's clock: what day it is for a company, wherever the server runs.

Due dates, overdue checks, aging and document dates count the company's days, not UTC's
and not the server's: at 20:00 UTC on 31 December it is already 1 January in Karachi.
"""

from __future__ import annotations

from datetime import date, datetime

from app.models import Company
from app.models.base import utcnow
from app.time_zones import local_date, zone_info


def company_now(company: Company | None, now: datetime | None = None) -> datetime:
    """``now`` (default: this moment) on the company's clock; no company reads UTC."""
    return (now or utcnow()).astimezone(zone_info(company.timezone if company else None))


def company_today(company: Company | None, now: datetime | None = None) -> date:
    """The company's calendar day at ``now`` (default: this moment); no company: UTC's."""
    return local_date(now or utcnow(), company.timezone if company else None)
