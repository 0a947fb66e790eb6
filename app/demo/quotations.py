"""Demo requests for quotation between MCCT and both Pakistani sellers, one in each state.

Made through the quotation services, like everything in the demo: the history, the audit
and the order of the awarded RFQ are what a person's clicks would have left. MCCT's
purchaser writes in Chinese and English; the sellers answer in English. Seeded once: if
MCCT already has RFQs, nothing is added.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Product, Rfq, User
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.quotations.award import AwardInput, award
from app.services.quotations.expiry import expire_due
from app.services.quotations.quotes import (
    CounterInput,
    QuoteInput,
    QuoteLineInput,
    counter,
    submit_quote,
)
from app.services.quotations.requests import RfqInput, create_rfq, end_rfq

BUYER_EMAIL = "purchaser@mcct.example"
CONSIGNEE = (
    "MCCT International, Room 1808, Lujiazui Finance Plaza, Pudong New Area, Shanghai 200120, China"
)
AN = "Porous prilled ammonium nitrate (UN1942, 5.1)"
EMULSION = "Emulsion explosive cartridges 32 mm (UN0241, 1.5D)"
CHROMITE = "Chromite ore lumps Cr2O3 40 %"
SALT = "Himalayan rock salt, industrial grade"


def _rfq(buyer: Actor, product: Product, quantity: str, **fields: object) -> RfqInput:
    data = RfqInput(
        title=product.title,
        hs_code=product.hs_code,
        product_public_id=product.public_id,
        quantity=quantity,
        unit=product.unit,
        incoterm="CFR",
        incoterm_place="Shanghai",
        destination_country="CN",
        currency=product.currency,
        seller_public_ids=[product.seller.public_id],
    )
    for name, value in fields.items():
        setattr(data, name, value)
    return data


def _quote(
    product: Product,
    price: str,
    quantity: str,
    *,
    freight: str | None = None,
    now: datetime | None = None,
    remarks: str = "",
) -> QuoteInput:
    return QuoteInput(
        lines=[
            QuoteLineInput(quantity=quantity, unit_price=price, product_public_id=product.public_id)
        ],
        incoterm="CFR",
        incoterm_place="Shanghai",
        lead_time_days="21",
        payment_terms="deposit_30_balance_70_bl",
        valid_until=(now or utcnow()) + timedelta(days=14),
        freight=freight,
        remarks=remarks,
    )


def _seller_sales(product: Product) -> Actor:
    user = db.session.scalar(
        select(User).where(User.company_id == product.seller_id, User.company_role == "sales")
    )
    assert user is not None
    return Actor(user)


def seed_quotations() -> int:
    """Write the demo RFQs once; returns how many were written."""
    user = db.session.scalar(select(User).where(User.email == BUYER_EMAIL))
    if user is None or user.company_id is None:
        return 0
    if db.session.scalar(select(func.count(Rfq.id)).where(Rfq.buyer_id == user.company_id)):
        return 0
    products = {
        title: db.session.scalar(select(Product).where(Product.title == title))
        for title in (AN, EMULSION, CHROMITE, SALT)
    }
    if any(product is None for product in products.values()):
        return 0
    an, emulsion, chromite, salt = (products[t] for t in (AN, EMULSION, CHROMITE, SALT))
    assert an and emulsion and chromite and salt
    buyer = Actor(user)
    wah, jw = _seller_sales(an), _seller_sales(chromite)

    # Quoted: three revisions of Wah Nobel's and a counter-offer in Chinese between them.
    negotiated = create_rfq(
        buyer,
        _rfq(
            buyer,
            an,
            "500",
            description="矿山用多孔粒状硝酸铵，1 吨吨袋包装。Porous prilled AN, 1 t jumbo bags.",
        ),
    )
    first = submit_quote(wah, negotiated, _quote(an, "560.00", "500", freight="28000"))
    counter(
        buyer,
        first,
        CounterInput(
            unit_price="500.00", note="目标价每吨 500 美元，请重新报价。Our target is US$500/t."
        ),
    )
    submit_quote(
        wah,
        negotiated,
        _quote(an, "540.00", "500", freight="28000", remarks="Best we can do this month."),
    )
    submit_quote(
        wah,
        negotiated,
        _quote(an, "530.00", "500", freight="27000", remarks="Freight re-quoted with COSCO."),
    )

    # Awarded: Wah Nobel's emulsion, accepted into an order.
    awarded = create_rfq(buyer, _rfq(buyer, emulsion, "25000", description="Quarry season stock."))
    offer = submit_quote(wah, awarded, _quote(emulsion, "1.60", "25000", freight="6500"))
    award(buyer, offer, AwardInput(consignee=CONSIGNEE, buyer_po_number="MCCT-RFQ-0001"))

    # Expired: J&W's chromite, asked 40 days ago and never awarded.
    past = utcnow() - timedelta(days=40)
    old = create_rfq(buyer, _rfq(buyer, chromite, "1000", open_days=30), now=past)
    submit_quote(jw, old, _quote(chromite, "255.00", "1000", freight="22000", now=past), now=past)
    expire_due(utcnow())

    # Open (no quote yet), closed (quoted, then ended), cancelled (ended before a quote).
    create_rfq(buyer, _rfq(buyer, salt, "250", description="工业盐，25 公斤袋装。"))
    closed = create_rfq(buyer, _rfq(buyer, chromite, "500"))
    submit_quote(jw, closed, _quote(chromite, "262.00", "500", freight="12000"))
    end_rfq(buyer, closed, "Bought from stock in Tianjin.")
    cancelled = create_rfq(buyer, _rfq(buyer, salt, "100"))
    end_rfq(buyer, cancelled, "需求取消。")
    # Draft: written, not sent yet.
    create_rfq(buyer, _rfq(buyer, an, "200", seller_public_ids=[]), send=False)
    db.session.flush()
    return 7
