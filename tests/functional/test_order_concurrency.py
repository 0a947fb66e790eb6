"""Racing buyers and racing parties, each thread with its own app context and session.

Runs on a file SQLite database, or a fresh PostgreSQL database under ``make test-pg``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Flask
from sqlalchemy import func, select

from app.database import commit
from app.extensions import db
from app.models import (
    CartLine,
    CompanyRole,
    Order,
    OrderStatus,
    PaymentMilestone,
    PaymentStatus,
    Product,
    User,
)
from app.services.audit.recording import Actor
from app.services.fulfilment import actions
from app.services.orders.lifecycle import expect_status
from app.services.orders.placing import OrderTerms, place_order
from app.services.payments import milestones as payments
from tests.builders.orders import order_in
from tests.builders.trade import make_trade
from tests.factories import CompanyFactory, ProductFactory, UserFactory, this_weeks_rates
from tests.support.races import race

TERMS = dict(
    incoterm="FOB",
    incoterm_place="Karachi",
    destination_country="CN",
    destination_port="Shanghai",
    consignee="MCCT International, Pudong, Shanghai",
    payment_terms="advance",
)


def _buyers(count: int, products: list[tuple[int, int]]) -> list[int]:
    """``count`` purchasers, each with the given (product id, quantity) lines in the cart."""
    ids = []
    for _ in range(count):
        user = UserFactory(
            company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
        )
        for product_id, quantity in products:
            db.session.add(CartLine(user_id=user.id, product_id=product_id, quantity=quantity))
        ids.append(user.id)
    return ids


def _place(user_id: int) -> Callable[[], str]:
    def job() -> str:
        user = db.session.get(User, user_id)
        assert user is not None
        line = db.session.scalar(select(CartLine).where(CartLine.user_id == user_id))
        assert line is not None
        product = db.session.get(Product, line.product_id)
        assert product is not None
        order = place_order(
            Actor(user), f"{product.seller.public_id}-{product.currency}", OrderTerms(**TERMS)
        )
        return f"placed {order.id}"

    return job


def test_ten_buyers_racing_for_the_last_five_units(isolated_app: Flask) -> None:
    with isolated_app.app_context():
        product = ProductFactory(moq=1, stock_quantity=5, price_from_minor=100)
        buyers = _buyers(10, [(product.id, 1)])
        product_id = product.id
        commit()
    results = race(isolated_app, [_place(user_id) for user_id in buyers])
    assert not [r for r in results if r.startswith("crashed")], results
    assert sum(r.startswith("placed") for r in results) == 5, results
    refused = [r for r in results if r.startswith("refused")]
    assert len(refused) == 5 and all("Not enough stock" in r for r in refused)
    with isolated_app.app_context():
        assert db.session.get(Product, product_id).stock_quantity == 0  # type: ignore[union-attr]
        assert db.session.scalar(select(func.count(Order.id))) == 5


def test_lines_in_opposite_orders_do_not_deadlock(isolated_app: Flask) -> None:
    with isolated_app.app_context():
        seller = CompanyFactory()
        first = ProductFactory(seller=seller, moq=1, stock_quantity=100, price_from_minor=100)
        second = ProductFactory(seller=seller, moq=1, stock_quantity=100, price_from_minor=100)
        forward = _buyers(3, [(first.id, 1), (second.id, 2)])
        backward = _buyers(3, [(second.id, 2), (first.id, 1)])
        ids = (first.id, second.id)
        commit()
    results = race(isolated_app, [_place(user_id) for user_id in forward + backward])
    assert all(r.startswith("placed") for r in results), results
    with isolated_app.app_context():
        stocks = [db.session.get(Product, pid).stock_quantity for pid in ids]  # type: ignore[union-attr]
        assert stocks == [94, 88]


def test_accept_and_cancel_at_once_exactly_one_wins(isolated_app: Flask) -> None:
    with isolated_app.app_context():
        product = ProductFactory(moq=1, stock_quantity=10, price_from_minor=100)
        (buyer_id,) = _buyers(1, [(product.id, 4)])
        seller_user = UserFactory(company=product.seller, company_role=CompanyRole.SALES)
        commit()
        seller_id, product_id = seller_user.id, product.id
    (placed,) = race(isolated_app, [_place(buyer_id)])
    order_id = int(placed.split()[1])

    # Each party acts on the order as its page showed it: placed.
    def accept() -> str:
        order = db.session.get(Order, order_id)
        expect_status(order, "placed")  # type: ignore[arg-type]
        actions.accept(
            Actor(db.session.get(User, seller_id)), order, confirmed_ship_date=_tomorrow()
        )  # type: ignore[arg-type]
        return "accepted"

    def cancel() -> str:
        order = db.session.get(Order, order_id)
        expect_status(order, "placed")  # type: ignore[arg-type]
        actions.cancel(Actor(db.session.get(User, buyer_id)), order, "changed our mind")  # type: ignore[arg-type]
        return "cancelled"

    results = race(isolated_app, [accept, cancel])
    winners = [r for r in results if not r.startswith("refused")]
    assert len(winners) == 1, results
    loser = next(r for r in results if r.startswith("refused"))
    assert "a moment ago" in loser or "cannot become" in loser
    with isolated_app.app_context():
        order = db.session.get(Order, order_id)
        stock = db.session.get(Product, product_id).stock_quantity  # type: ignore[union-attr]
        assert order is not None
        if winners == ["accepted"]:
            assert (order.status, stock) == (OrderStatus.ACCEPTED, 6)
        else:
            assert (order.status, stock) == (OrderStatus.CANCELLED, 10)


def _tomorrow():  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    return date.today() + timedelta(days=1)


def test_two_receipts_recorded_at_once_both_count(isolated_app: Flask) -> None:
    """A transfer on the deposit and one on the balance, recorded in the same instant:
    the order's paid total holds both, not whichever settled last."""
    with isolated_app.app_context():
        this_weeks_rates()
        trade = make_trade()
        finance = UserFactory(company=trade.seller, company_role=CompanyRole.FINANCE)
        commit()
        order = order_in(
            isolated_app,
            trade,
            OrderStatus.ACCEPTED,
            quantity=333,
            payment_terms="deposit_30_balance_70_bl",
        )
        order_id, finance_id = order.id, finance.id
        milestone_ids = [milestone.id for milestone in order.milestones]
        db.session.remove()

    def pay(milestone_id: int, reference: str) -> Callable[[], str]:
        def job() -> str:
            milestone = db.session.get(PaymentMilestone, milestone_id)
            user = db.session.get(User, finance_id)
            assert milestone is not None and user is not None
            amount = str(milestone.amount.amount)
            payments.record_receipt(
                Actor(user), milestone, payments.ReceiptInput(amount, date.today(), reference)
            )
            return "recorded"

        return job

    results = race(
        isolated_app, [pay(milestone_ids[0], "TT-DEPOSIT"), pay(milestone_ids[1], "TT-BALANCE")]
    )
    assert results == ["recorded", "recorded"]
    with isolated_app.app_context():
        order = db.session.get(Order, order_id)
        assert order is not None
        assert order.paid_minor == order.total_minor
        assert order.payment_status is PaymentStatus.PAID
        db.session.remove()
