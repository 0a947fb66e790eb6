"""The operator decides an escalated claim: a refund (up to the amount asked), a
replacement, or a rejection, always with a written reason both parties see. Every
operator action is in the audit log (``move_claim`` writes it, with the decision)."""

from __future__ import annotations

from flask_babel import lazy_gettext

from app.models import Claim, ClaimOutcome, ClaimRemedy, ClaimStatus
from app.models.base import utcnow
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.claims.filing import after_end
from app.services.claims.responses import charge_inspections
from app.services.claims.states import InvalidClaimMove, move_claim
from app.services.errors import ValidationFailed
from app.services.orders.notifications import notify_counterparty
from app.services.payments.milestones import parse_amount

MIN_REASON = 10
MAX_REASON = 4000


def decide(actor: Actor, claim: Claim, remedy: str, amount: str | None, reason: str) -> None:
    """Decide ``claim`` (escalated); a rejection ends it, a refund or replacement waits
    for the seller's settlement."""
    user = require(actor.user, Action.DECIDE_CLAIM)
    if claim.status is not ClaimStatus.ESCALATED:
        raise InvalidClaimMove(lazy_gettext("Only an escalated claim is decided."))
    text = (reason or "").strip()
    if not MIN_REASON <= len(text) <= MAX_REASON:
        raise ValidationFailed(lazy_gettext("Write the reason for the decision."), "reason")
    try:
        chosen = ClaimRemedy(remedy)
    except ValueError:
        raise ValidationFailed(lazy_gettext("Choose the decision."), "remedy") from None
    awarded = 0
    if chosen is ClaimRemedy.REFUND:
        awarded = parse_amount(amount, claim.currency, "amount").to_minor()
        if awarded > claim.amount_asked_minor:
            raise ValidationFailed(
                lazy_gettext(
                    "The refund cannot exceed the amount asked: %(asked)s.",
                    asked=claim.amount_asked.format(),
                ),
                "amount",
            )
    charge_inspections(claim, chosen, awarded)
    now = utcnow()
    move_claim(
        actor,
        claim,
        ClaimStatus.DECIDED,
        text,
        remedy=chosen,
        awarded_minor=awarded,
        decided_at=now,
        decided_by_id=user.id,
        decision_reason=text,
    )
    record_audit(
        actor,
        "claim.decision",
        company_id=None,
        object_type="claim",
        object_id=claim.public_id,
        details={"remedy": chosen.value, "awarded_minor": awarded, "reason": text},
    )
    if chosen is ClaimRemedy.NONE:
        # Nothing to book: a rejection is settled as it is decided.
        move_claim(
            actor, claim, ClaimStatus.SETTLED, None, settled_at=now, outcome=ClaimOutcome.REJECTED
        )
        after_end(claim)
    notify_counterparty(actor, claim.order, "claim_decided")
