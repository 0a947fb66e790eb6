"""Migration 0036: unit prices in whole minor units become exact hundredths of one
(US$0.2524) and come back, on both databases; a sub-cent price blocks a lossy downgrade."""

from __future__ import annotations

from decimal import Decimal

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import select

from app.database import commit
from app.extensions import db
from app.models import OrderLine, OrderStatus, PriceTier, Product
from tests.builders.orders import order_in
from tests.builders.trade import make_trade
from tests.factories.rates import this_weeks_rates
from tests.support.db import stored_row

BEFORE = "0035_milestone_invoice"


def test_whole_cent_prices_come_through_the_migration_both_ways(isolated_app: Flask) -> None:
    with isolated_app.app_context():
        this_weeks_rates()  # the shipped order's invoice converts to the seller's currency
        trade = make_trade(price_from_minor=26_550, stock_quantity=Decimal(5000))
        commit()
        product_id = trade.product.id
        order = order_in(isolated_app, trade, OrderStatus.SHIPPED, quantity=1200)
        order_id = order.id
        db.session.remove()

        flask_migrate.downgrade(revision=BEFORE)
        # Whole cents again, as stored before sub-cent prices: US$265.50 is 26550.
        assert stored_row(
            "SELECT unit_price_minor FROM order_lines WHERE order_id = :id", order_id
        ) == (26_550,)
        assert stored_row("SELECT price_from_minor FROM products WHERE id = :id", product_id) == (
            26_550,
        )
        db.session.remove()

        flask_migrate.upgrade()
        line = db.session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)).one()
        assert line.unit_price_minor == Decimal(26_550)
        product = db.session.get(Product, product_id)
        assert product is not None and product.price_from_minor == Decimal(26_550)
        if db.session.connection().dialect.name == "sqlite":
            # SQLite keeps hundredths of a cent in an integer: exact, and comparable in SQL.
            stored = stored_row(
                "SELECT unit_price_minor FROM order_lines WHERE order_id = :id", order_id
            )
            assert stored == (2_655_000,)
        db.session.remove()


def test_a_sub_cent_price_blocks_a_lossy_downgrade(
    isolated_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with isolated_app.app_context():
        trade = make_trade(
            unit="KGM",
            price_from_minor=Decimal("25.24"),
            price_tiers=[PriceTier(min_quantity=100, unit_price_minor=Decimal("25.24"))],
        )
        commit()
        product_id = trade.product.id
        db.session.remove()
        product = db.session.get(Product, product_id)
        assert product is not None
        assert [t.unit_price_minor for t in product.price_tiers] == [Decimal("25.24")]
        db.session.remove()

        # Flask-Migrate logs the migration's error and exits.
        with pytest.raises(SystemExit):
            flask_migrate.downgrade(revision=BEFORE)
        assert "holds prices finer than a minor unit" in caplog.text
        db.session.rollback()
        db.session.remove()
