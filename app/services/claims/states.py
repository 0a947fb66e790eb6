"""The claim lifecycle: one table of allowed moves and the one function that makes them.

``move_claim`` is the only code that changes ``Claim.status``. It checks the move against
``TRANSITIONS``, changes the row with a conditional UPDATE (of two racing clicks, or a
click racing a clock, exactly one wins: the other is told what the claim is now), writes
the timeline entry both parties see and the audit row.

    open -> responded -> (agreed | escalated) -> decided -> settled | withdrawn | lapsed

A seller who accepts in full agrees at once (open -> agreed); a claim not answered may be
escalated by the buyer from day 4 and escalates by itself on day 8 (open -> escalated).
"""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString, lazy_gettext
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import Claim, ClaimEvent, ClaimStatus
from app.models.base import utcnow
from app.models.claim import LIVE_CLAIM_STATUSES
from app.services.accounts.capabilities import side_of
from app.services.audit.recording import Actor, record_audit
from app.services.errors import Conflict
from app.services.webhooks import events as webhook_events

C = ClaimStatus

TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    C.OPEN: frozenset({C.RESPONDED, C.AGREED, C.ESCALATED, C.WITHDRAWN}),
    C.RESPONDED: frozenset({C.AGREED, C.ESCALATED, C.WITHDRAWN}),
    C.AGREED: frozenset({C.SETTLED}),
    C.ESCALATED: frozenset({C.DECIDED, C.WITHDRAWN, C.LAPSED}),
    C.DECIDED: frozenset({C.SETTLED}),
    C.SETTLED: frozenset(),
    C.WITHDRAWN: frozenset(),
    C.LAPSED: frozenset(),
}

LIVE = LIVE_CLAIM_STATUSES
ENDED = frozenset(TRANSITIONS) - LIVE

LABELS: dict[ClaimStatus, LazyString] = {
    C.OPEN: lazy_gettext("Open"),
    C.RESPONDED: lazy_gettext("Seller responded"),
    C.AGREED: lazy_gettext("Agreed"),
    C.ESCALATED: lazy_gettext("Escalated"),
    C.DECIDED: lazy_gettext("Decided"),
    C.SETTLED: lazy_gettext("Settled"),
    C.WITHDRAWN: lazy_gettext("Withdrawn"),
    C.LAPSED: lazy_gettext("Lapsed"),
}


class InvalidClaimMove(Conflict):
    """The claim cannot move that way now (its state, or a deadline)."""


def record_claim_event(
    actor: Actor,
    claim: Claim,
    kind: str,
    *,
    from_status: ClaimStatus | None = None,
    to_status: ClaimStatus | None = None,
    note: str | None = None,
) -> ClaimEvent:
    """Append a timeline entry; the side is the actor's (operator, buyer, seller or none)."""
    user = actor.user
    side: str | None
    if user is None:
        side = None
    elif user.is_operator:
        side = "operator"
    else:
        found = side_of(user, claim)
        side = found.value if found is not None else None
    event = ClaimEvent(
        claim=claim,
        occurred_at=utcnow(),
        actor_id=user.id if user else None,
        actor_name=user.full_name if user else None,
        side=side,
        kind=kind,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value if to_status else None,
        note=(note or "").strip()[:4000] or None,
    )
    db.session.add(event)
    if to_status is not None:
        # The one place claim moves (filing included) become webhook events (the outbox).
        webhook_events.on_claim_moved(claim, to_status)
    return event


def move_claim(
    actor: Actor,
    claim: Claim,
    to: ClaimStatus,
    note: str | None = None,
    **values: Any,
) -> ClaimStatus:
    """Move ``claim`` to ``to`` with the column ``values`` the step sets; the old status.

    Who may move is the caller's check (the capability table and the deadlines); here the
    table and the race. The UPDATE names the status it checked: the loser of a race gets
    ``InvalidClaimMove`` saying what the claim is now, and its transaction writes nothing.
    """
    current = claim.status
    if to not in TRANSITIONS[current]:
        raise InvalidClaimMove(
            lazy_gettext(
                "A claim that is %(current)s cannot become %(target)s.",
                current=LABELS[current],
                target=LABELS[to],
            )
        )
    now = utcnow()
    result = db.session.execute(
        update(Claim)
        .where(Claim.id == claim.id, Claim.status == current)
        .values(status=to, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(claim)
        raise InvalidClaimMove(
            lazy_gettext(
                "Someone changed this claim a moment ago: it is now %(current)s.",
                current=LABELS[claim.status],
            )
        )
    set_committed_value(claim, "status", to)
    set_committed_value(claim, "updated_at", now)
    for name, value in values.items():
        set_committed_value(claim, name, value)
    record_claim_event(actor, claim, "status", from_status=current, to_status=to, note=note)
    record_audit(
        actor,
        f"claim.{to.value}",
        company_id=actor.company_id if actor.company_id is not None else claim.buyer_id,
        object_type="claim",
        object_id=claim.public_id,
        details={"from": current.value, "order": claim.order.public_id},
    )
    return current
