"""Orders with a change proposed: a CFR order the seller accepted with freight.

``cfr_trade`` lists goods sold CFR Shanghai; ``accepted_with_freight`` places 200 units
($500.00 of goods, 30 % deposit terms) and has the seller's sales clerk accept with the
given freight, which waits as a proposal for the buyer's answer.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import Flask

from app.extensions import db
from app.models import Incoterm, Order, OrderChangeProposal, ProductIncoterm
from app.services.audit.recording import Actor
from app.services.fulfilment import actions, proposals
from tests.builders.orders import place_for
from tests.builders.trade import Trade, make_trade


def cfr_trade() -> Trade:
    return make_trade(
        incoterms=[
            ProductIncoterm(rule=Incoterm.CFR, named_place="Shanghai"),
            ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai"),
        ]
    )


def accepted_with_freight(
    app: Flask, trade: Trade, freight: str = "80", incoterm: str = "CFR"
) -> tuple[Order, OrderChangeProposal]:
    order = place_for(
        app,
        trade.purchaser,
        [(trade.product, 200)],
        incoterm=incoterm,
        incoterm_place="Shanghai",
        payment_terms="deposit_30_balance_70_bl",
    )
    with app.test_request_context():
        actions.accept(
            Actor(trade.sales),
            order,
            confirmed_ship_date=date.today() + timedelta(days=14),
            freight=Decimal(freight),
        )
        db.session.commit()
        proposal = proposals.open_proposal(order)
    assert proposal is not None
    return order, proposal
