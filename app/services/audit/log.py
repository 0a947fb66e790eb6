"""Reading the audit log: filters for the operator's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from app.extensions import db
from app.models import AuditEvent

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class AuditFilter:
    action: str | None = None
    actor_email: str | None = None
    company_id: int | None = None
    since: date | None = None
    until: date | None = None


def _filtered(criteria: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if criteria.action:
        query = query.where(AuditEvent.action.startswith(criteria.action, autoescape=True))
    if criteria.actor_email:
        query = query.where(AuditEvent.actor_email == criteria.actor_email.strip().lower())
    if criteria.company_id is not None:
        query = query.where(AuditEvent.company_id == criteria.company_id)
    if criteria.since:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(criteria.since, time(), UTC))
    if criteria.until:
        end = datetime.combine(criteria.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEvent.occurred_at < end)
    return query


def audit_page(criteria: AuditFilter, page: int) -> tuple[list[AuditEvent], int, int]:
    """One page of matching events, newest first; the total count; the page shown.

    A page number past the end shows the last page.
    """
    query = _filtered(criteria)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    last_page = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 1), last_page)
    rows = db.session.scalars(
        query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return list(rows), total, page


def audit_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
