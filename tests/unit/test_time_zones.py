"""Time zones: a company's zone from its country, the zone's short name, the company's day,
and documents dated and numbered on the issuer's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text

from app.demo.rates import add_daily_rates
from app.extensions import db
from app.models import Company, CompanyRole, Document, DocumentKind, Order
from app.models.company import default_timezone
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_credit_note, issue_document
from app.time_zones import valid_zone, zone_abbreviation
from tests.factories import CompanyFactory, OrderFactory, UserFactory


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("PK", "Asia/Karachi"),
        ("CN", "Asia/Shanghai"),  # two zones, but the corridor's is Shanghai's
        ("AE", "Asia/Dubai"),  # one zone
        ("DE", "Europe/Berlin"),  # Berlin and Busingen keep one clock
        ("US", "UTC"),  # six clocks: nothing to guess
        ("RU", "UTC"),
        ("XX", "UTC"),  # not a country
    ],
)
def test_a_companys_zone_starts_from_its_country(country: str, zone: str) -> None:
    assert default_timezone(country) == zone
    assert Company(country=country).timezone == zone


def test_a_zone_given_with_the_country_is_kept() -> None:
    assert Company(timezone="Asia/Urumqi", country="CN").timezone == "Asia/Urumqi"
    assert Company(country="CN", timezone="Asia/Urumqi").timezone == "Asia/Urumqi"


@pytest.mark.parametrize(
    ("moment", "zone", "locale", "name"),
    [
        (datetime(2026, 12, 7, 10, 4, tzinfo=UTC), "Asia/Karachi", "en", "GMT+5"),
        (datetime(2026, 12, 7, 10, 4, tzinfo=UTC), "Asia/Shanghai", "zh_Hans", "GMT+8"),
        (datetime(2026, 12, 7, 10, 4, tzinfo=UTC), "Asia/Shanghai", "ur", "GMT +8"),
        (datetime(2026, 12, 7, 10, 4, tzinfo=UTC), "Asia/Kolkata", "en", "GMT+5:30"),
        (datetime(2026, 12, 7, 10, 4, tzinfo=UTC), "America/New_York", "en", "EST"),
        (datetime(2026, 7, 7, 10, 4, tzinfo=UTC), "America/New_York", "en", "EDT"),
        (datetime(2026, 7, 7, 10, 4, tzinfo=UTC), "America/New_York", "zh_Hans", "GMT-4"),
        (datetime(2026, 12, 7, 10, 4, tzinfo=UTC), "Europe/London", "en", "GMT"),
        (datetime(2026, 12, 7, 10, 4, tzinfo=UTC), "UTC", "zh_Hans", "UTC"),
    ],
)
def test_a_zone_is_named_short_in_the_readers_language(
    moment: datetime, zone: str, locale: str, name: str
) -> None:
    assert zone_abbreviation(moment, locale, ZoneInfo(zone)) == name


def test_only_real_zones_of_countries_are_offered() -> None:
    assert valid_zone("Asia/Karachi") and valid_zone("UTC")
    for name in ("US/Eastern", "Etc/GMT+5", "Mars/Olympus", "", None):
        assert not valid_zone(name), name


@pytest.mark.parametrize(
    ("moment", "karachi", "shanghai", "utc"),
    [
        (datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC), "2026-12-31", "2026-12-31", "2026-12-31"),
        (datetime(2026, 12, 31, 16, 0, 0, tzinfo=UTC), "2026-12-31", "2027-01-01", "2026-12-31"),
        (datetime(2026, 12, 31, 18, 59, 59, tzinfo=UTC), "2026-12-31", "2027-01-01", "2026-12-31"),
        (datetime(2026, 12, 31, 19, 0, 0, tzinfo=UTC), "2027-01-01", "2027-01-01", "2026-12-31"),
    ],
)
def test_a_companys_day_is_its_own_clocks(
    app_ctx: None, moment: datetime, karachi: str, shanghai: str, utc: str
) -> None:
    pakistani = CompanyFactory()
    chinese = CompanyFactory(chinese_buyer=True)
    assert company_today(pakistani, moment).isoformat() == karachi
    assert company_today(chinese, moment).isoformat() == shanghai
    assert company_today(None, moment).isoformat() == utc  # no company (an operator): UTC


# --- documents on the issuer's clock -------------------------------------------------


@pytest.fixture
def order(app_ctx: None) -> Order:
    add_daily_rates(date(2026, 12, 29), date(2027, 1, 1))
    order: Order = OrderFactory()  # a Karachi seller (Asia/Karachi, from PK)
    order.seller.legal_name = "Wah Nobel Chemicals (Pvt) Ltd"
    db.session.flush()
    assert order.seller.timezone == "Asia/Karachi"
    return order


def _invoice(order: Order, moment: datetime) -> Document:
    return issue_document(Actor(None), order, DocumentKind.COMMERCIAL_INVOICE, issued_at=moment)


def test_a_karachi_invoice_one_second_before_midnight_is_the_old_years(order: Order) -> None:
    invoice = _invoice(order, datetime(2026, 12, 31, 18, 59, 59, tzinfo=UTC))
    assert invoice.number == "WN-CI-2026-000001"
    assert (invoice.year, invoice.issued_on) == (2026, date(2026, 12, 31))
    assert invoice.data["issued_on"] == "2026-12-31"


def test_a_karachi_invoice_at_midnight_karachi_is_the_new_years(order: Order) -> None:
    _invoice(order, datetime(2026, 12, 31, 18, 0, tzinfo=UTC))  # the old year's first
    invoice = _invoice(order, datetime(2026, 12, 31, 19, 0, 0, tzinfo=UTC))
    assert invoice.number == "WN-CI-2027-000001"
    assert (invoice.year, invoice.issued_on) == (2027, date(2027, 1, 1))
    assert invoice.data["issued_on"] == "2027-01-01"
    # The rate it froze is the one of the day it prints.
    assert {rate.rate_date for rate in invoice.rates} == {date(2027, 1, 1)}


def test_a_karachi_invoice_at_8_pm_utc_on_new_years_eve_says_1_january(order: Order) -> None:
    invoice = _invoice(order, datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
    assert invoice.number == "WN-CI-2027-000001"
    assert invoice.data["issued_on"] == "2027-01-01"
    proforma = issue_document(
        Actor(None),
        order,
        DocumentKind.PROFORMA_INVOICE,
        issued_at=datetime(2026, 12, 31, 20, 0, tzinfo=UTC),
    )
    assert proforma.number == "WN-PI-2027-000001"
    assert proforma.data["valid_until"] == "2027-01-31"  # 30 days from the printed date


def test_a_shanghai_sellers_day_turns_at_16_utc(app_ctx: None) -> None:
    add_daily_rates(date(2026, 12, 30), date(2027, 1, 1))
    seller = CompanyFactory(
        chinese_buyer=True, sells=True, legal_name="Shanghai Minmetals Trading Co., Ltd."
    )
    order: Order = OrderFactory(seller=seller, buyer=CompanyFactory(buys=True))
    before = _invoice(order, datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC))
    after = _invoice(order, datetime(2026, 12, 31, 16, 0, tzinfo=UTC))
    assert (before.number, before.data["issued_on"]) == ("SM-CI-2026-000001", "2026-12-31")
    assert (after.number, after.data["issued_on"]) == ("SM-CI-2027-000001", "2027-01-01")


def test_the_order_date_printed_is_on_the_issuers_clock_too(order: Order) -> None:
    order.placed_at = datetime(2026, 12, 31, 21, 0, tzinfo=UTC)  # 02:00 on 1 Jan in Karachi
    invoice = _invoice(order, datetime(2027, 1, 2, 6, 0, tzinfo=UTC))
    assert invoice.data["order"]["placed_on"] == "2027-01-01"


def test_a_credit_note_names_its_invoices_printed_date(order: Order) -> None:
    invoice = _invoice(order, datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
    finance = UserFactory(company=order.seller, company_role=CompanyRole.FINANCE)
    note = issue_credit_note(Actor(finance), invoice, 1_000, "One drum short")
    assert note.data["credit"]["invoice_issued_on"] == "2027-01-01"


def test_a_changed_zone_dates_new_documents_only(order: Order) -> None:
    first = _invoice(order, datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
    order.seller.timezone = "UTC"
    second = _invoice(order, datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
    assert (first.number, first.issued_on) == ("WN-CI-2027-000001", date(2027, 1, 1))
    assert (second.number, second.issued_on) == ("WN-CI-2026-000001", date(2026, 12, 31))


def test_the_verification_link_starts_with_public_base_url(
    app: Flask, order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://docs.corridor.example/")
    invoice = _invoice(order, datetime(2026, 12, 31, 12, 0, tzinfo=UTC))
    assert invoice.data["verify_url"] == (
        f"https://docs.corridor.example/verify/{invoice.verification_token}"
    )


# --- the migration -------------------------------------------------------------------

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_the_migration_fills_zones_and_printed_dates_from_what_was_there(
    isolated_app: Flask,
) -> None:
    head = "0013_company_time_zones"
    with isolated_app.app_context():
        revision = ScriptDirectory(str(MIGRATIONS)).get_revision(head)
        assert revision is not None
        previous = revision.down_revision
        add_daily_rates(date(2026, 12, 30), date(2027, 1, 1))
        order: Order = OrderFactory(
            seller=CompanyFactory(legal_name="Wah Nobel Chemicals (Pvt) Ltd"),
            buyer=CompanyFactory(chinese_buyer=True),
        )
        CompanyFactory(country="DE", legal_name="Berlin GmbH")
        CompanyFactory(country="US", legal_name="Houston Inc.")
        UserFactory(email="follows@example.com", company=order.seller)
        UserFactory(email="chose@example.com", company=order.seller, timezone="Asia/Dubai")
        # Printed 1 January 2027 in Karachi; its UTC date is 31 December.
        invoice = _invoice(order, datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
        number = invoice.number
        db.session.commit()
        db.session.remove()

        flask_migrate.downgrade(revision=str(previous))
        with db.engine.connect() as connection:
            users = dict(connection.execute(text("SELECT email, timezone FROM users")).all())
        assert users["follows@example.com"] == "UTC"  # as the old default had it
        assert users["chose@example.com"] == "Asia/Dubai"

        flask_migrate.upgrade(revision=head)
        with db.engine.connect() as connection:
            zones = dict(
                connection.execute(text("SELECT legal_name, timezone FROM companies")).all()
            )
            users = dict(connection.execute(text("SELECT email, timezone FROM users")).all())
            printed = connection.execute(
                text("SELECT issued_on FROM documents WHERE number = :n"), {"n": number}
            ).scalar_one()
        assert zones["Wah Nobel Chemicals (Pvt) Ltd"] == "Asia/Karachi"
        assert zones["Berlin GmbH"] == "Europe/Berlin"
        assert zones["Houston Inc."] == "UTC"
        assert [zone for name, zone in zones.items() if name.startswith("Test Trading")] == [
            "Asia/Shanghai"
        ]
        assert users["follows@example.com"] is None  # follows the company again
        assert users["chose@example.com"] == "Asia/Dubai"
        assert str(printed) == "2027-01-01"  # the snapshot's date, not the UTC day
