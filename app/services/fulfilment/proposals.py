"""Consent to change: a placed order's figures move only when the other party agrees.

A party proposes a change (freight, insurance, the confirmed ship date) as old -> new
values; the other party accepts or declines it, or the proposer withdraws it. Like the
order lifecycle, one table says which moves exist and who makes them, and one function,
``move_proposal``, makes them with a conditional UPDATE so that of two racing answers
exactly one wins. Accepting applies the change, re-prices the unpaid milestones and issues
a new proforma revision superseding the one issued (documents never change). Declining
leaves the order as it was; either side may then cancel it (``cancel_after_decline``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import LazyString, lazy_gettext
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.i18n import format_day, format_money
from app.models import (
    Document,
    DocumentKind,
    Order,
    OrderChangeProposal,
    OrderStatus,
    PaymentStatus,
    ProposalState,
)
from app.models.base import utcnow
from app.money import Money
from app.services.accounts.capabilities import Action, Side, require, side_of
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor, record_audit
from app.services.documents.issuing import issue_document
from app.services.errors import Conflict, NotAllowed, ValidationFailed
from app.services.fulfilment.charges import check_charges
from app.services.orders.lifecycle import record_event, transition
from app.services.orders.notifications import notify_counterparty
from app.services.orders.stock import release_stock

P = ProposalState

# The moves a proposal may make, and which party makes each.
PROPOSAL_MOVES: dict[ProposalState, frozenset[ProposalState]] = {
    P.PROPOSED: frozenset({P.ACCEPTED, P.DECLINED, P.WITHDRAWN}),
    P.ACCEPTED: frozenset(),
    P.DECLINED: frozenset(),
    P.WITHDRAWN: frozenset(),
}
ANSWERED_BY_OTHER_PARTY = frozenset({P.ACCEPTED, P.DECLINED})

PROPOSAL_LABELS: dict[ProposalState, LazyString] = {
    P.PROPOSED: lazy_gettext("Waiting for an answer"),
    P.ACCEPTED: lazy_gettext("Accepted"),
    P.DECLINED: lazy_gettext("Declined"),
    P.WITHDRAWN: lazy_gettext("Withdrawn"),
}

# Until the goods leave, the contract's figures may still be changed by consent.
CHANGEABLE = frozenset({OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.IN_PRODUCTION})
_ACTS_FOR = {Side.SELLER: Action.ACT_AS_SELLER, Side.BUYER: Action.ACT_AS_BUYER}
MAX_NOTE = 2000


@dataclass(frozen=True)
class ProposedChange:
    """The order's new figures; None leaves a figure as it is."""

    freight_minor: int | None = None
    insurance_minor: int | None = None
    confirmed_ship_date: date | None = None


def _current(order: Order) -> dict[str, Any]:
    ship = order.confirmed_ship_date
    return {
        "freight_minor": order.freight_minor,
        "insurance_minor": order.insurance_minor,
        "confirmed_ship_date": ship.isoformat() if ship else None,
    }


def _wanted(change: ProposedChange) -> dict[str, Any]:
    ship = change.confirmed_ship_date
    return {
        "freight_minor": change.freight_minor,
        "insurance_minor": change.insurance_minor,
        "confirmed_ship_date": ship.isoformat() if ship else None,
    }


def _total_after(order: Order, changes: dict[str, list[Any]]) -> int:
    freight = changes.get("freight_minor", [None, order.freight_minor])[1]
    insurance = changes.get("insurance_minor", [None, order.insurance_minor])[1]
    return int(order.goods_total_minor + freight + insurance)


def _acting_side(actor: Actor, order: Order) -> Side:
    side = side_of(actor.user, order)
    if side is None:
        raise NotAllowed(lazy_gettext("Your role cannot make this change to the order."))
    require(actor.user, _ACTS_FOR[side], order)
    return side


def open_proposal(order: Order) -> OrderChangeProposal | None:
    found: OrderChangeProposal | None = db.session.scalar(
        select(OrderChangeProposal).where(
            OrderChangeProposal.order_id == order.id,
            OrderChangeProposal.state == P.PROPOSED,
        )
    )
    return found


def order_proposals(order: Order) -> list[OrderChangeProposal]:
    """Every proposal on ``order``, oldest first: both parties see them all."""
    return list(
        db.session.scalars(
            select(OrderChangeProposal)
            .where(OrderChangeProposal.order_id == order.id)
            .order_by(OrderChangeProposal.id)
        )
    )


