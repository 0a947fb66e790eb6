"""RFQs and quotes made through the real services: an open RFQ, a quoted one, an award.

The parties are those of ``tests.builders.trade``: Li (purchaser of a Chinese importer)
asks Wah Nobel (sales: Sana) for a CFR Shanghai quote on 500 t of the listing's goods.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.extensions import db
from app.models import Order, QuoteRevision, Rfq
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.quotations.award import AwardInput, award
from app.services.quotations.quotes import QuoteInput, QuoteLineInput, submit_quote
from app.services.quotations.requests import RfqInput, create_rfq
from tests.builders.trade import Trade


def rfq_input(trade: Trade, **fields: Any) -> RfqInput:
    """500 t of ammonium nitrate, CFR Shanghai, sent to the trade's seller."""
    values: dict[str, Any] = dict(
        title="Ammonium nitrate, porous prilled",
        description="For mining; 1 t jumbo bags.",
        quantity="500",
        unit="TNE",
        incoterm="CFR",
        incoterm_place="Shanghai",
        destination_country="CN",
        currency="USD",
        hs_code="310230",
        seller_public_ids=[trade.seller.public_id],
    )
    values.update(fields)
    return RfqInput(**values)


def open_rfq(trade: Trade, **fields: Any) -> Rfq:
    rfq = create_rfq(Actor(trade.purchaser), rfq_input(trade, **fields))
    db.session.flush()
    return rfq


def quote_input(
    *,
    unit_price: str = "524.00",
    quantity: str = "500",
    freight: str | None = "28000",
    insurance: str | None = None,
    incoterm: str = "CFR",
    valid_until: datetime | None = None,
    product_public_id: str = "",
    payment_terms: str = "deposit_30_balance_70_bl",
    tiers: list[tuple[object, object]] | None = None,
    unit: str = "TNE",
) -> QuoteInput:
    """One free-text line of 500 t at US$524/t, freight US$28,000, valid for 14 days."""
    return QuoteInput(
        lines=[
            QuoteLineInput(
                quantity=quantity,
                unit_price=unit_price,
                product_public_id=product_public_id,
                title="" if product_public_id else "Ammonium nitrate, porous prilled",
                hs_code="310230",
                unit=unit,
                tiers=tiers or [],
            )
        ],
        incoterm=incoterm,
        incoterm_place="Shanghai",
        lead_time_days="21",
        payment_terms=payment_terms,
        valid_until=valid_until or utcnow() + timedelta(days=14),
        freight=freight,
        insurance=insurance,
        remarks="Packed in 1 t jumbo bags.",
    )


def quoted_rfq(trade: Trade, **quote_fields: Any) -> tuple[Rfq, QuoteRevision]:
    rfq = open_rfq(trade)
    revision = submit_quote(Actor(trade.sales), rfq, quote_input(**quote_fields))
    return rfq, revision


def award_input(**fields: Any) -> AwardInput:
    values: dict[str, Any] = dict(consignee="MCCT International, Pudong, Shanghai")
    values.update(fields)
    return AwardInput(**values)


def awarded(trade: Trade, revision: QuoteRevision) -> Order:
    return award(Actor(trade.purchaser), revision, award_input())
