"""Migration 0031: whole-unit quantities become exact decimals and come back, on both
databases, with the orders and shipments that reference order lines intact."""

from __future__ import annotations

from decimal import Decimal

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import func, select

from app.database import commit
from app.extensions import db
from app.models import OrderLine, OrderStatus, Product, ShipmentLine
from tests.builders.orders import order_in
from tests.builders.trade import make_trade
from tests.factories.rates import this_weeks_rates
from tests.support.db import stored_row

BEFORE = "0030_document_einvoice_flag"


def test_whole_quantities_come_through_the_migration_both_ways(isolated_app: Flask) -> None:
    with isolated_app.app_context():
        this_weeks_rates()  # the shipped order's invoice converts to the seller's currency
        trade = make_trade(stock_quantity=Decimal(5000))
        commit()
        product_id = trade.product.id
        order = order_in(isolated_app, trade, OrderStatus.SHIPPED, quantity=1200)
        order_id = order.id
        db.session.remove()

        flask_migrate.downgrade(revision=BEFORE)
        # Whole units again, as wave 1 stored them.
        assert stored_row(
            "SELECT quantity, reserved_quantity FROM order_lines WHERE order_id = :id", order_id
        ) == (1200, 1200)
        assert stored_row("SELECT stock_quantity FROM products WHERE id = :id", product_id) == (
            3800,
        )
        db.session.remove()

        flask_migrate.upgrade()
        line = db.session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)).one()
        assert (line.quantity, line.reserved_quantity) == (Decimal(1200), Decimal(1200))
        # The order lines table was rebuilt on SQLite: what references it is still there.
        shipped = db.session.scalar(
            select(func.sum(ShipmentLine.quantity)).where(ShipmentLine.order_line_id == line.id)
        )
        assert shipped == Decimal(1200)
        product = db.session.get(Product, product_id)
        assert product is not None and product.stock_quantity == Decimal(3800)
        if db.session.connection().dialect.name == "sqlite":
            # SQLite keeps thousandths in an integer: exact, and summable in SQL.
            stored = stored_row("SELECT stock_quantity FROM products WHERE id = :id", product_id)
            assert stored == (3_800_000,)
        db.session.remove()


def test_decimal_quantities_are_exact_and_block_a_lossy_downgrade(
    isolated_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with isolated_app.app_context():
        trade = make_trade(stock_quantity=Decimal(5000))
        commit()
        product_id = trade.product.id
        product = db.session.get(Product, product_id)
        assert product is not None
        product.stock_quantity = Decimal("2480.35")
        commit()
        db.session.remove()
        product = db.session.get(Product, product_id)
        assert product is not None and product.stock_quantity == Decimal("2480.35")
        assert str(product.stock_quantity) == "2480.35"
        db.session.remove()

        # Flask-Migrate logs the migration's error and exits.
        with pytest.raises(SystemExit):
            flask_migrate.downgrade(revision=BEFORE)
        assert "products.stock_quantity holds decimal quantities" in caplog.text
        db.session.rollback()
        db.session.remove()


def test_a_quantity_with_four_decimals_is_refused_before_it_isstored_row(
    isolated_app: Flask,
) -> None:
    with isolated_app.app_context():
        trade = make_trade()
        commit()
        product = db.session.get(Product, trade.product.id)
        assert product is not None
        product.stock_quantity = Decimal("1.2345")
        with pytest.raises(Exception, match="at most 3 decimals"):
            db.session.flush()
        db.session.rollback()
        db.session.remove()
