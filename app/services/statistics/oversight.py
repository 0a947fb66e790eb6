"""What the operator does with the statistics: reads them unsuppressed, restricts chapters.

Both are audited: the unsuppressed cube shows single firms' trade, and a restriction
changes what the public may read.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext

from app.extensions import db
from app.models import RestrictedChapter
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import NotFound, ValidationFailed
from app.services.statistics.disclosure import ALWAYS_RESTRICTED_CHAPTERS
from app.services.statistics.publication import Publication, StatisticsQuery, published_tables

_HS_CODE = re.compile(r"^\d{2}(\d{2})?$")


def unsuppressed_tables(actor: Actor, query: StatisticsQuery, today: date) -> Publication:
    """The same tables without suppression (each hidden figure says why); audited."""
    require(actor.user, Action.OPERATE)
    publication = published_tables(query, today, disclose=False)
    record_audit(
        actor,
        "statistics.unsuppressed_viewed",
        object_type="trade_statistics",
        details={
            key: (value.isoformat() if isinstance(value, date) else str(value))
            for key, value in asdict(publication.query).items()
            if value is not None
        },
    )
    return publication


def restrictions() -> list[RestrictedChapter]:
    return list(
        db.session.scalars(sa.select(RestrictedChapter).order_by(RestrictedChapter.chapter))
    )


def restrict_chapter(actor: Actor, code: str, reason: str) -> RestrictedChapter:
    """Publish an HS chapter (a heading names its chapter) by chapter and year only."""
    require(actor.user, Action.OPERATE)
    code = re.sub(r"[\s.]", "", code or "")
    if not _HS_CODE.fullmatch(code):
        raise ValidationFailed(
            lazy_gettext("Give an HS chapter (2 digits) or heading (4 digits)."), "code"
        )
    chapter = code[:2]
    reason = " ".join((reason or "").split())
    if not 3 <= len(reason) <= 300:
        raise ValidationFailed(lazy_gettext("Say why the chapter is restricted."), "reason")
    if chapter in ALWAYS_RESTRICTED_CHAPTERS:
        raise ValidationFailed(
            lazy_gettext("Chapter %(chapter)s is always restricted.", chapter=chapter), "code"
        )
    existing = db.session.scalar(
        sa.select(RestrictedChapter).where(RestrictedChapter.chapter == chapter)
    )
    if existing is not None:
        return existing
    row = RestrictedChapter(
        chapter=chapter, reason=reason, named_by_id=actor.user.id if actor.user else None
    )
    db.session.add(row)
    db.session.flush()
    record_audit(
        actor,
        "statistics.chapter_restricted",
        object_type="hs_chapter",
        object_id=chapter,
        details={"named": code, "reason": reason},
    )
    return row


def lift_restriction(actor: Actor, chapter: str) -> None:
    require(actor.user, Action.OPERATE)
    row = db.session.scalar(
        sa.select(RestrictedChapter).where(RestrictedChapter.chapter == chapter)
    )
    if row is None:
        raise NotFound(lazy_gettext("That chapter is not restricted."))
    db.session.delete(row)
    db.session.flush()
    record_audit(
        actor, "statistics.chapter_restriction_lifted", object_type="hs_chapter", object_id=chapter
    )
