"""The clock of quotes and RFQs, run by the job queue (``app.tasks.quotations``).

A revision is valid while ``now < valid_until``: at its ``valid_until`` second it expires.
An RFQ not awarded by its ``expires_at`` expires with its live revisions. Acceptance checks
the same instants itself (``award.check_acceptable``), so a late job never lets an expired
offer be accepted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import QuoteRevision, QuoteStatus, Rfq, RfqStatus
from app.services.audit.recording import Actor
from app.services.quotations.states import LIVE_QUOTE, LIVE_RFQ, move_quote, move_rfq

SYSTEM = Actor(None)
BATCH = 500


def expire_due(now: datetime) -> tuple[int, int]:
    """Expire the revisions and RFQs whose time is up at ``now``; (revisions, RFQs)."""
    revisions = db.session.scalars(
        select(QuoteRevision)
        .where(QuoteRevision.status.in_(LIVE_QUOTE), QuoteRevision.valid_until <= now)
        .order_by(QuoteRevision.id)
        .limit(BATCH)
    ).all()
    for revision in revisions:
        move_quote(SYSTEM, revision, QuoteStatus.EXPIRED)
    rfqs = db.session.scalars(
        select(Rfq)
        .where(Rfq.status.in_(LIVE_RFQ), Rfq.expires_at <= now)
        .order_by(Rfq.id)
        .limit(BATCH)
    ).all()
    for rfq in rfqs:
        move_rfq(SYSTEM, rfq, RfqStatus.EXPIRED)
        live = db.session.scalars(
            select(QuoteRevision).where(
                QuoteRevision.rfq_id == rfq.id, QuoteRevision.status.in_(LIVE_QUOTE)
            )
        ).all()
        for revision in live:
            move_quote(SYSTEM, revision, QuoteStatus.EXPIRED)
    db.session.flush()
    return len(revisions), len(rfqs)
