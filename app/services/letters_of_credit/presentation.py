"""Presenting the documents to the bank, and the bank's answer.

Shaped like the order lifecycle: a table of allowed moves and one ``answer`` that moves
with a conditional UPDATE, so of two clerks recording answers at once exactly one wins;
each move is an order event both sides see on the timeline. Payment stays where it was:
the seller's finance records the bank's payment against the L/C milestone as a receipt
(at sight on honour, or at the maturity date for usance).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext
from sqlalchemy import select, update

from app.extensions import db
from app.models import AvailableBy, CreditPresentation, LetterOfCredit, Order, PresentationState
from app.models.base import utcnow
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor
from app.services.errors import Conflict, ValidationFailed
from app.services.letters_of_credit.facts import document_set
from app.services.letters_of_credit.terms import require_plausible
from app.services.orders.lifecycle import record_event

P = PresentationState

# The bank's answers, and from where each may be given.
MOVES: dict[PresentationState, frozenset[PresentationState]] = {
    P.COMPLYING: frozenset({P.PRESENTED}),
    P.DISCREPANT: frozenset({P.PRESENTED}),
    P.WAIVER_ASKED: frozenset({P.DISCREPANT}),
    P.ACCEPTED: frozenset({P.DISCREPANT, P.WAIVER_ASKED}),
    P.REFUSED: frozenset({P.DISCREPANT, P.WAIVER_ASKED}),
}
HONOURED = frozenset({P.COMPLYING, P.ACCEPTED})


def present(
    actor: Actor, credit: LetterOfCredit, presented_on: date | None, bank: str
) -> CreditPresentation:
    """The seller records that the set went to the bank on ``presented_on``."""
    require(actor.user, Action.PRESENT_DOCUMENTS, credit)
    bank = (bank or "").strip()
    if not 2 <= len(bank) <= 200:
        raise ValidationFailed(lazy_gettext("Give the bank the documents went to."), "bank")
    if presented_on is None:
        raise ValidationFailed(lazy_gettext("Give the date of presentation."), "presented_on")
    require_plausible(presented_on, "presented_on")
    if any(p.state not in (P.REFUSED,) for p in credit.presentations):
        raise Conflict(
            lazy_gettext("The documents are presented already; record the bank's answer.")
        )
    terms = credit.terms
    documents = document_set(credit.order, terms, presented_on).documents
    presentation = CreditPresentation(
        credit=credit,
        terms_version=terms.version,
        presented_on=presented_on,
        bank=bank,
        documents=[{"kind": d.kind.value, "label": d.label} for d in documents],
        state=P.PRESENTED,
        presented_by_id=actor.user.id if actor.user else None,
    )
    db.session.add(presentation)
    db.session.flush()
    record_event(actor, credit.order, "credit_presented", note=f"{terms.number} · {bank}")
    return presentation


def answer(
    actor: Actor,
    presentation: CreditPresentation,
    state: PresentationState,
    answered_on: date | None,
    discrepancies: str | None = None,
) -> CreditPresentation:
    """Record the bank's answer (the seller hears it from its bank and records it)."""
    credit = presentation.credit
    require(actor.user, Action.PRESENT_DOCUMENTS, credit)
    if state not in MOVES:
        raise ValidationFailed(lazy_gettext("Choose the bank's answer."), "state")
    if answered_on is None or answered_on < presentation.presented_on:
        raise ValidationFailed(lazy_gettext("Give the date of the bank's answer."), "answered_on")
    require_plausible(answered_on, "answered_on")
    listed = (discrepancies or "").strip() or None
    if state is P.DISCREPANT and not listed:
        raise ValidationFailed(
            lazy_gettext("Give the bank's list of discrepancies."), "discrepancies"
        )
    if listed and len(listed) > 4000:
        raise ValidationFailed(lazy_gettext("This is too long."), "discrepancies")
    terms = credit.terms
    maturity = None
    if state in HONOURED and terms.available_by is not AvailableBy.SIGHT_PAYMENT:
        maturity = answered_on + timedelta(days=terms.usance_days or 0)
    values: dict[str, object] = {"state": state, "answered_on": answered_on, "updated_at": utcnow()}
    if maturity is not None:
        values["maturity_date"] = maturity
    if listed is not None:
        values["bank_discrepancies"] = listed
    moved = db.session.execute(
        update(CreditPresentation)
        .where(CreditPresentation.id == presentation.id, CreditPresentation.state.in_(MOVES[state]))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not moved.rowcount:  # type: ignore[attr-defined]
        raise Conflict(lazy_gettext("The bank's answer cannot change this way now."))
    db.session.refresh(presentation)
    if maturity is not None and credit.milestone.due_on != maturity:
        credit.milestone.due_on = maturity  # usance: the milestone falls due at maturity
    note = f"{terms.number} · {state.value}" + (f" · {maturity.isoformat()}" if maturity else "")
    record_event(actor, credit.order, "credit_bank_answer", note=note)
    return presentation


def visible_presentation(company_id: int, public_id: str) -> CreditPresentation | None:
    """A presentation under a credit on an order the company is party to (else None: 404)."""
    found: CreditPresentation | None = db.session.scalar(
        select(CreditPresentation)
        .join(LetterOfCredit, LetterOfCredit.id == CreditPresentation.credit_id)
        .join(Order, Order.id == LetterOfCredit.order_id)
        .where(
            CreditPresentation.public_id == public_id,
            (Order.seller_id == company_id) | (Order.buyer_id == company_id),
        )
    )
    return found