def propose_change(
    actor: Actor, order: Order, change: ProposedChange, reason: str | None = None
) -> OrderChangeProposal:
    """Write a proposal to change ``order``; nothing about the order changes yet."""
    side = _acting_side(actor, order)
    if order.status not in CHANGEABLE:
        raise Conflict(lazy_gettext("Once the goods have shipped, the order cannot be changed."))
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_NOTE:
        raise ValidationFailed(lazy_gettext("Keep the reason under 2,000 characters."), "reason")
    current, wanted = _current(order), _wanted(change)
    changes = {
        name: [current[name], value]
        for name, value in wanted.items()
        if value is not None and value != current[name]
    }
    if not changes:
        raise ValidationFailed(lazy_gettext("The proposal changes nothing on the order."))
    check_charges(
        order.incoterm,
        int(changes.get("freight_minor", [0, 0])[1]),
        int(changes.get("insurance_minor", [0, 0])[1]),
    )
    if change.confirmed_ship_date is not None and change.confirmed_ship_date < company_today(
        order.seller
    ):
        raise ValidationFailed(lazy_gettext("The ship date is in the past."), "confirmed_ship_date")
    if open_proposal(order) is not None:
        raise Conflict(
            lazy_gettext("A proposed change is waiting for an answer: wait for it or withdraw it.")
        )
    proposal = OrderChangeProposal(
        order=order,
        proposing_company_id=actor.company_id,
        answering_company_id=order.buyer_id if side is Side.SELLER else order.seller_id,
        proposed_by_id=actor.user.id if actor.user else None,
        reason=reason,
        changes=changes,
        currency=order.currency,
        old_total_minor=order.total_minor,
        new_total_minor=_total_after(order, changes),
    )
    db.session.add(proposal)
    db.session.flush()
    record_event(actor, order, "change_proposed", note=describe(proposal))
    notify_counterparty(actor, order, "change_proposed")
    return proposal


def describe(proposal: OrderChangeProposal) -> str:
    """The change in one line for the timeline and e-mails: "Freight 0.00 → 28,000.00"."""
    parts = []
    labels = {
        "freight_minor": lazy_gettext("Freight"),
        "insurance_minor": lazy_gettext("Insurance"),
        "confirmed_ship_date": lazy_gettext("Ship date"),
    }
    currency = proposal.currency

    def shown(name: str, value: Any) -> str:
        # Amounts and days as the reader's language writes them ("US$28,000.00").
        if value in (None, ""):
            return "—"
        if name.endswith("_minor"):
            return format_money(Money.from_minor(int(value), currency))
        if isinstance(value, str) and name.endswith("date"):
            return format_day(date.fromisoformat(value))
        return str(value)

    for name, (old, new) in proposal.changes.items():
        parts.append(f"{labels.get(name, name)}: {shown(name, old)} → {shown(name, new)}")
    if proposal.old_total_minor != proposal.new_total_minor:
        old_total = shown("total_minor", proposal.old_total_minor)
        new_total = shown("total_minor", proposal.new_total_minor)
        parts.append(f"{lazy_gettext('Total')}: {old_total} → {new_total}")
    return " · ".join(parts)


def _check_move(actor: Actor, proposal: OrderChangeProposal, to: ProposalState) -> None:
    if to not in PROPOSAL_MOVES[proposal.state]:
        raise Conflict(
            lazy_gettext(
                "This proposal is already %(state)s.", state=PROPOSAL_LABELS[proposal.state]
            )
        )
    order = proposal.order
    _acting_side(actor, order)
    company = actor.company_id
    if to in ANSWERED_BY_OTHER_PARTY and company != proposal.answering_company_id:
        raise NotAllowed(lazy_gettext("The other party answers your proposal."))
    if to is P.WITHDRAWN and company != proposal.proposing_company_id:
        raise NotAllowed(lazy_gettext("Only the party that proposed a change withdraws it."))


