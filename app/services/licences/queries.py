"""Read-only questions about a company's licences (no writes, no audit)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.models.base import utcnow
from app.models.licence import Licence, LicenceKind, ReviewStatus
from app.services.licences.types import Session


def _usable_clause(day: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        Licence.review_status == ReviewStatus.ACCEPTED,
        Licence.revoked_at.is_(None),
        Licence.valid_from <= day,
        Licence.valid_to >= day,
    )


def usable_licences(session: Session, company_id: int, *, on: date | None = None) -> list[Licence]:
    """The company's accepted, unrevoked licences valid on ``on`` (default: today, UTC)."""
    day = on or utcnow().date()
    return list(
        session.scalars(
            sa.select(Licence)
            .where(Licence.holder_id == company_id, _usable_clause(day))
            .order_by(Licence.kind, Licence.valid_to, Licence.id)
        )
    )


def licence_kinds_on_file(
    session: Session, company_id: int, *, on: date | None = None
) -> list[LicenceKind]:
    """Which kinds of licence the company holds accepted and unexpired, in a fixed order
    (the order of ``LicenceKind``)."""
    day = on or utcnow().date()
    held = set(
        session.scalars(
            sa.select(Licence.kind)
            .where(Licence.holder_id == company_id, _usable_clause(day))
            .distinct()
        )
    )
    return [kind for kind in LicenceKind if kind in held]
