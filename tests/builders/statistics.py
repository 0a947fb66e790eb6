"""Cubes for the statistics pages: facts written as the refresh writes them, one shipped order each."""

from __future__ import annotations

from datetime import date

from app.extensions import db
from app.models import Company, FlowDirection, IncotermGroup, TradeFlowFact
from app.services.statistics.cube import bump_version
from tests.factories import CompanyFactory, OrderFactory


def sellers_and_buyers(count: int) -> tuple[list[Company], list[Company]]:
    sellers = [CompanyFactory(legal_name=f"Statistics Seller {n}") for n in range(count)]
    buyers = [
        CompanyFactory(chinese_buyer=True, legal_name=f"Statistics Buyer {n}") for n in range(count)
    ]
    return sellers, buyers


def fact(
    seller: Company,
    buyer: Company,
    month: date,
    hs4: str,
    value_usd: int,
    *,
    weight_kg: int = 1000,
    loading: str = "Karachi",
    discharge: str = "Shanghai",
    direction: FlowDirection = FlowDirection.PK_CN,
    group: IncotermGroup = IncotermGroup.F,
) -> TradeFlowFact:
    """One shipped order's trade under ``hs4`` in ``month``, ``value_usd`` whole dollars."""
    order = OrderFactory(seller=seller, buyer=buyer, shipped=True)
    row = TradeFlowFact(
        order_id=order.id,
        month=month,
        direction=direction,
        hs2=hs4[:2],
        hs4=hs4,
        port_of_loading=loading,
        port_of_discharge=discharge,
        incoterm_group=group,
        seller_id=seller.id,
        buyer_id=buyer.id,
        value_usd_minor=value_usd * 100,
        net_weight_g=weight_kg * 1000,
        shipments=1,
    )
    db.session.add(row)
    return row


def refreshed() -> None:
    """What the refresh job does last: a new cube version (cached tables are dropped)."""
    db.session.flush()
    bump_version()
    db.session.flush()
