"""The public statistics page, its CSV and JSON downloads, and the operator's and company's views.

Today is 15 June 2026 for these tests: January to April 2026 are published, May (the
previous month) and June (the current one) never are. Chapter 36 shows only by whole year.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Company, CompanyRole, RestrictedChapter
from app.services.accounts import clock
from tests.builders.statistics import fact, refreshed, sellers_and_buyers
from tests.factories import UserFactory
from tests.support.auth import AuthActions
from tests.support.db import audit_events
from tests.support.http import csrf_token

TODAY = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
JAN, FEB, MAR, MAY, JUN = (date(2026, m, 1) for m in (1, 2, 3, 5, 6))


@pytest.fixture
def mid_june(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: TODAY)


@pytest.fixture
def cube(app: Flask, mid_june: None) -> tuple[list[Company], list[Company]]:
    """Chapter 26 broad every month; chapter 28 with two sellers in February; chapter 25
    with one firm holding 70 % of February; trade in May and June; chapter 36 in 2025."""
    with app.app_context():
        sellers, buyers = sellers_and_buyers(4)
        pairs = list(zip(sellers, buyers, strict=True))
        for month in (JAN, FEB, MAR):
            for seller, buyer in pairs[:3]:
                fact(seller, buyer, month, "2610", 100_000)
        for month in (JAN, MAR):
            for seller, buyer in pairs[:3]:
                fact(seller, buyer, month, "2818", 50_000)
                fact(seller, buyer, month, "2501", 20_000)
        for seller, buyer in pairs[:2]:
            fact(seller, buyer, FEB, "2818", 40_000)
        for (seller, buyer), value in zip(pairs[:3], (70_000, 15_000, 15_000), strict=True):
            fact(seller, buyer, FEB, "2501", value)
        for month in (MAY, JUN):
            fact(sellers[0], buyers[0], month, "2610", 999_999)
        for seller, buyer in pairs[:3]:
            fact(seller, buyer, date(2025, 3, 1), "3602", 10_000)
            fact(seller, buyer, FEB, "3602", 77_777)
        refreshed()
        db.session.commit()
    return sellers, buyers


def _json(client: FlaskClient, query: str = "") -> dict:  # type: ignore[type-arg]
    response = client.get(f"/statistics/download.json{query}")
    assert response.status_code == 200
    return json.loads(response.data)


def _row(table: dict, key: str | None) -> dict:  # type: ignore[type-arg]
    return next(row for row in table["rows"] if row["key"] == key)["cells"]


def test_the_page_is_public_and_shows_the_published_months(
    client: FlaskClient, cube: object
) -> None:
    response = client.get("/statistics")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Trade statistics of the corridor" in page
    # January to April 2026: May and June are held back.
    assert "Apr 2026" in page
    assert "May 2026" not in page and "Jun 2026" not in page
    # Chapter 26 for the year: three months of 300,000.
    assert re.search(r'data-row="26".*?900,000', page, re.S)
    assert "999,999" not in page and "1,899,998" not in page


def test_a_two_seller_cell_and_a_dominated_cell_read_confidential(
    client: FlaskClient, cube: object
) -> None:
    data = _json(client)
    monthly = data["monthly"]
    assert monthly["periods"] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert _row(monthly, "28")["2026-02"] == {"status": "confidential"}
    assert _row(monthly, "25")["2026-02"] == {"status": "confidential"}
    # A confidential figure never travels as a number, nor as zero.
    assert "40000" not in json.dumps(data) and "70000" not in json.dumps(data)
    # The year's totals are broad and balanced enough to show.
    assert _row(monthly, "26")["total"]["value_usd"] == "900000.00"
    assert _row(monthly, None)["total"] == {
        "value_usd": "1500000.00",
        "net_weight_t": "26.000",
        "shipments": 26,
    }


def test_every_line_with_a_visible_total_hides_none_or_at_least_three(
    client: FlaskClient, cube: object
) -> None:
    monthly = _json(client)["monthly"]
    periods = monthly["periods"]
    rows = [row["key"] for row in monthly["rows"]]

    def hidden(row: str | None, period: str) -> bool:
        return _row(monthly, row)[period].get("status") == "confidential"

    for row in rows:
        if not hidden(row, "total"):
            count = sum(hidden(row, period) for period in periods)
            assert count == 0 or count >= 3, row
    for period in [*periods, "total"]:
        if not hidden(None, period):
            count = sum(hidden(row, period) for row in rows if row is not None)
            assert count == 0 or count >= 3, period


def test_chapter_36_shows_only_by_whole_year(client: FlaskClient, cube: object) -> None:
    data = _json(client)
    assert "36" not in [row["key"] for row in data["monthly"]["rows"]]
    restricted = data["restricted_chapters_yearly"]
    assert restricted["periods"] == ["2025"]  # 2026 is not a whole year yet
    assert _row(restricted, "36")["2025"]["value_usd"] == "30000.00"
    assert "77777" not in json.dumps(data)
    # Asking for chapter 36 by heading changes nothing: there is no heading to show.
    assert "3602" not in json.dumps(_json(client, "?by=heading&chapter=36"))


def test_the_csv_and_the_page_hide_what_the_json_hides(client: FlaskClient, cube: object) -> None:
    query = "?by=heading&direction=pk_cn"
    data = _json(client, query)
    from_json = {
        (row["key"] or "total", period)
        for row in data["monthly"]["rows"]
        for period, cell in row["cells"].items()
        if cell.get("status") == "confidential"
    }
    response = client.get(f"/statistics/download.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    from_csv = {
        (line["row"], line["period"])
        for line in lines
        if line["table"] == "monthly" and line["confidential"] == "true"
    }
    hidden_lines = [line for line in lines if line["confidential"] == "true"]
    assert {
        (line["value_usd"], line["net_weight_t"], line["shipments"]) for line in hidden_lines
    } == {("", "", "")}
    assert from_csv == from_json
    assert ("2818", "2026-02") in from_csv
    page = client.get(f"/statistics{query}").get_data(as_text=True)
    table = page.split('id="statistics-monthly"')[1].split("</table>")[0]
    assert table.count("data-hidden=") == len(from_json)


def test_filters_live_in_the_url_and_nonsense_is_ignored(client: FlaskClient, cube: object) -> None:
    data = _json(client, "?chapter=26&by=heading&year=2026&incoterm=Z&direction=%3Cx%3E")
    assert data["filters"]["chapter"] == "26"
    assert data["filters"]["incoterm_group"] is None
    assert [row["key"] for row in data["monthly"]["rows"]] == ["2610", None]
    assert client.get("/statistics?year=abcd&by=nonsense&measure=weight").status_code == 200


def test_the_operator_sees_every_figure_and_the_view_is_audited(
    client: FlaskClient, auth: AuthActions, cube: object
) -> None:
    operator = UserFactory(operator=True)
    db.session.commit()
    auth.login(operator.email)
    page = client.get("/operator/statistics?by=heading").get_data(as_text=True)
    assert "80,000" in page  # chapter 28's February: two sellers' 40,000 each
    assert "too few firms" in page and "dominated" in page
    events = audit_events("statistics.unsuppressed_viewed")
    assert len(events) == 1
    assert events[0].details["by"] == "heading"


def test_only_the_operator_sees_the_unsuppressed_cube(
    client: FlaskClient, auth: AuthActions, cube: tuple[list[Company], list[Company]]
) -> None:
    assert client.get("/operator/statistics").status_code == 302
    owner = UserFactory(company=cube[0][0])
    db.session.commit()
    auth.login(owner.email)
    assert client.get("/operator/statistics").status_code == 403


def test_the_operator_restricts_a_chapter_to_whole_years(
    client: FlaskClient, auth: AuthActions, cube: object
) -> None:
    operator = UserFactory(operator=True)
    db.session.commit()
    auth.login(operator.email)
    token = csrf_token(client.get("/operator/statistics").data)
    response = client.post(
        "/operator/statistics/restricted",
        data={"csrf_token": token, "code": "28.18", "reason": "Precursor chemicals"},
    )
    assert response.status_code == 302
    assert db.session.query(RestrictedChapter).one().chapter == "28"
    assert [e.object_id for e in audit_events("statistics.chapter_restricted")] == ["28"]
    data = _json(client)
    assert "28" not in [row["key"] for row in data["monthly"]["rows"]]
    # Nonsense is a form error, nothing written.
    page = client.post(
        "/operator/statistics/restricted",
        data={"csrf_token": token, "code": "2x", "reason": "Why"},
    ).get_data(as_text=True)
    assert "Give an HS chapter (2 digits) or heading (4 digits)." in page
    assert db.session.query(RestrictedChapter).count() == 1


def test_a_company_sees_its_own_trade_beside_the_public_totals(
    client: FlaskClient, auth: AuthActions, cube: tuple[list[Company], list[Company]]
) -> None:
    sellers, _ = cube
    owner = UserFactory(company=sellers[1])
    db.session.commit()
    auth.login(owner.email)
    page = client.get("/statistics/company").get_data(as_text=True)
    # Seller 1 sold 300,000 of the 900,000 of heading 2610 in January to April.
    row = page.split('data-heading="2610"')[1].split("</tr>")[0]
    assert "300,000" in row and "900,000" in row
    assert 'data-share="0.3333"' in row
    # Another firm's trade never appears: seller 3 had none.
    assert "Statistics Seller 0" not in page


def test_the_company_view_needs_a_role_that_sees_the_trade(
    client: FlaskClient, auth: AuthActions, cube: tuple[list[Company], list[Company]]
) -> None:
    assert client.get("/statistics/company").status_code == 302
    viewer = UserFactory(company=cube[0][0], company_role=CompanyRole.VIEWER)
    db.session.commit()
    auth.login(viewer.email)
    assert client.get("/statistics/company").status_code == 403


def test_a_restricted_chapter_asked_by_month_points_to_the_yearly_table(
    client: FlaskClient, cube: object
) -> None:
    page = client.get("/statistics?year=2026&chapter=36").get_data(as_text=True)
    assert "No trade matches these filters" not in page
    assert (
        "Controlled goods are published only by HS chapter and whole year, never by month"
        " or heading: see their yearly table below."
    ) in page
    assert 'href="#restricted-heading"' in page
    restricted = page.split('id="statistics-restricted"')[1].split("</table>")[0]
    assert "30,000" in restricted  # 2025, the whole year
    # The downloads withhold every month rather than print zeros.
    for query in ("?year=2026&chapter=36", "?year=2026&heading=3602&by=heading"):
        data = _json(client, query)
        assert data["monthly"]["rows"] == [
            {
                "key": None,
                "cells": {
                    period: {"status": "confidential"}
                    for period in ["2026-01", "2026-02", "2026-03", "2026-04", "total"]
                },
            }
        ]
        assert _row(data["restricted_chapters_yearly"], "36")["2025"]["value_usd"] == "30000.00"
        lines = list(
            csv.DictReader(
                io.StringIO(client.get(f"/statistics/download.csv{query}").get_data(as_text=True))
            )
        )
        monthly = [line for line in lines if line["table"] == "monthly"]
        assert [
            (line["row"], line["period"], line["value_usd"], line["confidential"])
            for line in monthly
        ] == [
            ("total", period, "", "true")
            for period in ["2026-01", "2026-02", "2026-03", "2026-04", "total"]
        ]
        assert "0.00" not in [line["value_usd"] for line in monthly]


def test_downloads_read_the_same_in_every_language(client: FlaskClient, cube: object) -> None:
    english = client.get("/statistics/download.csv?by=heading").get_data(as_text=True)
    for language in ("zh-CN", "ur"):
        other = client.get(
            "/statistics/download.csv?by=heading", headers={"Accept-Language": language}
        ).get_data(as_text=True)
        assert other == english
    assert english.splitlines()[0] == (
        "table,row,period,value_usd,net_weight_t,shipments,confidential"
    )
    assert "2818,2026-02,,,,true" in english
    assert "保密" not in english


def test_port_names_show_in_the_readers_language_where_the_reference_has_one(
    app: Flask, client: FlaskClient, mid_june: None
) -> None:
    with app.app_context():
        sellers, buyers = sellers_and_buyers(3)
        for seller, buyer in zip(sellers, buyers, strict=True):
            fact(seller, buyer, JAN, "2610", 100_000, loading="Karachi", discharge="Shanghai")
            fact(seller, buyer, FEB, "2610", 100_000, loading="Karachi", discharge="Nowhere Bay")
        refreshed()
        db.session.commit()
    page = client.get("/statistics?by=ports", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    assert '<option value="Karachi">卡拉奇</option>' in page
    assert '<option value="Shanghai">上海</option>' in page
    assert '<option value="Nowhere Bay">Nowhere Bay</option>' in page
    assert "卡拉奇 → 上海" in page
    page = client.get("/statistics?by=ports", headers={"Accept-Language": "ur"}).get_data(
        as_text=True
    )
    assert '<option value="Karachi">کراچی</option>' in page
