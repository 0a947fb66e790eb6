"""A seller's public page shows facts the platform verified, each with how it is computed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Company, RfqInvitation, Shipment, ShipmentMode, VerificationStatus
from app.services.statistics.supplier_profile import supplier_facts, volume_band
from tests.builders.quotations import open_rfq, quoted_rfq
from tests.builders.trade import make_trade
from tests.factories import OrderFactory

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _shipped(seller: Company, confirmed: date, sailed: date, tonnes: int) -> None:
    order = OrderFactory(seller=seller, shipped=True, confirmed_ship_date=confirmed)
    db.session.add(
        Shipment(
            order=order,
            mode=ShipmentMode.SEA,
            carrier="COSCO",
            transport_document_number=f"COSU{order.id:010d}",
            port_of_loading="Karachi",
            port_of_discharge="Shanghai",
            etd=sailed,
            eta=sailed + timedelta(days=18),
            net_weight_g=tonnes * 1_000_000,
            gross_weight_g=tonnes * 1_050_000,
            recorded_at=NOW - timedelta(days=30),
        )
    )
    db.session.flush()


def test_volume_bands() -> None:
    assert volume_band(0) is None
    assert volume_band(99_999_999) == "under_100"
    assert volume_band(100_000_000) == "100_1000"
    assert volume_band(9_999_000_000) == "1000_10000"
    assert volume_band(10_000_000_000) == "over_10000"


def test_the_on_time_rate_shows_from_five_shipments(app: Flask) -> None:
    trade = make_trade()
    seller = trade.seller
    day = date(2026, 10, 1)
    for late in (0, 0, 0, 3):
        _shipped(seller, day, day + timedelta(days=late), 40)
    facts = supplier_facts(seller, NOW)
    assert (facts.shipments_counted, facts.on_time_rate) == (4, None)
    _shipped(seller, day, day - timedelta(days=1), 40)  # early counts as on time
    facts = supplier_facts(seller, NOW)
    assert (facts.shipments_counted, str(facts.on_time_rate)) == (5, "0.80")
    assert facts.volume_band == "100_1000"  # 200 t in the last 12 months


def test_rfq_response_time_is_the_median_to_the_first_quote(app: Flask) -> None:
    trade = make_trade()
    for hours in (10, 30):
        rfq, revision = quoted_rfq(trade)
        invitation = db.session.scalars(
            select(RfqInvitation).where(RfqInvitation.rfq_id == rfq.id)
        ).one()
        invitation.invited_at = revision.created_at - timedelta(hours=hours)
    open_rfq(trade)  # not answered
    db.session.flush()
    facts = supplier_facts(trade.seller, datetime.now(UTC))
    assert (facts.rfq_invitations, facts.rfq_answered, str(facts.rfq_median_hours)) == (
        3,
        2,
        "20.0",
    )


def test_the_storefront_prints_the_facts_and_how_they_are_computed(
    client: FlaskClient, app: Flask
) -> None:
    trade = make_trade()
    seller = trade.seller
    seller.verification_status = VerificationStatus.VERIFIED
    seller.verification_decided_at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    seller.created_at = datetime(2023, 1, 5, 8, 0, tzinfo=UTC)
    _shipped(seller, date(2026, 10, 1), date(2026, 10, 1), 40)
    db.session.commit()
    page = client.get(f"/sellers/{seller.public_id}").get_data(as_text=True)
    facts = page.split('id="supplier-facts"')[1].split("</section>")[0]
    assert "Verified facts" in facts
    assert "2 Mar 2026" in facts or "Mar 2, 2026" in facts
    assert "under 100 t" in facts
    assert "Shown from 5 shipments on" in facts
    assert "No requests yet" in facts
    assert "Median time from an invitation" in facts
    assert "numbers are not shown" in facts
