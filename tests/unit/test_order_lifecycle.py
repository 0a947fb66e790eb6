"""Every (from, to) pair of the transition table, for every kind of actor."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CompanyRole, OrderEvent, OrderStatus, PaymentStatus
from app.services.accounts.capabilities import Side
from app.services.audit.recording import Actor
from app.services.errors import DomainError
from app.services.orders.lifecycle import InvalidTransition, transition
from tests.factories import CompanyFactory, OrderFactory, UserFactory

S = OrderStatus

# The rules, written out by hand (not read from the code under test): where an order may
# go from each status, and which party makes each move.
NEXT: dict[OrderStatus, set[OrderStatus]] = {
    S.PLACED: {S.ACCEPTED, S.REJECTED, S.CANCELLED},
    S.ACCEPTED: {S.IN_PRODUCTION, S.CANCELLED},
    S.IN_PRODUCTION: {S.SHIPPED},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: {S.COMPLETED},
    S.REJECTED: set(),
    S.CANCELLED: set(),
    S.COMPLETED: set(),
}
MOVED_BY: dict[OrderStatus, Side] = {
    S.ACCEPTED: Side.SELLER,
    S.REJECTED: Side.SELLER,
    S.IN_PRODUCTION: Side.SELLER,
    S.SHIPPED: Side.SELLER,
    S.CANCELLED: Side.BUYER,
    S.DELIVERED: Side.BUYER,
    S.COMPLETED: Side.SYSTEM,
}

ACTORS = [
    ("seller", CompanyRole.OWNER),
    ("seller", CompanyRole.SALES),
    ("seller", CompanyRole.FINANCE),
    ("seller", CompanyRole.VIEWER),
    ("buyer", CompanyRole.OWNER),
    ("buyer", CompanyRole.PURCHASER),
    ("buyer", CompanyRole.FINANCE),
    ("buyer", CompanyRole.VIEWER),
    ("stranger", CompanyRole.OWNER),
    ("operator", None),
    ("system", None),
]
MAY_ACT = {
    Side.SELLER: {CompanyRole.OWNER, CompanyRole.SALES},
    Side.BUYER: {CompanyRole.OWNER, CompanyRole.PURCHASER},
}


def test_the_table_names_every_status_and_every_status_one_reaches() -> None:
    assert set(NEXT) == set(OrderStatus)
    assert set(MOVED_BY) == set().union(*NEXT.values())


def _expected(
    side: str,
    role: CompanyRole | None,
    start: OrderStatus,
    target: OrderStatus,
    paid: PaymentStatus,
) -> bool:
    """The rule, written independently of the code under test."""
    if target not in NEXT[start]:
        return False
    mover = MOVED_BY[target]
    if mover is Side.SYSTEM:
        allowed = side == "system"
    else:
        allowed = side == mover.value and role in MAY_ACT[mover]
    if (
        target is OrderStatus.CANCELLED
        and start is OrderStatus.ACCEPTED
        and paid is not PaymentStatus.UNPAID
    ):
        return False
    if target is OrderStatus.COMPLETED and paid is not PaymentStatus.PAID:
        return False
    return allowed


def _actor(side: str, role: CompanyRole | None, order: object) -> Actor:
    if side == "system":
        return Actor(None)
    if side == "operator":
        return Actor(UserFactory(operator=True))
    company = {"seller": order.seller, "buyer": order.buyer}.get(side) or CompanyFactory()  # type: ignore[attr-defined]
    return Actor(UserFactory(company=company, company_role=role))


@pytest.mark.parametrize(("start", "target"), list(itertools.product(OrderStatus, OrderStatus)))
def test_every_pair_for_every_actor(app_ctx: None, start: OrderStatus, target: OrderStatus) -> None:
    for (side, role), paid in itertools.product(ACTORS, [PaymentStatus.UNPAID, PaymentStatus.PAID]):
        order = OrderFactory(status=start, payment_status=paid)
        actor = _actor(side, role, order)
        expected = _expected(side, role, start, target, paid)
        with db.session.begin_nested():
            try:
                transition(actor, order, target, "checked")
                happened = True
            except DomainError:
                happened = False
        assert happened == expected, (side, role, start, target, paid)
        if happened:
            assert order.status is target
            event = db.session.scalar(select(OrderEvent).where(OrderEvent.order_id == order.id))
            assert event is not None
            assert (event.from_status, event.to_status, event.note) == (
                start.value,
                target.value,
                "checked",
            )
            assert event.actor_id == (actor.user.id if actor.user else None)
        else:
            db.session.refresh(order)
            assert order.status is start


def test_a_refused_move_says_why(app_ctx: None) -> None:
    order = OrderFactory(shipped=True)
    seller = Actor(UserFactory(company=order.seller, company_role=CompanyRole.SALES))
    with pytest.raises(InvalidTransition) as caught:
        transition(seller, order, OrderStatus.ACCEPTED)
    assert "Shipped" in str(caught.value) and "Accepted" in str(caught.value)
