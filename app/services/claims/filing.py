"""Filing a claim, adding evidence, withdrawing.

A claim names its type, the order lines and quantities concerned and the amount asked on
each; no line is asked more than was paid on it. Any claim is filed inside the order's
claims window; a claim that the goods were never shipped may also be filed once the
confirmed shipment date has passed on an order still in the seller's hands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import IO

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Claim,
    ClaimEvidence,
    ClaimEvidenceKind,
    ClaimLine,
    ClaimOutcome,
    ClaimSide,
    ClaimStatus,
    ClaimType,
    Order,
    OrderLine,
    OrderStatus,
)
from app.models.base import utcnow
from app.money import Money, plain_decimal
from app.numbers import NumberProblem
from app.reference.units import parse_quantity, quantity_places
from app.services.accounts.capabilities import Action, Side, can, require, side_of
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor, record_audit
from app.services.claims import window
from app.services.claims.states import LIVE, move_claim, record_claim_event
from app.services.errors import NotAllowed, ValidationFailed
from app.services.files import store_upload
from app.services.orders.lifecycle import complete_if_settled
from app.services.orders.notifications import notify_counterparty
from app.services.orders.shipped import already_shipped, line_amounts_shipped
from app.services.payments.milestones import parse_amount

MIN_STATEMENT = 10
MAX_STATEMENT = 4000
BEFORE_SHIPMENT = frozenset({OrderStatus.ACCEPTED, OrderStatus.IN_PRODUCTION})


@dataclass(frozen=True)
class ClaimLineInput:
    line_no: int
    quantity: Decimal | int | str  # in the line's unit: 0.75 t, 20 pieces; text as typed
    amount: str  # in the order's currency, as typed


@dataclass(frozen=True)
class ClaimInput:
    claim_type: str
    statement: str
    lines: list[ClaimLineInput] = field(default_factory=list)


def paid_on_line(order: Order, line: OrderLine, value_minor: int | None = None) -> int:
    """What was paid on ``line``: its share of what the order's payments now count.

    Payments are not earmarked per line, so a line is paid in the proportion the order is
    (rounded down): a fully paid order has paid each line's total, a 30 % deposit 30 %.
    """
    if order.total_minor <= 0:
        return 0
    paid = min(max(order.paid_minor, 0), order.total_minor)
    value = line.line_total_minor if value_minor is None else value_minor
    return value * paid // order.total_minor


def _claimed_quantity(entry: ClaimLineInput, line: OrderLine, most: Decimal) -> Decimal:
    """The quantity concerned, by the line's unit (0.75 t may be short, half a piece may
    not) and never more than ``most``: what shipped, or before shipment what was ordered."""
    try:
        # From zero, so half a piece is refused with the unit's rule, not "at least 1".
        quantity = parse_quantity(entry.quantity, line.unit, minimum=0, maximum=None)
    except NumberProblem as problem:
        raise ValidationFailed(
            lazy_gettext("Line %(no)s: %(problem)s", no=line.line_no, problem=problem.message),
            "lines",
        ) from None
    if not 0 < quantity <= most:
        raise ValidationFailed(
            lazy_gettext(
                "The quantity on line %(no)s must be between %(least)s and %(most)s.",
                no=line.line_no,
                least=Decimal(1).scaleb(-quantity_places(line.unit)),
                most=plain_decimal(most),
            ),
            "lines",
        )
    return quantity


def _lines_under_claim(order: Order) -> set[int]:
    return set(
        db.session.scalars(
            select(ClaimLine.order_line_id)
            .join(Claim, Claim.id == ClaimLine.claim_id)
            .where(Claim.order_id == order.id, Claim.status.in_(LIVE))
        )
    )


def shipment_overdue(order: Order, now: datetime) -> bool:
    """Still in the seller's hands after the promised shipment date (the buyer's day)."""
    promised = order.confirmed_ship_date
    return (
        order.status in BEFORE_SHIPMENT
        and promised is not None
        and company_today(order.buyer, now) > promised
    )


def check_may_file(order: Order, claim_type: ClaimType, now: datetime) -> None:
    """Refuse a claim the order's state or window does not allow, saying why."""
    if order.status is OrderStatus.DELIVERED:
        found = window.window_of(order)
        if not window.is_open(found, now):
            raise NotAllowed(lazy_gettext("The claims window of this order has closed."))
        return
    if claim_type is ClaimType.NOT_SHIPPED and order.status in BEFORE_SHIPMENT:
        if shipment_overdue(order, now):
            return
        raise NotAllowed(
            lazy_gettext("A claim that the goods were not shipped waits for the promised date.")
        )
    raise NotAllowed(lazy_gettext("Claims are filed once the buyer has received the goods."))


