"""Pages, languages, the health check, and no server error for any input tried."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import login_user

from app.i18n import format_when
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions


def _html_tag(page: bytes) -> str:
    match = re.search(rb"<html[^>]*>", page)
    assert match is not None
    return match.group(0).decode()


@pytest.mark.parametrize(
    ("accept_language", "lang", "direction"),
    [
        ("en-GB,en;q=0.9", "en", "ltr"),
        ("zh-CN,zh;q=0.9", "zh-Hans", "ltr"),
        ("zh-Hans", "zh-Hans", "ltr"),
        ("ur-PK,ur;q=0.9", "ur", "rtl"),
        ("zh-TW", "en", "ltr"),  # Traditional script is not served Simplified
        ("de-DE,fr;q=0.5", "en", "ltr"),
    ],
)
def test_language_follows_accept_language(
    client: FlaskClient, accept_language: str, lang: str, direction: str
) -> None:
    page = client.get("/", headers={"Accept-Language": accept_language}).data
    assert _html_tag(page) == f'<html lang="{lang}" dir="{direction}">'


def test_urdu_pages_load_the_rtl_stylesheet(client: FlaskClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "ur"}).data
    assert b"bootstrap.rtl.min.css" in page
    english = client.get("/login", headers={"Accept-Language": "en"}).data
    assert b"bootstrap.rtl.min.css" not in english


def test_switcher_remembers_the_choice_for_visitors(client: FlaskClient) -> None:
    response = client.post("/language", data={"locale": "zh_Hans", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    page = client.get("/login", headers={"Accept-Language": "en"}).data
    assert 'lang="zh-Hans"' in _html_tag(page)
    assert "登录".encode() in page


def test_switcher_refuses_foreign_next_and_unknown_language(client: FlaskClient) -> None:
    response = client.post("/language", data={"locale": "klingon", "next": "//evil.example"})
    assert response.headers["Location"] == "/"
    assert 'lang="en"' in _html_tag(client.get("/").data)


def test_signed_in_choice_is_saved_on_the_account_and_beats_the_browser(
    client: FlaskClient, auth: AuthActions
) -> None:
    user = UserFactory(email="li@example.com", locale=None)
    auth.login("li@example.com")
    client.post("/language", data={"locale": "ur", "next": "/company/"})
    assert user.locale == "ur"
    page = client.get("/company/", headers={"Accept-Language": "zh-CN"}).data
    assert _html_tag(page) == '<html lang="ur" dir="rtl">'


def test_every_page_offers_the_three_languages(client: FlaskClient) -> None:
    for path in ("/", "/login", "/register", "/forgot-password"):
        page = client.get(path).data.decode()
        for name in ("English", "简体中文", "اردو"):
            assert name in page, (path, name)


def test_times_are_shown_in_the_viewers_time_zone_and_language(app: Flask) -> None:
    user = UserFactory(timezone="Asia/Karachi", locale="zh_Hans")
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with app.test_request_context("/"):
        login_user(user)
        shown = format_when(moment, "short")
    # 12:00 UTC is 17:00 in Karachi; the Chinese short pattern writes the date y/M/d; the
    # zone is named after the time.
    assert shown == "2026/3/1 17:00 GMT+5"


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_not_found_page_is_translated(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404
    assert "未找到".encode() in response.data or "找不到".encode() in response.data
    assert b"Not found" not in response.data


def test_upload_over_the_limit_answers_413(client: FlaskClient) -> None:
    response = client.post("/register", data={"legal_name": "x" * (7 * 1024 * 1024)})
    assert response.status_code == 413
    assert b"Too large" in response.data


def test_landing_page_says_what_corridor_is(client: FlaskClient) -> None:
    page = client.get("/").data.decode()
    assert "Pakistan" in page and "China" in page
    assert "Register a company" in page


HOSTILE_VALUES = [
    "",
    "x" * 10_000,
    "<script>alert(1)</script>",
    "' OR 1=1--",
    "%00",
    "\x00nul",
    "😀 汉字 اردو",
    "../../etc/passwd",
    "-1",
    "99999999999999999999999",
]


def _routes(app: Flask, method: str) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if method not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", "nonexistent")
        paths.append(re.sub(r"<[^>]+>", "nonexistent", path))
    return sorted(set(paths))


@pytest.mark.parametrize("who", ["anonymous", "owner", "operator"])
def test_no_page_answers_500_to_hostile_input(
    app: Flask, client: FlaskClient, auth: AuthActions, who: str
) -> None:
    if who == "owner":
        UserFactory(email="owner@example.com", company=CompanyFactory(sells=True, buys=True))
        auth.login("owner@example.com")
    elif who == "operator":
        UserFactory(email="ops@example.com", operator=True)
        auth.login("ops@example.com")
    failures = []
    for value in HOSTILE_VALUES:
        for path in _routes(app, "GET"):
            query = {"q": value, "page": value, "status": value, "since": value, "next": value}
            response = client.get(path, query_string=query)
            if response.status_code >= 500:
                failures.append(("GET", path, value[:20], response.status_code))
        for path in _routes(app, "POST"):
            if path == "/logout":
                continue  # would end the session the rest of the loop relies on
            form = {
                name: value
                for name in (
                    "email", "password", "legal_name", "country", "trade_role", "tax_id",
                    "role", "locale", "timezone", "decision", "reason", "full_name", "next",
                    "owner_email", "owner_password", "owner_password_confirm", "new_password",
                )
            }  # fmt: skip
            response = client.post(path, data=form)
            if response.status_code >= 500:
                failures.append(("POST", path, value[:20], response.status_code))
    assert failures == []


def test_server_error_page_is_translated_and_saves_nothing(app: Flask, database_url: str) -> None:
    from app import create_app
    from app.extensions import db
    from app.models import Category
    from app.tasks import configure_queue
    from config import TestingConfig

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        PROPAGATE_EXCEPTIONS = False

    broken = create_app(Config)
    try:

        @broken.get("/boom")
        def boom() -> str:
            db.session.add(Category(slug="half-written", name_en="x", name_zh="x", name_ur="x"))
            db.session.flush()
            raise RuntimeError("a bug")

        response = broken.test_client().get("/boom", headers={"Accept-Language": "ur"})
        assert response.status_code == 500
        assert 'dir="rtl"' in response.data.decode()
        assert b"Something went wrong" not in response.data
        from sqlalchemy import select

        assert db.session.scalar(select(Category).where(Category.slug == "half-written")) is None
    finally:
        configure_queue(app)
