"""The claim clocks, run by the job queue every minute (``app.tasks.claims``).

At ``auto_escalate_at`` (day 8) a claim still open or answered but not agreed escalates
by itself. At ``evidence_by`` an escalated claim whose buyer has not completed its
evidence lapses; one whose buyer has but whose seller has not is decided for the buyer
(the amount asked). Each step is made with a conditional UPDATE: a click racing the clock
loses or wins cleanly. The clocks also close claims windows and confirm deliveries.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Claim, ClaimOutcome, ClaimRemedy, ClaimSide, ClaimStatus
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.claims import window
from app.services.claims.filing import after_end, claim_side
from app.services.claims.responses import charge_inspections, escalate_values
from app.services.claims.states import InvalidClaimMove, move_claim, record_claim_event
from app.services.errors import NotAllowed
from app.services.orders.notifications import notify_counterparty

SYSTEM = Actor(None)
BATCH = 500


def complete_evidence(actor: Actor, claim: Claim, now: datetime | None = None) -> None:
    """One side says its evidence is complete (before the deadline; once)."""
    side = claim_side(actor, claim)
    now = now or utcnow()
    if claim.status is not ClaimStatus.ESCALATED or claim.evidence_by is None:
        raise InvalidClaimMove(lazy_gettext("Evidence is completed once a claim is escalated."))
    if now >= claim.evidence_by:
        raise NotAllowed(lazy_gettext("Your deadline for evidence has passed."))
    if side is ClaimSide.BUYER:
        if claim.buyer_evidence_at is None:
            claim.buyer_evidence_at = now
    elif claim.seller_evidence_at is None:
        claim.seller_evidence_at = now
    record_claim_event(actor, claim, "evidence_complete")
    db.session.flush()


def escalate_due(now: datetime) -> int:
    claims = db.session.scalars(
        select(Claim)
        .where(
            Claim.status.in_((ClaimStatus.OPEN, ClaimStatus.RESPONDED)),
            Claim.auto_escalate_at <= now,
        )
        .order_by(Claim.id)
        .limit(BATCH)
    ).all()
    for claim in claims:
        move_claim(
            SYSTEM,
            claim,
            ClaimStatus.ESCALATED,
            str(lazy_gettext("Escalated by itself on day 8.")),
            **escalate_values(now),
        )
        notify_counterparty(SYSTEM, claim.order, "claim_escalated")
    return len(claims)


def evidence_due(now: datetime) -> int:
    claims = db.session.scalars(
        select(Claim)
        .where(Claim.status == ClaimStatus.ESCALATED, Claim.evidence_by <= now)
        .order_by(Claim.id)
        .limit(BATCH)
    ).all()
    for claim in claims:
        if claim.buyer_evidence_at is None:
            move_claim(
                SYSTEM,
                claim,
                ClaimStatus.LAPSED,
                str(lazy_gettext("The buyer's evidence did not arrive in time.")),
                outcome=ClaimOutcome.LAPSED,
            )
            after_end(claim)
        elif claim.seller_evidence_at is None:
            reason = str(lazy_gettext("The seller's evidence did not arrive in time."))
            charge_inspections(claim, ClaimRemedy.REFUND, claim.amount_asked_minor)
            move_claim(
                SYSTEM,
                claim,
                ClaimStatus.DECIDED,
                reason,
                remedy=ClaimRemedy.REFUND,
                awarded_minor=claim.amount_asked_minor,
                decided_at=now,
                decision_reason=reason,
            )
        notify_counterparty(SYSTEM, claim.order, "claim_changed")
    return len(claims)


def run_clocks(now: datetime) -> dict[str, int]:
    """Every claim clock at ``now``, in one unit of work; idempotent (a rerun finds none)."""
    done = {
        "deliveries_confirmed": window.auto_confirm_due(now),
        "escalated": escalate_due(now),
        "evidence_deadlines": evidence_due(now),
        "windows_closed": window.close_due_windows(now),
    }
    db.session.flush()
    return done
