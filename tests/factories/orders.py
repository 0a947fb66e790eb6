"""Order rows: a placed order of one listing, or, through traits, an order in a later state.

The traits set the columns the services would have left on the order row (status, the
shipment and payment axes, the confirmed ship date) and nothing else: no timeline events,
payment milestones, receipts, shipments or documents. A test that needs those gets the
order from ``tests.builders.orders``, which drives the real services.

    OrderFactory(accepted=True)   OrderFactory(in_production=True)   OrderFactory(shipped=True)
    OrderFactory(delivered=True)  OrderFactory(completed=True)       OrderFactory(rejected=True)
    OrderFactory(cancelled=True)  OrderFactory(paid=True)            OrderFactory(partly_paid=True)

Status traits include the earlier ones (``shipped`` is also accepted and produced); the
payment traits combine with any of them (``OrderFactory(shipped=True, paid=True)``).
"""

from __future__ import annotations

from datetime import date, timedelta

import factory

from app.extensions import db
from app.models import (
    CompanyRole,
    Incoterm,
    Order,
    OrderLine,
    OrderStatus,
    PaymentStatus,
    PaymentTerms,
    ShipmentStatus,
)
from tests.factories.accounts import CompanyFactory, UserFactory
from tests.factories.base import BaseFactory

S = OrderStatus


def _in_ten_days() -> date:
    return date.today() + timedelta(days=10)


class OrderFactory(BaseFactory):
    """A placed order of one listing between a Chinese buyer and a Pakistani seller."""

    class Meta:
        model = Order

    seller = factory.SubFactory(CompanyFactory)
    buyer = factory.SubFactory(CompanyFactory, chinese_buyer=True)
    placed_by = factory.SubFactory(
        UserFactory,
        company=factory.SelfAttribute("..buyer"),
        company_role=CompanyRole.PURCHASER,
    )
    currency = "USD"
    incoterm = Incoterm.FOB
    incoterm_place = "Karachi"
    destination_country = "CN"
    destination_port = "Shanghai"
    consignee = "MCCT International, Pudong, Shanghai"
    payment_terms = PaymentTerms.DEPOSIT_BALANCE_BL
    status = S.PLACED
    goods_total_minor = 250_000
    total_minor = 250_000

    class Params:
        # The contract's lifecycle, each state including the ones before it.
        accepted = factory.Trait(
            status=S.ACCEPTED, confirmed_ship_date=factory.LazyFunction(_in_ten_days)
        )
        in_production = factory.Trait(accepted=True, status=S.IN_PRODUCTION)
        shipped = factory.Trait(
            in_production=True, status=S.SHIPPED, shipment_status=ShipmentStatus.SHIPPED
        )
        delivered = factory.Trait(
            shipped=True, status=S.DELIVERED, shipment_status=ShipmentStatus.DELIVERED
        )
        completed = factory.Trait(delivered=True, paid=True, status=S.COMPLETED)
        rejected = factory.Trait(status=S.REJECTED, decision_reason="Out of stock this quarter.")
        cancelled = factory.Trait(status=S.CANCELLED, decision_reason="Budget moved to Q3.")
        # The payment axis (figures only: no milestones or receipts behind them).
        paid = factory.Trait(
            payment_status=PaymentStatus.PAID, paid_minor=factory.SelfAttribute("total_minor")
        )
        partly_paid = factory.Trait(
            payment_status=PaymentStatus.PARTLY_PAID,
            paid_minor=factory.LazyAttribute(lambda order: order.total_minor * 30 // 100),
        )

    @factory.post_generation
    def with_line(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not self.lines:
            self.lines = [
                OrderLine(
                    line_no=1, title="Emulsion explosive", hs_code="360200", origin_country="PK",
                    unit="KGM", quantity=1000, unit_price_minor=250, line_total_minor=250_000,
                )
            ]  # fmt: skip
        db.session.flush()
