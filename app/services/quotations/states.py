"""The RFQ and quote lifecycles: one table of allowed moves each, one function each.

``move_rfq`` and ``move_quote`` are the only code that changes a status. They check the
move against the table, change the row with a conditional UPDATE (of two people racing,
exactly one wins: two awards of the same RFQ make one order), write the history entry
both parties see and the audit row.
"""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString, lazy_gettext
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import QuoteRevision, QuoteStatus, Rfq, RfqEvent, RfqStatus
from app.models.base import utcnow
from app.services.audit.recording import Actor, record_audit
from app.services.errors import DomainError

R = RfqStatus
Q = QuoteStatus

RFQ_TRANSITIONS: dict[RfqStatus, frozenset[RfqStatus]] = {
    R.DRAFT: frozenset({R.OPEN, R.CANCELLED}),
    R.OPEN: frozenset({R.QUOTED, R.CANCELLED, R.EXPIRED}),
    R.QUOTED: frozenset({R.AWARDED, R.CLOSED, R.EXPIRED}),
    R.AWARDED: frozenset(),
    R.CLOSED: frozenset(),
    R.CANCELLED: frozenset(),
    R.EXPIRED: frozenset(),
}

# A counter-offer declines the offer it answers (as in contract law): a countered revision
# cannot be accepted any more, only superseded by the seller's answer, or lapse.
QUOTE_TRANSITIONS: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    Q.OFFERED: frozenset(
        {Q.SUPERSEDED, Q.COUNTERED, Q.ACCEPTED, Q.EXPIRED, Q.WITHDRAWN, Q.DECLINED}
    ),
    Q.COUNTERED: frozenset({Q.SUPERSEDED, Q.EXPIRED, Q.WITHDRAWN, Q.DECLINED}),
    Q.SUPERSEDED: frozenset(),
    Q.ACCEPTED: frozenset(),
    Q.EXPIRED: frozenset(),
    Q.WITHDRAWN: frozenset(),
    Q.DECLINED: frozenset(),
}

# Where a seller can still answer or a buyer still act: the RFQ is live.
LIVE_RFQ = frozenset({R.OPEN, R.QUOTED})
# Revisions the seller's next revision supersedes.
LIVE_QUOTE = frozenset({Q.OFFERED, Q.COUNTERED})

RFQ_LABELS: dict[RfqStatus, LazyString] = {
    R.DRAFT: lazy_gettext("Draft"),
    R.OPEN: lazy_gettext("Open"),
    R.QUOTED: lazy_gettext("Quoted"),
    R.AWARDED: lazy_gettext("Awarded"),
    R.CLOSED: lazy_gettext("Closed"),
    R.CANCELLED: lazy_gettext("Cancelled"),
    R.EXPIRED: lazy_gettext("Expired"),
}

QUOTE_LABELS: dict[QuoteStatus, LazyString] = {
    Q.OFFERED: lazy_gettext("Offered"),
    Q.SUPERSEDED: lazy_gettext("Superseded"),
    Q.COUNTERED: lazy_gettext("Countered"),
    Q.ACCEPTED: lazy_gettext("Accepted"),
    Q.EXPIRED: lazy_gettext("Expired"),
    Q.WITHDRAWN: lazy_gettext("Withdrawn"),
    Q.DECLINED: lazy_gettext("Declined"),
}


class InvalidMove(DomainError):
    """The RFQ or quote cannot move that way now."""

    status = 409


def record_rfq_event(
    actor: Actor,
    rfq: Rfq,
    kind: str,
    *,
    revision: QuoteRevision | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
) -> RfqEvent:
    """Append a history entry; one about a quote is seen by the buyer and that seller only."""
    user = actor.user
    event = RfqEvent(
        rfq_id=rfq.id,
        seller_id=revision.seller_id if revision is not None else None,
        revision_id=revision.id if revision is not None else None,
        occurred_at=utcnow(),
        actor_id=user.id if user else None,
        actor_name=user.full_name if user else None,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=(note or "").strip()[:2000] or None,
    )
    db.session.add(event)
    return event


def _conditional(model: Any, row: Any, to: Any, extra: dict[str, Any]) -> bool:
    result = db.session.execute(
        update(model)
        .where(model.id == row.id, model.status == row.status)
        .values(status=to, **extra)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def move_rfq(actor: Actor, rfq: Rfq, to: RfqStatus, note: str | None = None) -> RfqStatus:
    """Move ``rfq`` to ``to`` if the table allows it from its state; returns the old state.

    Who may move is the caller's check (the capability table): here only the table and
    the race. The loser of a race is told what the RFQ is now.
    """
    current = rfq.status
    if to not in RFQ_TRANSITIONS[current]:
        raise InvalidMove(
            lazy_gettext(
                "A request for quotation that is %(current)s cannot become %(target)s.",
                current=RFQ_LABELS[current],
                target=RFQ_LABELS[to],
            )
        )
    if not _conditional(Rfq, rfq, to, {"updated_at": utcnow()}):
        db.session.refresh(rfq)
        raise InvalidMove(
            lazy_gettext(
                "Someone changed this request a moment ago: it is now %(current)s.",
                current=RFQ_LABELS[rfq.status],
            )
        )
    set_committed_value(rfq, "status", to)
    record_rfq_event(actor, rfq, "status", from_status=current.value, to_status=to.value, note=note)
    record_audit(
        actor,
        f"rfq.{to.value}",
        company_id=actor.company_id or rfq.buyer_id,
        object_type="rfq",
        object_id=rfq.public_id,
        details={"from": current.value},
    )
    return current


def move_quote(
    actor: Actor, revision: QuoteRevision, to: QuoteStatus, note: str | None = None
) -> QuoteStatus:
    """Move one revision to ``to`` if the table allows it; returns the old state."""
    current = revision.status
    if to not in QUOTE_TRANSITIONS[current]:
        raise InvalidMove(
            lazy_gettext(
                "A quote that is %(current)s cannot become %(target)s.",
                current=QUOTE_LABELS[current],
                target=QUOTE_LABELS[to],
            )
        )
    if not _conditional(QuoteRevision, revision, to, {}):
        db.session.refresh(revision)
        raise InvalidMove(
            lazy_gettext(
                "Someone changed this quote a moment ago: it is now %(current)s.",
                current=QUOTE_LABELS[revision.status],
            )
        )
    set_committed_value(revision, "status", to)
    rfq = revision.rfq
    record_rfq_event(
        actor,
        rfq,
        "quote",
        revision=revision,
        from_status=current.value,
        to_status=to.value,
        note=note,
    )
    record_audit(
        actor,
        f"quote.{to.value}",
        company_id=actor.company_id or revision.seller_id,
        object_type="quote_revision",
        object_id=revision.public_id,
        details={"from": current.value, "rfq": rfq.public_id},
    )
    return current
