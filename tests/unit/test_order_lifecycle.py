"""Every (from, to) pair of the transition table, for every kind of actor."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CompanyRole, OrderEvent, OrderStatus, PaymentStatus
from app.services.audit.recording import Actor
from app.services.errors import DomainError
from app.services.orders.lifecycle import MOVERS, TRANSITIONS, InvalidTransition, transition
from tests.factories import CompanyFactory, OrderFactory, UserFactory

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
    "seller": {CompanyRole.OWNER, CompanyRole.SALES},
    "buyer": {CompanyRole.OWNER, CompanyRole.PURCHASER},
}


def _expected(
    side: str,
    role: CompanyRole | None,
    start: OrderStatus,
    target: OrderStatus,
    paid: PaymentStatus,
) -> bool:
    """The rule, written independently of the code under test."""
    if target not in TRANSITIONS[start]:
        return False
    mover = MOVERS[target]
    allowed = side == "system" if mover == "system" else (side == mover and role in MAY_ACT[mover])
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
    order = OrderFactory(status=OrderStatus.SHIPPED)
    seller = Actor(UserFactory(company=order.seller, company_role=CompanyRole.SALES))
    with pytest.raises(InvalidTransition) as caught:
        transition(seller, order, OrderStatus.ACCEPTED)
    assert "Shipped" in str(caught.value) and "Accepted" in str(caught.value)
