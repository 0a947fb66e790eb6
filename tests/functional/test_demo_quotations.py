"""The demo RFQs: one in every state between MCCT and both Pakistani sellers, seeded once."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import Company, Order, QuoteCounter, QuoteRevision, QuoteStatus, Rfq, RfqStatus


def test_demo_seed_adds_rfqs_in_every_state_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert set(db.session.scalars(select(Rfq.status))) == set(RfqStatus)
    negotiated = db.session.scalars(
        select(QuoteRevision)
        .join(Rfq, Rfq.id == QuoteRevision.rfq_id)
        .where(Rfq.status == RfqStatus.QUOTED)
        .order_by(QuoteRevision.revision_no)
    ).all()
    assert [(r.revision_no, r.status) for r in negotiated] == [
        (1, QuoteStatus.SUPERSEDED),
        (2, QuoteStatus.SUPERSEDED),
        (3, QuoteStatus.OFFERED),
    ]
    # The buyer countered the first revision; the seller's second answered it.
    assert negotiated[0].counter is not None
    assert negotiated[0].counter.unit_price_minor == 50_000
    assert db.session.scalar(select(func.count(QuoteCounter.id))) == 1
    awarded = db.session.scalar(select(Order).where(Order.quote_revision_id.is_not(None)))
    assert awarded is not None and awarded.buyer_po_number == "MCCT-RFQ-0001"
    sellers = set(
        db.session.scalars(
            select(Company.legal_name).join(QuoteRevision, QuoteRevision.seller_id == Company.id)
        )
    )
    assert len(sellers) == 2  # both Pakistani sellers quoted
    count = db.session.scalar(select(func.count(Rfq.id)))
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert db.session.scalar(select(func.count(Rfq.id))) == count == 7