def file_claim(actor: Actor, order: Order, data: ClaimInput, now: datetime | None = None) -> Claim:
    """The buyer files a claim; the seller's three days start now."""
    user = require(actor.user, Action.FILE_CLAIM, order)
    try:
        claim_type = ClaimType(data.claim_type)
    except ValueError:
        raise ValidationFailed(lazy_gettext("Choose what went wrong."), "claim_type") from None
    now = now or utcnow()
    check_may_file(order, claim_type, now)
    statement = (data.statement or "").strip()
    if not MIN_STATEMENT <= len(statement) <= MAX_STATEMENT:
        raise ValidationFailed(
            lazy_gettext("Say what happened, in 10 to 4,000 characters."), "statement"
        )
    by_number = {line.line_no: line for line in order.lines}
    taken = _lines_under_claim(order)
    # Once goods shipped, a line is what shipped of it (within the tolerance, not always
    # what was ordered) and what that is worth; before, as ordered.
    shipped = already_shipped(order) if order.shipments else None
    values = line_amounts_shipped(order) if order.shipments else None
    lines: list[ClaimLine] = []
    for entry in data.lines:
        line = by_number.get(entry.line_no)
        if line is None:
            raise ValidationFailed(lazy_gettext("Choose lines of this order."), "lines")
        if line.id in taken:
            raise ValidationFailed(
                lazy_gettext("Line %(no)s is already under a running claim.", no=line.line_no),
                "lines",
            )
        quantity = _claimed_quantity(
            entry, line, line.quantity if shipped is None else shipped[line.id]
        )
        amount = parse_amount(entry.amount, order.currency, "lines", zero=True).to_minor()
        most = paid_on_line(order, line, None if values is None else values[line.id])
        if amount > most:
            raise ValidationFailed(
                lazy_gettext(
                    "On line %(no)s you may ask at most what was paid on it: %(most)s.",
                    no=line.line_no,
                    most=Money.from_minor(most, order.currency).format(),
                ),
                "lines",
            )
        lines.append(ClaimLine(order_line_id=line.id, quantity=quantity, amount_minor=amount))
    if not lines:
        raise ValidationFailed(lazy_gettext("Choose at least one line."), "lines")
    asked = sum(line.amount_minor for line in lines)
    if asked <= 0 and claim_type is not ClaimType.DOCUMENTS:
        raise ValidationFailed(lazy_gettext("Say how much you ask for."), "lines")
    clocks = window.clocks()
    claim = Claim(
        order=order,
        buyer_id=order.buyer_id,
        seller_id=order.seller_id,
        filed_by_id=user.id,
        claim_type=claim_type,
        status=ClaimStatus.OPEN,
        currency=order.currency,
        amount_asked_minor=asked,
        statement=statement,
        filed_at=now,
        respond_by=now + clocks.response,
        escalate_from=now + clocks.response,
        auto_escalate_at=now + clocks.auto_escalate,
        lines=lines,
    )
    db.session.add(claim)
    db.session.flush()
    record_claim_event(
        actor, claim, "filed", to_status=ClaimStatus.OPEN, note=f"{claim.amount_asked}"
    )
    record_audit(
        actor,
        "claim.filed",
        company_id=order.buyer_id,
        object_type="claim",
        object_id=claim.public_id,
        details={"order": order.public_id, "type": claim_type.value, "asked_minor": asked},
    )
    notify_counterparty(actor, order, "claim_filed")
    return claim


def claim_side(actor: Actor, claim: Claim) -> ClaimSide:
    """The side ``actor`` acts for on ``claim``, checked in the capability table."""
    side = side_of(actor.user, claim)
    if side is Side.BUYER and can(actor.user, Action.FILE_CLAIM, claim):
        return ClaimSide.BUYER
    if side is Side.SELLER and can(actor.user, Action.ANSWER_CLAIM, claim):
        return ClaimSide.SELLER
    raise NotAllowed(lazy_gettext("Only the two parties' staff in charge add to a claim."))


def add_evidence(
    actor: Actor,
    claim: Claim,
    upload: bytes | IO[bytes],
    *,
    filename: str | None,
    kind: str,
    description: str | None = None,
    now: datetime | None = None,
) -> ClaimEvidence:
    """A file for the claim from either side, while its side may still add evidence."""
    side = claim_side(actor, claim)
    assert actor.user is not None
    if claim.status not in LIVE or claim.status in (ClaimStatus.DECIDED, ClaimStatus.AGREED):
        raise NotAllowed(lazy_gettext("This claim takes no more evidence."))
    now = now or utcnow()
    if claim.status is ClaimStatus.ESCALATED:
        done = claim.buyer_evidence_at if side is ClaimSide.BUYER else claim.seller_evidence_at
        if done is not None or (claim.evidence_by is not None and now >= claim.evidence_by):
            raise NotAllowed(lazy_gettext("Your deadline for evidence has passed."))
    try:
        evidence_kind = ClaimEvidenceKind(kind)
    except ValueError:
        raise ValidationFailed(lazy_gettext("Say what the file is."), "kind") from None
    stored = store_upload(
        actor.user, upload, filename=filename, purpose="claim_evidence", field="file"
    )
    evidence = ClaimEvidence(
        claim=claim,
        stored_file_id=stored.id,
        kind=evidence_kind,
        side=side,
        description=(description or "").strip()[:300] or None,
        uploaded_by_id=actor.user.id,
        uploaded_at=now,
    )
    db.session.add(evidence)
    db.session.flush()
    record_claim_event(actor, claim, "evidence", note=f"{evidence_kind.value}: {stored.filename}")
    return evidence


def withdraw(actor: Actor, claim: Claim, note: str | None = None) -> None:
    """The buyer withdraws the claim (not once agreed or decided)."""
    require(actor.user, Action.FILE_CLAIM, claim)
    move_claim(actor, claim, ClaimStatus.WITHDRAWN, note, outcome=ClaimOutcome.WITHDRAWN)
    after_end(claim)


def after_end(claim: Claim) -> None:
    """A claim ended: the order may complete if its window is closed and paid."""
    complete_if_settled(claim.order)