def move_proposal(
    actor: Actor, proposal: OrderChangeProposal, to: ProposalState, note: str | None = None
) -> None:
    """Answer or withdraw ``proposal``: the one function that changes its state.

    The UPDATE names the state it checked; of two racing answers (the buyer's purchaser
    accepting while the owner declines) exactly one changes the row, and the other is told.
    """
    _check_move(actor, proposal, to)
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise ValidationFailed(lazy_gettext("Keep the note under 2,000 characters."), "note")
    now = utcnow()
    result = db.session.execute(
        update(OrderChangeProposal)
        .where(OrderChangeProposal.id == proposal.id, OrderChangeProposal.state == P.PROPOSED)
        .values(
            state=to,
            answered_at=now,
            answered_by_id=actor.user.id if actor.user else None,
            answer_note=note,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(proposal)
        raise Conflict(
            lazy_gettext(
                "Someone answered this proposal a moment ago: it is %(state)s.",
                state=PROPOSAL_LABELS[proposal.state],
            )
        )
    for name, value in (("state", to), ("answered_at", now), ("answer_note", note)):
        set_committed_value(proposal, name, value)
    set_committed_value(proposal, "answered_by_id", actor.user.id if actor.user else None)
    order = proposal.order
    kind = {P.ACCEPTED: "change_accepted", P.DECLINED: "change_declined"}.get(
        to, "change_withdrawn"
    )
    record_event(actor, order, kind, note=" · ".join(filter(None, [describe(proposal), note])))
    if to is P.ACCEPTED:
        _apply(actor, proposal)
    record_audit(
        actor,
        f"order.{kind}",
        object_type="order",
        object_id=order.public_id,
        details={"proposal": proposal.public_id, "changes": proposal.changes},
    )
    notify_counterparty(actor, order, kind)


def _apply(actor: Actor, proposal: OrderChangeProposal) -> None:
    """Make the agreed change: the order, its unpaid milestones, a new proforma revision."""
    order = proposal.order
    # The row lock makes a payment recorded meanwhile wait; then the figures are re-read.
    db.session.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    db.session.refresh(order)
    current = _current(order)
    if any(current[name] != old for name, (old, _new) in proposal.changes.items()):
        raise Conflict(lazy_gettext("The order changed since this proposal was made."))
    if order.status not in CHANGEABLE:
        raise Conflict(lazy_gettext("Once the goods have shipped, the order cannot be changed."))
    total_changes = proposal.new_total_minor != order.total_minor
    if total_changes and order.payment_status is not PaymentStatus.UNPAID:
        raise Conflict(
            lazy_gettext(
                "A payment was made on this order: settle it with the seller before changing"
                " the total."
            )
        )
    for name, (_old, new) in proposal.changes.items():
        if name == "confirmed_ship_date":
            order.confirmed_ship_date = date.fromisoformat(new) if new else None
        else:
            setattr(order, name, int(new))
    order.total_minor = order.goods_total_minor + order.freight_minor + order.insurance_minor
    if total_changes and order.milestones:
        _reprice_milestones(order)
    db.session.flush()
    _supersede_proforma(proposal)


def _reprice_milestones(order: Order) -> None:
    """Unpaid milestones take their percent of the new total (they always sum to it)."""
    milestones = list(order.milestones)
    amounts = Money.from_minor(order.total_minor, order.currency).allocate(
        [milestone.percent for milestone in milestones]
    )
    for milestone, amount in zip(milestones, amounts, strict=True):
        milestone.amount_minor = amount.to_minor()


def _supersede_proforma(proposal: OrderChangeProposal) -> None:
    """Issued documents never change: a proforma already issued gets a new revision."""
    order = proposal.order
    proformas = list(
        db.session.scalars(
            select(Document)
            .where(Document.order_id == order.id, Document.kind == DocumentKind.PROFORMA_INVOICE)
            .order_by(Document.id)
        )
    )
    if not proformas:
        return
    previous = proformas[-1]
    revision = len(proformas) + 1
    # Issued in the seller's name by Corridor (the seller proposed, the buyer agreed).
    document = issue_document(
        Actor(None),
        order,
        DocumentKind.PROFORMA_INVOICE,
        related={"supersedes": previous.number, "revision": str(revision)},
    )
    proposal.superseded_document_id = previous.id
    proposal.issued_document_id = document.id
    record_event(Actor(None), order, "documents", note=f"{document.number} (rev. {revision})")


def cancel_after_decline(actor: Actor, order: Order, reason: str | None = None) -> None:
    """After the buyer declined its change, the seller may cancel the unpaid order too.

    The buyer cancels as the lifecycle always allows (``actions.cancel``); the seller, whose
    freight or date the buyer declined, is not bound to perform on terms it did not get.
    """
    if _acting_side(actor, order) is not Side.SELLER:
        raise NotAllowed(lazy_gettext("The buyer cancels from its own order page."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(lazy_gettext("Tell the buyer why you cancel the order."), "reason")
    proposals = order_proposals(order)
    last = proposals[-1] if proposals else None
    if last is None or last.state is not P.DECLINED or last.proposing_company_id != order.seller_id:
        raise Conflict(
            lazy_gettext("The seller may cancel only after the buyer declined its change.")
        )
    transition(actor, order, OrderStatus.CANCELLED, reason, mover=Side.SELLER)
    order.decision_reason = reason[:MAX_NOTE]
    release_stock(order)
    notify_counterparty(actor, order, "cancelled_by_seller")
