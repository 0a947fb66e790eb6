"""A seller's public page shows facts the platform verified, each with how it is computed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import app.web.catalog.views as catalog_views
from app.extensions import db
from app.models import (
    Company,
    CompanyVerification,
    RfqInvitation,
    Shipment,
    ShipmentMode,
    VerificationStatus,
)
from app.services.statistics.supplier_profile import supplier_facts, volume_band
from tests.builders.quotations import open_rfq, quoted_rfq
from tests.builders.trade import make_trade
from tests.factories import OrderFactory, UserFactory

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


def test_a_seller_under_a_year_old_reads_since_the_month_and_its_verification_day(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_views, "utcnow", lambda: NOW)
    trade = make_trade()
    seller = trade.seller
    seller.legal_name = "Newcomer Minerals (Pvt) Ltd"
    seller.verification_status = VerificationStatus.VERIFIED
    seller.verification_decided_at = None
    seller.created_at = datetime(2026, 9, 14, 7, 0, tzinfo=UTC)
    operator = UserFactory(operator=True)
    db.session.flush()
    db.session.add(
        CompanyVerification(
            company_id=seller.id,
            checked="Registration certificate",
            checked_by_id=operator.id,
            checked_at=datetime(2026, 9, 28, 10, 0, tzinfo=UTC),
        )
    )
    db.session.commit()
    page = client.get(f"/sellers/{seller.public_id}").get_data(as_text=True)
    facts = page.split('id="supplier-facts"')[1].split("</section>")[0]
    assert "Verified by the operator on Sep 28, 2026" in facts
    years = facts.split('data-fact="years">')[1].split("<div")[0]
    assert years.strip() == "Since September 2026"
    assert "0 years" not in facts
    # The company is named once in the page's body, its licences listed once.
    main = page.split('<main id="main"')[1].split("</main>")[0]
    assert main.count("Newcomer Minerals (Pvt) Ltd") == 1
    assert main.count("Licences on file") == 1
    page = client.get(
        f"/sellers/{seller.public_id}", headers={"Accept-Language": "zh-CN"}
    ).get_data(as_text=True)
    assert "2026年9月" in page.split('data-fact="years">')[1].split("<div")[0]


def test_the_verification_decision_dates_a_company_without_a_record(app: Flask) -> None:
    seller = make_trade().seller
    seller.verification_status = VerificationStatus.VERIFIED
    seller.verification_decided_at = datetime(2021, 8, 16, 9, 0, tzinfo=UTC)
    seller.created_at = datetime(2021, 8, 2, 6, 0, tzinfo=UTC)
    facts = supplier_facts(seller, NOW)
    assert (facts.verified_on, facts.member_since, facts.years_on_platform) == (
        date(2021, 8, 16),
        date(2021, 8, 2),
        5,
    )


def test_the_demo_sellers_have_a_verification_day_and_a_join_date(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    wah_nobel = db.session.scalars(
        select(Company).where(Company.legal_name == "Wah Nobel (Pvt) Limited")
    ).one()
    facts = supplier_facts(wah_nobel, NOW)
    assert (facts.verified_on, facts.member_since, facts.years_on_platform) == (
        date(2019, 3, 25),
        date(2019, 3, 11),
        7,
    )
    verified_sellers = db.session.scalars(
        select(Company).where(
            Company.sells.is_(True), Company.verification_status == VerificationStatus.VERIFIED
        )
    ).all()
    assert len(verified_sellers) > 2
    assert [
        c.legal_name for c in verified_sellers if supplier_facts(c, NOW).verified_on is None
    ] == []
