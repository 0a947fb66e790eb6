"""Time zones and absolute links as people meet them: the zone picker, the company's zone,
dates on the register, overdue on the company's day, and links in e-mails and on PDFs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.demo.rates import add_daily_rates
from app.extensions import db
from app.models import (
    Company,
    CompanyRole,
    Document,
    DocumentKind,
    Order,
    OrderLine,
    OutboxEmail,
    User,
)
from app.public_urls import DEVELOPMENT_DEFAULT, public_base_url
from app.services.accounts import clock
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_document
from app.services.payments.milestones import create_milestones
from app.services.payments.schedule import on_shipment
from tests.builders.orders import accept, place_for
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, OrderFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.db import audit_events
from tests.support.http import field_errors, page_of

STRONG_PASSWORD = "violet tractor harbour quinoa"


def _options(page: str, field: str) -> list[tuple[str | None, str, str]]:
    """The options of the ``field`` select as (optgroup label, value, label), in order."""
    select_html = page.split(f'id="{field}"', 1)[1].split("</select>", 1)[0]
    found: list[tuple[str | None, str, str]] = []
    group: str | None = None
    for match in re.finditer(
        r'<optgroup label="([^"]*)">|<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select_html
    ):
        if match.group(1) is not None:
            group = match.group(1)
        else:
            found.append((group, match.group(2), match.group(3)))
    return found


def _groups(options: list[tuple[str | None, str, str]]) -> list[str | None]:
    return list(dict.fromkeys(group for group, _, _ in options))


# --- the picker ------------------------------------------------------------------------


def test_the_zone_picker_puts_the_companys_country_first_named_in_chinese(
    client: FlaskClient, auth: AuthActions
) -> None:
    buyer = CompanyFactory(chinese_buyer=True)
    user = UserFactory(company=buyer, locale="zh_Hans")
    auth.login(user.email)
    options = _options(page_of(client.get("/account/")), "timezone")
    groups = _groups(options)
    assert groups[:3] == [None, "中国", "协调世界时"]  # follow the company; China; UTC
    assert options[0][1] == ""  # the empty choice: follow the company's zone
    assert "上海" in options[0][2]  # ... which it names
    china = [(value, label) for group, value, label in options if group == "中国"]
    assert china == [
        ("Asia/Shanghai", "中国（上海）时间 · GMT+8"),
        ("Asia/Urumqi", "中国（乌鲁木齐）时间 · GMT+6"),
    ]
    assert ("协调世界时", "UTC", "协调世界时 · UTC") in options
    assert len(groups) >= 10, "every region has its group"
    values = [value for _, value, _ in options]
    assert len(values) == len(set(values)), "each zone once"
    assert "Asia/Karachi" in values and "US/Eastern" not in values and "Etc/GMT+5" not in values


def test_the_zone_picker_speaks_urdu(client: FlaskClient, auth: AuthActions) -> None:
    user = UserFactory(locale="ur")  # of a Pakistani company
    auth.login(user.email)
    options = _options(page_of(client.get("/account/")), "timezone")
    assert options[1][0] == "پاکستان"
    assert options[1][1:] == ("Asia/Karachi", "پاکستان وقت · GMT +5")


@pytest.mark.parametrize(("chosen", "stored"), [("Asia/Dubai", "Asia/Dubai"), ("", None)])
def test_a_person_chooses_a_zone_or_follows_the_company(
    client: FlaskClient, auth: AuthActions, chosen: str, stored: str | None
) -> None:
    user = UserFactory(timezone="Europe/London")
    auth.login(user.email)
    response = client.post(
        "/account/", data={"full_name": user.full_name, "locale": "", "timezone": chosen}
    )
    assert response.status_code == 302
    assert user.timezone == stored


@pytest.mark.parametrize("zone", ["US/Eastern", "Etc/GMT+5", "Mars/Olympus"])
def test_a_zone_not_on_the_list_is_refused(
    client: FlaskClient, auth: AuthActions, zone: str
) -> None:
    user = UserFactory()
    auth.login(user.email)
    response = client.post(
        "/account/", data={"full_name": user.full_name, "locale": "", "timezone": zone}
    )
    assert response.status_code == 200
    assert field_errors(page_of(response), "timezone") == ["Not a valid choice."]
    assert user.timezone is None


# --- the company's zone ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "tax_id", "zone"),
    [
        ("PK", "1234567-8", "Asia/Karachi"),
        ("CN", "91310115MA1K4B2X3Q", "Asia/Shanghai"),
        ("AE", "100123456700003", "Asia/Dubai"),
        ("US", "12-3456789", "UTC"),
    ],
)
def test_a_registered_company_starts_with_its_countrys_zone(
    client: FlaskClient, country: str, tax_id: str, zone: str
) -> None:
    if country == "CN":
        from stdnum.cn import uscc

        tax_id = tax_id[:-1] + uscc.calc_check_digit(tax_id[:-1])
    response = client.post(
        "/register",
        data={
            "legal_name": "Zone Test Trading Ltd",
            "country": country,
            "trade_role": "buy",
            "address": "1 Harbour Road",
            "city": "Port City",
            "tax_id": tax_id,
            "contact_email": "trade@zonetest.example.com",
            "owner_name": "Zainab Zone",
            "owner_email": "zainab@zonetest.example.com",
            "owner_password": STRONG_PASSWORD,
            "owner_password_confirm": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 302, field_errors(page_of(response), "tax_id")
    company = db.session.scalar(
        select(Company).where(Company.legal_name == "Zone Test Trading Ltd")
    )
    assert company is not None and company.timezone == zone
    owner = db.session.scalar(select(User).where(User.company_id == company.id))
    assert owner is not None and owner.timezone is None  # follows the company


def test_the_owner_changes_the_companys_zone(client: FlaskClient, auth: AuthActions) -> None:
    owner = UserFactory(locale="zh_Hans")
    company = owner.company
    assert company is not None and company.timezone == "Asia/Karachi"
    auth.login(owner.email)
    page = page_of(client.get("/company/"))
    assert "巴基斯坦时间 · GMT+5" in page.split('id="company-time-zone"', 1)[1]
    options = _options(page_of(client.get("/company/time-zone")), "timezone")
    assert options[0] == ("巴基斯坦", "Asia/Karachi", "巴基斯坦时间 · GMT+5")
    response = client.post("/company/time-zone", data={"timezone": "Asia/Dubai"})
    assert response.status_code == 302
    assert company.timezone == "Asia/Dubai"
    [event] = audit_events("company.timezone_changed")
    assert event.details == {"from": "Asia/Karachi", "to": "Asia/Dubai"}
    refused = client.post("/company/time-zone", data={"timezone": "US/Eastern"})
    assert refused.status_code == 200
    assert company.timezone == "Asia/Dubai"


def test_only_the_owner_changes_the_companys_zone(client: FlaskClient, auth: AuthActions) -> None:
    owner = UserFactory()
    clerk = UserFactory(company=owner.company, company_role=CompanyRole.FINANCE)
    auth.login(clerk.email)
    assert client.post("/company/time-zone", data={"timezone": "UTC"}).status_code == 403
    assert owner.company is not None and owner.company.timezone == "Asia/Karachi"


# --- the company's day: register dates, aging, overdue ---------------------------------

DUE = date(2026, 3, 10)
# 20:00 UTC on the due date: 01:00 the next day in Karachi, still the due date in UTC.
EVENING = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)


def _karachi_invoice(seller: Company, buyer: Company, issued_at: datetime) -> Document:
    """A shipped order on advance terms (due on ``DUE``) and its commercial invoice."""
    add_daily_rates(DUE - timedelta(days=2), DUE + timedelta(days=2))
    order: Order = OrderFactory(
        seller=seller,
        buyer=buyer,
        shipped=True,
        lines=[
            OrderLine(
                line_no=1, title="Ammonium nitrate", hs_code="310230", origin_country="PK",
                unit="KGM", quantity=1, unit_price_minor=250_000, line_total_minor=250_000,
            )
        ],
    )  # fmt: skip
    create_milestones(order, DUE)
    on_shipment(order, DUE)
    invoice = issue_document(
        Actor(None), order, DocumentKind.COMMERCIAL_INVOICE, issued_at=issued_at
    )
    db.session.commit()
    return invoice


@pytest.fixture
def karachi_books(app_ctx: None) -> tuple[User, Document]:
    seller = CompanyFactory(legal_name="Wah Nobel Chemicals (Pvt) Ltd")
    buyer = CompanyFactory(chinese_buyer=True, legal_name="MCCT International")
    finance = UserFactory(company=seller, company_role=CompanyRole.FINANCE)
    # 19:30 UTC on 10 March is 00:30 on 11 March in Karachi.
    return finance, _karachi_invoice(seller, buyer, datetime(2026, 3, 10, 19, 30, tzinfo=UTC))


def test_the_register_dates_and_filters_by_the_printed_day(
    client: FlaskClient, auth: AuthActions, karachi_books: tuple[User, Document]
) -> None:
    finance, invoice = karachi_books
    assert invoice.data["issued_on"] == "2026-03-11"
    auth.login(finance.email)
    on_the_11th = page_of(client.get("/finance/invoices?date_from=2026-03-11&date_to=2026-03-11"))
    row = on_the_11th.split(f'data-number="{invoice.number}"', 1)[1].split("</tr>", 1)[0]
    assert "Mar 11, 2026" in row
    on_the_10th = page_of(client.get("/finance/invoices?date_from=2026-03-10&date_to=2026-03-10"))
    assert invoice.number not in on_the_10th
    detail = page_of(client.get(f"/finance/invoices/{invoice.public_id}"))
    assert "Mar 11, 2026" in detail


def _aging_cell(page: str, counterparty: str) -> str:
    """The bucket of the receivables row of ``counterparty`` that holds an amount."""
    section = page.split('id="aging-issued"', 1)[1].split("</section>", 1)[0]
    row = section.split(f'data-counterparty="{counterparty}"', 1)[1].split("</tr>", 1)[0]
    filled = re.findall(r'data-bucket="([\w-]+)"><a ', row)
    assert len(filled) == 1, row
    return str(filled[0])


def test_aging_counts_the_companys_days(
    client: FlaskClient,
    auth: AuthActions,
    karachi_books: tuple[User, Document],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    finance, invoice = karachi_books
    monkeypatch.setattr(clock, "utcnow", lambda: EVENING)
    auth.login(finance.email)
    page = page_of(client.get("/finance/aging"))
    assert "on Mar 11, 2026." in page  # Karachi's day, a day ahead of UTC's
    assert _aging_cell(page, "MCCT International") == "1-30"
    invoice.issuer.timezone = "UTC"
    db.session.commit()
    page = page_of(client.get("/finance/aging"))
    assert "on Mar 10, 2026." in page
    assert _aging_cell(page, "MCCT International") == "current"


def test_a_payment_is_overdue_once_the_payers_day_is_past_its_due_date(
    app: Flask, client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        add_daily_rates(date.today() - timedelta(days=2), date.today())
    trade: Trade = make_trade()
    order = accept(app, trade, place_for(app, trade.purchaser, [(trade.product, 200)]))
    # Due on acceptance: on the buyer's (Shanghai's) day, whatever the server's clock says.
    assert order.milestones[0].due_on == clock.company_today(trade.buyer)
    order.milestones[0].due_on = DUE
    db.session.commit()
    monkeypatch.setattr(clock, "utcnow", lambda: EVENING)  # 04:00 on 11 March in Shanghai
    overdue = 'text-bg-danger">Overdue</span>'
    pages = ((trade.purchaser, "buyer"), (trade.sales, "seller"))
    for user, side in pages:  # both parties see the payer's day
        auth.login(user.email)
        assert overdue in page_of(client.get(f"/{side}/orders/{order.public_id}")), side
        auth.logout()
    trade.buyer.timezone = "Europe/London"  # still 10 March there
    db.session.commit()
    for user, side in pages:
        auth.login(user.email)
        assert overdue not in page_of(client.get(f"/{side}/orders/{order.public_id}")), side
        auth.logout()


# --- absolute links --------------------------------------------------------------------


def _last_email_to(address: str) -> str:
    body = db.session.scalar(
        select(OutboxEmail.body_text)
        .where(OutboxEmail.to_address == address)
        .order_by(OutboxEmail.id.desc())
    )
    assert body is not None, f"no e-mail to {address}"
    return str(body)


def test_email_links_start_with_public_base_url(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://trade.corridor.example/")
    trade: Trade = make_trade()
    order = place_for(app, trade.purchaser, [(trade.product, 200)])
    # The seller's sales clerk hears of the order, linked to it.
    assert f"https://trade.corridor.example/seller/orders/{order.public_id}\n" in (
        _last_email_to(trade.sales.email) + "\n"
    )
    client.post(
        "/forgot-password", data={"email": trade.sales.email}, base_url="http://10.0.0.7:8000"
    )
    body = _last_email_to(trade.sales.email)
    assert re.search(r"https://trade\.corridor\.example/reset-password/[\w-]+", body)
    assert "10.0.0.7" not in body


@pytest.fixture
def development_links(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """PUBLIC_BASE_URL unset, as in development; whatever a request records is undone."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", None)
    monkeypatch.setitem(app.config, "SERVING_BASE_URL", None)


@pytest.mark.usefixtures("development_links")
def test_in_development_links_name_the_address_being_served(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        assert public_base_url() == DEVELOPMENT_DEFAULT  # no request seen yet
    served = "http://192.168.1.20:8080"
    trade: Trade = make_trade()
    order = place_for(app, trade.purchaser, [(trade.product, 200)])
    client.post("/forgot-password", data={"email": trade.sales.email}, base_url=served)
    assert re.search(
        r"http://192\.168\.1\.20:8080/reset-password/[\w-]+", _last_email_to(trade.sales.email)
    )
    # The seller accepts over the same address: the proforma's verification link (and QR
    # code) names it.
    auth.login(trade.sales.email, base_url=served)
    response = client.post(
        f"/seller/orders/{order.public_id}/accept",
        data={"confirmed_ship_date": (date.today() + timedelta(days=14)).isoformat()},
        base_url=served,
    )
    assert response.status_code == 302
    [proforma] = [d for d in order.documents if d.kind is DocumentKind.PROFORMA_INVOICE]
    assert proforma.data["verify_url"] == f"{served}/verify/{proforma.verification_token}"
    # Outside a request (a job in this process), the last address served stands.
    with app.app_context():
        assert public_base_url() == served
