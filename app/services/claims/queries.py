"""Reading claims: scoped by company (another company's claim answers None, so 404), the
operators' list, and the supplier profile's counts of claims received and how they ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, scoped_session, selectinload

from app.extensions import db
from app.models import (
    Claim,
    ClaimEvidence,
    ClaimOutcome,
    ClaimRecord,
    ClaimStatus,
    ClaimWindow,
    Order,
    OrderStatus,
    User,
)
from app.services.claims.states import LIVE

# The supplier profile shows claims only once a seller has this many orders: a single
# claim on two orders says little and weighs too much.
MIN_ORDERS_FOR_PROFILE = 5
_NOT_TRADED = (OrderStatus.REJECTED, OrderStatus.CANCELLED)


def _party(company_id: int) -> object:
    return or_(Claim.buyer_id == company_id, Claim.seller_id == company_id)


def visible_claim(user: User, public_id: str) -> Claim | None:
    """The claim if ``user``'s company is a party to it, or ``user`` is an operator."""
    query = (
        select(Claim)
        .where(Claim.public_id == public_id)
        .options(selectinload(Claim.lines), selectinload(Claim.events))
    )
    if not user.is_operator:
        query = query.where(_party(user.company_id or 0))  # type: ignore[arg-type]
    claim: Claim | None = db.session.scalar(query)
    return claim


def visible_evidence(user: User, claim: Claim, public_id: str) -> ClaimEvidence | None:
    return next((e for e in claim.evidence if e.public_id == public_id), None)


def claim_records(claim: Claim) -> list[ClaimRecord]:
    """The claim's exported records, newest first."""
    return list(
        db.session.scalars(
            select(ClaimRecord)
            .where(ClaimRecord.claim_id == claim.id)
            .order_by(ClaimRecord.issued_at.desc(), ClaimRecord.id.desc())
        )
    )


def claims_of_order(order: Order) -> list[Claim]:
    return list(
        db.session.scalars(select(Claim).where(Claim.order_id == order.id).order_by(Claim.id))
    )


def window_and_claims(order: Order) -> tuple[ClaimWindow | None, list[Claim]]:
    """The order's claims window and its claims, in one statement (for the order pages)."""
    rows = db.session.execute(
        select(ClaimWindow, Claim)
        .select_from(Order)
        .outerjoin(ClaimWindow, ClaimWindow.order_id == Order.id)
        .outerjoin(Claim, Claim.order_id == Order.id)
        .where(Order.id == order.id)
        .order_by(Claim.id)
    ).all()
    found = rows[0][0] if rows else None
    return found, [claim for _, claim in rows if claim is not None]


def window_of_order(order: Order) -> ClaimWindow | None:
    window: ClaimWindow | None = db.session.scalar(
        select(ClaimWindow).where(ClaimWindow.order_id == order.id)
    )
    return window


def company_claims(company_id: int) -> list[Claim]:
    """The company's claims, filed or received, newest first."""
    return list(
        db.session.scalars(
            select(Claim)
            .where(_party(company_id))  # type: ignore[arg-type]
            .options(selectinload(Claim.order))
            .order_by(Claim.id.desc())
            .limit(200)
        )
    )


def escalated_claims_count() -> int:
    """How many claims wait for the operator's decision (the operator home's count)."""
    return int(
        db.session.scalar(select(func.count(Claim.id)).where(Claim.status == ClaimStatus.ESCALATED))
        or 0
    )


def operator_claims(only_escalated: bool = True) -> list[Claim]:
    """The operators' list: escalated claims first (oldest first), or every running one."""
    statuses = (ClaimStatus.ESCALATED,) if only_escalated else tuple(LIVE)
    return list(
        db.session.scalars(
            select(Claim)
            .where(Claim.status.in_(statuses))
            .options(selectinload(Claim.order))
            .order_by(Claim.escalated_at, Claim.id)
            .limit(200)
        )
    )


@dataclass(frozen=True)
class ClaimOutcomes:
    """Claims a seller received and how they ended (running ones apart)."""

    orders: int
    received: int
    running: int
    ended: dict[ClaimOutcome, int] = field(default_factory=dict)


def claim_outcomes(session: Session | scoped_session[Any], seller_id: int) -> ClaimOutcomes | None:
    """The supplier profile's counts; None until the seller has 5 orders."""
    orders = int(
        session.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.seller_id == seller_id, Order.status.not_in(_NOT_TRADED))
        )
        or 0
    )
    if orders < MIN_ORDERS_FOR_PROFILE:
        return None
    rows = session.execute(
        select(Claim.status, Claim.outcome, func.count())
        .where(Claim.seller_id == seller_id)
        .group_by(Claim.status, Claim.outcome)
    ).all()
    ended = dict.fromkeys(ClaimOutcome, 0)
    received = running = 0
    for status, outcome, count in rows:
        received += count
        if status in LIVE or outcome is None:
            running += count
        else:
            ended[ClaimOutcome(outcome)] += count
    return ClaimOutcomes(orders=orders, received=received, running=running, ended=ended)
