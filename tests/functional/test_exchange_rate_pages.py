"""Exchange rates over HTTP: the operator enters and imports them, an owner picks the
company's reporting currency, and a shipment without a rate is refused clearly."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Company,
    CompanyRole,
    Document,
    DocumentKind,
    DocumentRate,
    ExchangeRate,
    OrderStatus,
    Shipment,
    User,
)
from tests.builders.orders import order_in, release_if_held
from tests.builders.trade import make_trade
from tests.factories import UserFactory
from tests.support.auth import AuthActions
from tests.support.db import audit_events, count
from tests.support.forms import shipment_form
from tests.support.http import assert_csrf_refused, field_errors, page_of

PAGE = "/operator/exchange-rates"
IMPORT = "/operator/exchange-rates/import"
SBP = "State Bank of Pakistan"


@pytest.fixture
def operator(auth: AuthActions) -> User:
    """A platform operator, signed in."""
    user: User = UserFactory(operator=True, full_name="Omar Operator")
    assert auth.login(user.email).status_code == 302
    return user


def rate_form(**changes: str) -> dict[str, str]:
    data = {
        "rate_date": date.today().isoformat(),
        "base": "usd",
        "quote": "PKR",
        "rate": "278.45",
        "source": SBP,
    }
    data.update(changes)
    return data


def csv_upload(content: str | bytes, name: str = "rates.csv") -> dict[str, object]:
    raw = content.encode() if isinstance(content, str) else content
    return {"file": (io.BytesIO(raw), name)}


# --- entering a rate -----------------------------------------------------------------------


def test_the_operator_enters_a_rate_and_sees_it_listed(client: FlaskClient, operator: User) -> None:
    page = page_of(client.get(PAGE))
    assert f'href="{PAGE}"' in page  # the navigation link
    assert 'name="rate_date"' in page and f'value="{date.today().isoformat()}"' in page
    assert 'enctype="multipart/form-data"' in page
    response = client.post(PAGE, data=rate_form())
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    page = page_of(client.get(PAGE))
    assert "one USD costs 278.45 PKR" in page
    listed = page.split('id="rates"')[1]
    assert "USD/PKR" in listed and "278.45" in listed and SBP in listed
    assert "Omar Operator" in listed
    stored = db.session.scalars(select(ExchangeRate)).one()
    assert (stored.base, stored.quote, stored.rate) == ("USD", "PKR", Decimal("278.45"))
    assert stored.entered_by_id == operator.id
    [event] = audit_events("exchange_rate.recorded")
    assert event.actor_email == operator.email and event.details["pair"] == "USD/PKR"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"base": "XYZ"}, "base", "XYZ is not an ISO 4217 currency."),
        ({"quote": "USD"}, "quote", "A rate needs two different currencies."),
        ({"rate": "1,0817"}, "rate", "Write a plain number, with a point for decimals"),
        ({"rate": "٢٧٨.٤٥"}, "rate", "Write the number with the digits 0 to 9"),
        ({"rate": "-1"}, "rate", "The rate must be a positive number with at most 12"),
        ({"source": ""}, "source", "Say where the rate comes from"),
        ({"rate_date": ""}, "rate_date", "Give the date of the rate."),
        ({"rate_date": "yesterday"}, "rate_date", "Not a valid date value."),
        (
            {"rate_date": (date.today() + timedelta(days=2)).isoformat()},
            "rate_date",
            "A rate cannot be dated in the future.",
        ),
    ],
)
def test_bad_input_shows_the_field_error_and_stores_nothing(
    client: FlaskClient, operator: User, changes: dict[str, str], field: str, message: str
) -> None:
    response = client.post(PAGE, data=rate_form(**changes))
    assert response.status_code == 200
    errors = field_errors(page_of(response), field)
    assert errors and message in errors[0]
    assert count(ExchangeRate) == 0
    assert audit_events("exchange_rate.recorded") == []


# --- importing -----------------------------------------------------------------------------


def test_a_csv_import_stores_every_rate(client: FlaskClient, operator: User) -> None:
    today = date.today().isoformat()
    content = (
        "date,base,quote,rate,source\n"
        f"{today},USD,PKR,278.45,{SBP}\n"
        f"{today},USD,CNY,7.1205,People's Bank of China\n"
    )
    response = client.post(IMPORT, data=csv_upload(content), content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    page = page_of(client.get(PAGE))
    assert "2 exchange rates imported." in page
    assert "USD/CNY" in page and "7.1205" in page
    assert count(ExchangeRate) == 2
    [event] = audit_events("exchange_rate.imported")
    assert event.details == {"rows": 2} and event.actor_email == operator.email


def test_a_csv_with_problems_gets_a_report_and_stores_nothing(
    client: FlaskClient, operator: User
) -> None:
    today = date.today().isoformat()
    content = (
        "date,base,quote,rate,source\n"
        f"{today},USD,PKR,278.45,{SBP}\n"
        f"{today},USD,CNY,zero,People's Bank of China\n"
        f"{today},EUR,ABC,1.2,ECB\n"
    )
    response = client.post(IMPORT, data=csv_upload(content), content_type="multipart/form-data")
    assert response.status_code == 200
    page = page_of(response)
    assert "Nothing was imported." in page
    report = page.split('id="import-report"')[1].split("</table>")[0]
    rows = [
        re.sub(r"<[^>]+>", "", row).split()
        for row in re.findall(r"<tr>(.*?)</tr>", report, re.S)[1:]
    ]
    assert [row[:2] for row in rows] == [["3", "rate"], ["4", "quote"]]
    assert "ABC is not an ISO 4217 currency." in report
    assert "2 problems found in the file" in report
    assert 'name="rate_date"' in page  # the page is whole again, both forms included
    assert count(ExchangeRate) == 0
    assert audit_events("exchange_rate.imported") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the file to import."),
        (csv_upload("date,base\n", "rates.xlsx"), "Upload a .csv file."),
    ],
)
def test_the_import_needs_a_csv_file(
    client: FlaskClient, operator: User, data: dict[str, object], message: str
) -> None:
    response = client.post(IMPORT, data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert message in field_errors(page_of(response), "file")


def test_a_file_without_the_header_is_reported_on_line_one(
    client: FlaskClient, operator: User
) -> None:
    response = client.post(
        IMPORT,
        data=csv_upload(f"{date.today()},USD,PKR,278.45,SBP\n"),
        content_type="multipart/form-data",
    )
    page = page_of(response)
    assert "The first line must name the columns" in page
    assert count(ExchangeRate) == 0


def test_both_forms_carry_and_demand_the_csrf_token(
    app: Flask, client: FlaskClient, operator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = page_of(client.get(PAGE))
    forms = re.findall(r'<form method="post" action="(/operator/[^"]+)"(.*?)</form>', page, re.S)
    tokens = {
        action: re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body) for action, body in forms
    }
    assert set(tokens) == {PAGE, IMPORT} and all(tokens.values())
    content = f"date,base,quote,rate,source\n{date.today()},USD,PKR,278.45,SBP\n"
    assert_csrf_refused(client.post(PAGE, data=rate_form()))
    assert_csrf_refused(
        client.post(IMPORT, data=csv_upload(content), content_type="multipart/form-data")
    )
    assert count(ExchangeRate) == 0
    token = tokens[IMPORT]
    assert token is not None
    response = client.post(
        IMPORT,
        data={**csv_upload(content), "csrf_token": token.group(1)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and count(ExchangeRate) == 1


@pytest.mark.parametrize("role", [CompanyRole.OWNER, CompanyRole.FINANCE, CompanyRole.SALES])
def test_only_the_operator_reaches_the_rates(
    client: FlaskClient, auth: AuthActions, role: CompanyRole
) -> None:
    user: User = UserFactory(company_role=role)
    auth.login(user.email)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data=rate_form()).status_code == 403
    content = f"date,base,quote,rate,source\n{date.today()},USD,PKR,278.45,SBP\n"
    response = client.post(IMPORT, data=csv_upload(content), content_type="multipart/form-data")
    assert response.status_code == 403
    assert count(ExchangeRate) == 0
    assert f'href="{PAGE}"' not in page_of(client.get("/"))


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- reporting currency --------------------------------------------------------------------


@pytest.fixture
def owner(auth: AuthActions) -> User:
    user: User = UserFactory(company_role=CompanyRole.OWNER)
    auth.login(user.email)
    return user


def test_the_owner_changes_the_reporting_currency(client: FlaskClient, owner: User) -> None:
    index = page_of(client.get("/company/"))
    assert 'href="/company/reporting-currency"' in index
    page = page_of(client.get("/company/reporting-currency"))
    codes = re.findall(r'<option[^>]*value="([A-Z]{3})"', page)
    assert codes[:4] == ["PKR", "CNY", "USD", "EUR"]
    assert codes[4:] == sorted(codes[4:]) and "AED" in codes and "XAU" not in codes
    assert re.search(r'<option selected value="PKR">|<option value="PKR" selected', page)
    assert "Invoices already issued keep the rate they froze" in page
    response = client.post("/company/reporting-currency", data={"currency": "EUR"})
    assert response.status_code == 302 and response.headers["Location"] == "/company/"
    assert "Reporting currency set to EUR." in page_of(client.get("/company/"))
    company = db.session.get(Company, owner.company_id)
    assert company is not None and company.reporting_currency == "EUR"
    [event] = audit_events("company.reporting_currency_changed")
    assert event.details == {"from": "PKR", "to": "EUR"}


def test_a_currency_outside_the_list_is_refused(client: FlaskClient, owner: User) -> None:
    response = client.post("/company/reporting-currency", data={"currency": "XAU"})
    assert response.status_code == 200
    assert "Not a valid choice." in field_errors(page_of(response), "currency")
    company = db.session.get(Company, owner.company_id)
    assert company is not None and company.reporting_currency == "PKR"


@pytest.mark.parametrize("role", [CompanyRole.FINANCE, CompanyRole.SALES])
def test_only_the_owner_changes_the_reporting_currency(
    client: FlaskClient, auth: AuthActions, role: CompanyRole
) -> None:
    user: User = UserFactory(company_role=role)
    auth.login(user.email)
    assert client.get("/company/reporting-currency").status_code == 403
    response = client.post("/company/reporting-currency", data={"currency": "USD"})
    assert response.status_code == 403
    db.session.expire_all()
    assert user.company is not None and user.company.reporting_currency == "PKR"


# --- a shipment with no rate ---------------------------------------------------------------


def test_a_shipment_without_a_rate_is_refused_clearly_and_leaves_the_order_unshipped(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = make_trade()
    # No `exchange_rates` fixture: no rate at all.
    order = order_in(app, trade, OrderStatus.IN_PRODUCTION, ship_in_days=5)
    release_if_held(app, trade, order)  # the advance is unpaid: finance lets the shipment go
    auth.login(trade.sales.email)
    response = client.post(f"/seller/orders/{order.public_id}/shipment", data=shipment_form())
    assert response.status_code == 200
    page = page_of(response)
    assert "No USD to PKR exchange rate dated" in page
    assert "so the invoice cannot be issued. The platform operator enters daily rates." in page
    db.session.expire_all()
    assert order.status is OrderStatus.IN_PRODUCTION
    assert db.session.scalar(select(func.count(Shipment.id))) == 0
    assert count(DocumentRate) == 0
    invoices = select(func.count(Document.id)).where(
        Document.order_id == order.id, Document.kind == DocumentKind.COMMERCIAL_INVOICE
    )
    assert db.session.scalar(invoices) == 0
    assert "shipment" not in [event.kind for event in order.events]
