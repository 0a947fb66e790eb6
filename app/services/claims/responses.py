"""The seller's answer (within its three days), the buyer's agreement or escalation.

The seller accepts the amount asked (the claim is agreed at once), proposes a partial
refund or a replacement, or contests with its evidence. The buyer agrees to a proposal,
or escalates to the platform's operators: at once after the seller's answer, or from day
4 if the seller has not answered. Past its day 8 a claim escalates by itself
(``escalation.run_clocks``).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext

from app.models import (
    Claim,
    ClaimInspection,
    ClaimRemedy,
    ClaimResponse,
    ClaimSide,
    ClaimStatus,
)
from app.models.base import utcnow
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor
from app.services.claims import window
from app.services.claims.states import InvalidClaimMove, move_claim
from app.services.errors import ValidationFailed
from app.services.orders.notifications import notify_counterparty
from app.services.payments.milestones import parse_amount

MIN_NOTE = 5
MAX_NOTE = 4000


def _note(raw: str | None, *, required: bool) -> str | None:
    note = (raw or "").strip()
    if required and not MIN_NOTE <= len(note) <= MAX_NOTE:
        raise ValidationFailed(lazy_gettext("Explain your answer."), "note")
    return note[:MAX_NOTE] or None


def charge_inspections(claim: Claim, remedy: ClaimRemedy, awarded_minor: int) -> None:
    """Who pays the inspections follows the outcome: the seller if the buyer gets anything."""
    payer = (
        ClaimSide.SELLER
        if remedy is ClaimRemedy.REPLACEMENT or awarded_minor > 0
        else ClaimSide.BUYER
    )
    for inspection in claim.inspections:
        inspection.cost_borne_by = payer


def respond(
    actor: Actor,
    claim: Claim,
    response: str,
    note: str | None = None,
    proposed: str | None = None,
    now: datetime | None = None,
) -> None:
    """The seller answers an open claim before its ``respond_by``."""
    require(actor.user, Action.ANSWER_CLAIM, claim)
    now = now or utcnow()
    if claim.status is ClaimStatus.OPEN and now >= claim.respond_by:
        raise InvalidClaimMove(lazy_gettext("The three days to answer this claim have passed."))
    try:
        answer = ClaimResponse(response)
    except ValueError:
        raise ValidationFailed(lazy_gettext("Choose your answer."), "response") from None
    values: dict[str, object] = {"response": answer, "responded_at": now}
    if answer is ClaimResponse.ACCEPT:
        text = _note(note, required=False)
        values |= {
            "response_note": text,
            "remedy": ClaimRemedy.REFUND,
            "awarded_minor": claim.amount_asked_minor,
        }
        charge_inspections(claim, ClaimRemedy.REFUND, claim.amount_asked_minor)
        move_claim(actor, claim, ClaimStatus.AGREED, text, **values)
    else:
        text = _note(note, required=True)
        values["response_note"] = text
        if answer is ClaimResponse.PARTIAL_REFUND:
            amount = parse_amount(proposed, claim.currency, "proposed").to_minor()
            if amount >= claim.amount_asked_minor:
                raise ValidationFailed(
                    lazy_gettext("A partial refund is less than the amount asked."), "proposed"
                )
            values["proposed_minor"] = amount
        move_claim(actor, claim, ClaimStatus.RESPONDED, text, **values)
    notify_counterparty(actor, claim.order, "claim_answered")


def agree(actor: Actor, claim: Claim) -> None:
    """The buyer takes the seller's proposal (a partial refund or a replacement)."""
    require(actor.user, Action.FILE_CLAIM, claim)
    if claim.response is ClaimResponse.PARTIAL_REFUND and claim.proposed_minor is not None:
        remedy, awarded = ClaimRemedy.REFUND, claim.proposed_minor
    elif claim.response is ClaimResponse.REPLACEMENT:
        remedy, awarded = ClaimRemedy.REPLACEMENT, 0
    else:
        raise InvalidClaimMove(lazy_gettext("There is no proposal to agree to."))
    if claim.status is not ClaimStatus.RESPONDED:
        raise InvalidClaimMove(lazy_gettext("There is no proposal to agree to."))
    charge_inspections(claim, remedy, awarded)
    move_claim(actor, claim, ClaimStatus.AGREED, None, remedy=remedy, awarded_minor=awarded)
    notify_counterparty(actor, claim.order, "claim_agreed")


def escalate_values(now: datetime) -> dict[str, object]:
    """What an escalation sets: its time and both sides' evidence deadline."""
    return {"escalated_at": now, "evidence_by": now + window.clocks().evidence}


def escalate(
    actor: Actor, claim: Claim, note: str | None = None, now: datetime | None = None
) -> None:
    """The buyer takes the claim to the operators: after the seller's answer, or from day 4."""
    require(actor.user, Action.FILE_CLAIM, claim)
    now = now or utcnow()
    if claim.status is ClaimStatus.OPEN and now < claim.escalate_from:
        raise InvalidClaimMove(
            lazy_gettext("You may escalate once the seller answers, or from day 4 of the claim.")
        )
    move_claim(
        actor, claim, ClaimStatus.ESCALATED, _note(note, required=False), **escalate_values(now)
    )
    notify_counterparty(actor, claim.order, "claim_escalated")


def inspections_open(claim: Claim) -> list[ClaimInspection]:
    return [inspection for inspection in claim.inspections if inspection.reported_at is None]
