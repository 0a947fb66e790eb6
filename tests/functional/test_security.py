"""CSRF, security headers, production settings and password hashing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session, sessionmaker

import config
from app import create_app
from app.extensions import db
from app.models import AuditEvent, Company, OutboxEmail, User
from app.tasks import configure_queue
from config import ConfigError, DevelopmentConfig, ProductionConfig, TestingConfig
from tests.factories import UserFactory
from tests.support.auth import TEST_PASSWORD, AuthActions
from tests.support.http import assert_csrf_refused, csrf_token

PRODUCTION_SECRET = "p" * 24 + "R" * 24  # 48 characters
PRODUCTION_BASE_URL = "https://corridor.example"
NEW_PASSWORD = "lantern quietly orbits basalt harbour"


def _registration(token: str | None = None) -> dict[str, str]:
    data = {
        "legal_name": "Indus Valve Works (Pvt) Ltd",
        "legal_name_local": "",
        "country": "PK",
        "trade_role": "sell",
        "address": "Plot 7, SITE Area",
        "city": "Karachi",
        "postal_code": "",
        "tax_id": "7654321-0",
        "sales_tax_registration": "",
        "contact_email": "office@indusvalve.example",
        "contact_phone": "",
        "owner_name": "Ayesha Khan",
        "owner_email": "ayesha@indusvalve.example",
        "owner_password": NEW_PASSWORD,
        "owner_password_confirm": NEW_PASSWORD,
    }
    if token is not None:
        data["csrf_token"] = token
    return data


@pytest.fixture
def csrf_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


# --- CSRF ----------------------------------------------------------------------------


@pytest.mark.usefixtures("csrf_on")
def test_login_without_token_is_refused_and_signs_nobody_in(client: FlaskClient) -> None:
    UserFactory(email="owner@example.com")
    response = client.post("/login", data={"email": "owner@example.com", "password": TEST_PASSWORD})
    assert_csrf_refused(response)
    assert client.get("/company/").status_code == 302
    count = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action.like("login.%"))
    )
    assert count == 0


@pytest.mark.usefixtures("csrf_on")
def test_login_with_a_forged_token_is_refused(client: FlaskClient) -> None:
    UserFactory(email="owner@example.com")
    client.get("/login")
    response = client.post(
        "/login",
        data={"email": "owner@example.com", "password": TEST_PASSWORD, "csrf_token": "forged"},
    )
    assert_csrf_refused(response)
    assert client.get("/company/").status_code == 302


@pytest.mark.usefixtures("csrf_on")
def test_login_with_the_token_from_the_form_works(client: FlaskClient) -> None:
    UserFactory(email="owner@example.com")
    token = csrf_token(client.get("/login").data)
    response = client.post(
        "/login",
        data={"email": "owner@example.com", "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/seller/"  # the owner lands on the area home (issue 26)
    assert client.get("/company/").status_code == 200


@pytest.mark.usefixtures("csrf_on")
def test_a_token_from_another_browser_is_refused(app: Flask, client: FlaskClient) -> None:
    UserFactory(email="owner@example.com")
    attacker = app.test_client()
    token = csrf_token(attacker.get("/login").data)
    client.get("/login")
    response = client.post(
        "/login",
        data={"email": "owner@example.com", "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert_csrf_refused(response)


@pytest.mark.usefixtures("csrf_on")
def test_register_without_token_is_refused_and_creates_nothing(client: FlaskClient) -> None:
    companies = db.session.scalar(select(func.count(Company.id)))
    users = db.session.scalar(select(func.count(User.id)))
    response = client.post("/register", data=_registration())
    assert_csrf_refused(response)
    assert db.session.scalar(select(func.count(Company.id))) == companies
    assert db.session.scalar(select(func.count(User.id))) == users


@pytest.mark.usefixtures("csrf_on")
def test_register_with_the_token_from_the_form_works(client: FlaskClient) -> None:
    token = csrf_token(client.get("/register").data)
    response = client.post("/register", data=_registration(token))
    assert response.status_code == 302, response.data
    assert response.headers["Location"] == "/company/"
    owner = db.session.scalar(select(User).where(User.email == "ayesha@indusvalve.example"))
    assert owner is not None
    assert owner.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in owner.password_hash


@pytest.mark.usefixtures("csrf_on")
def test_logout_without_token_is_refused_and_the_session_lives(client: FlaskClient) -> None:
    user = UserFactory(email="owner@example.com")
    token = csrf_token(client.get("/login").data)
    client.post(
        "/login",
        data={"email": "owner@example.com", "password": TEST_PASSWORD, "csrf_token": token},
    )
    version = user.session_version

    assert_csrf_refused(client.post("/logout"))

    assert client.get("/company/").status_code == 200
    db.session.refresh(user)
    assert user.session_version == version
    logouts = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "logout")
    )
    assert logouts == 0


@pytest.mark.usefixtures("csrf_on")
def test_logout_with_the_token_from_the_page_works(client: FlaskClient) -> None:
    UserFactory(email="owner@example.com")
    token = csrf_token(client.get("/login").data)
    client.post(
        "/login",
        data={"email": "owner@example.com", "password": TEST_PASSWORD, "csrf_token": token},
    )
    page = client.get("/company/")
    logout_form = re.search(rb'action="/logout">(.*?)</form>', page.data, re.S)
    assert logout_form is not None
    response = client.post("/logout", data={"csrf_token": csrf_token(logout_form.group(1))})
    assert response.status_code == 302
    assert client.get("/company/").status_code == 302


@pytest.mark.usefixtures("csrf_on")
def test_language_switch_without_token_is_refused_and_changes_nothing(
    client: FlaskClient,
) -> None:
    user = UserFactory(email="owner@example.com")
    token = csrf_token(client.get("/login").data)
    client.post(
        "/login",
        data={"email": "owner@example.com", "password": TEST_PASSWORD, "csrf_token": token},
    )

    assert_csrf_refused(client.post("/language", data={"locale": "zh_Hans", "next": "/"}))

    with client.session_transaction() as session:
        assert "locale" not in session
    db.session.refresh(user)
    assert user.locale is None
    assert b'lang="en"' in client.get("/").data


@pytest.mark.usefixtures("csrf_on")
def test_language_switch_with_the_token_from_the_page_works(client: FlaskClient) -> None:
    token = csrf_token(client.get("/").data)
    response = client.post(
        "/language", data={"locale": "zh_Hans", "next": "/login", "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    with client.session_transaction() as session:
        assert session.get("locale") == "zh_Hans"
    assert b'lang="zh-Hans"' in client.get("/").data


# --- security headers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/login", 200),
        ("GET", "/healthz", 200),
        ("GET", "/no-such-page", 404),
        ("GET", "/logout", 405),
        ("GET", "/company/", 302),
    ],
)
def test_security_headers_on_every_response(
    client: FlaskClient, method: str, path: str, status: int
) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.strip() for part in csp.split(";")}
    assert "script-src 'self'" in directives
    assert "frame-ancestors 'none'" in directives
    assert "object-src 'none'" in directives
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy")
    assert response.headers.get("X-Frame-Options") == "DENY"
    # Plain HTTP in testing: no HSTS.
    assert "Strict-Transport-Security" not in response.headers


def test_security_headers_on_the_throttled_answer(client: FlaskClient, auth: AuthActions) -> None:
    for _ in range(6):
        response = auth.login("someone@example.com", "not the right password")
    assert response.status_code == 429
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_use_no_inline_script(client: FlaskClient) -> None:
    # A CSP without 'unsafe-inline' would break inline scripts; there must be none.
    for path in ("/", "/login", "/register", "/forgot-password"):
        body = client.get(path).data
        for tag in re.findall(rb"<script\b[^>]*>", body):
            assert b"src=" in tag, (path, tag)
        assert b" onclick=" not in body
        assert b" onload=" not in body


# --- production configuration --------------------------------------------------------


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """ProductionConfig with its class attributes restored afterwards, files in tmp_path."""
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", None)
    monkeypatch.setattr(ProductionConfig, "HUEY_SQLITE_PATH", str(tmp_path / "queue.sqlite3"))
    monkeypatch.setattr(ProductionConfig, "REDIS_URL", None)
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setattr(ProductionConfig, "MAIL_SERVER", None)
    monkeypatch.setattr(ProductionConfig, "PROXY_FIX_X_FOR", 0)
    monkeypatch.setattr(ProductionConfig, "PUBLIC_BASE_URL", None)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path / "instance")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PUBLIC_BASE_URL", PRODUCTION_BASE_URL)
    monkeypatch.delenv("CORRIDOR_CONFIG", raising=False)
    yield


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize(
    ("secret", "database"),
    [
        (None, "sqlite:///{tmp}/corridor.sqlite3"),
        ("", "sqlite:///{tmp}/corridor.sqlite3"),
        ("s" * 31, "sqlite:///{tmp}/corridor.sqlite3"),
        (PRODUCTION_SECRET, None),
        (PRODUCTION_SECRET, ""),
        (PRODUCTION_SECRET, "sqlite://"),
        (PRODUCTION_SECRET, "sqlite:///:memory:"),
    ],
    ids=[
        "no-secret",
        "empty-secret",
        "short-secret",
        "no-database",
        "empty-database",
        "memory-database",
        "memory-database-2",
    ],
)
def test_production_refuses_to_start_without_a_real_secret_and_database(
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    secret: str | None,
    database: str | None,
) -> None:
    if secret is not None:
        monkeypatch.setenv("SECRET_KEY", secret)
    if database is not None:
        monkeypatch.setenv("DATABASE_URL", database.format(tmp=tmp_path))
    try:
        with pytest.raises(ConfigError):
            config.resolve("production")
        monkeypatch.setenv("CORRIDOR_CONFIG", "production")
        with pytest.raises(ConfigError):
            create_app()
    finally:
        configure_queue(app)
    assert ProductionConfig.SECRET_KEY is None
    assert ProductionConfig.SQLALCHEMY_DATABASE_URI is None


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize(
    "base_url",
    [None, "", "corridor.example", "ftp://corridor.example", "https://", "https://c.example/?a=1"],
    ids=["unset", "empty", "no-scheme", "not-http", "no-host", "query"],
)
def test_production_refuses_to_start_without_a_public_base_url(
    app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, base_url: str | None
) -> None:
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_SECRET)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    if base_url is None:
        monkeypatch.delenv("PUBLIC_BASE_URL")
    else:
        monkeypatch.setenv("PUBLIC_BASE_URL", base_url)
    try:
        with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
            config.resolve("production")
        monkeypatch.setenv("CORRIDOR_CONFIG", "production")
        with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
            create_app()
    finally:
        configure_queue(app)
    assert ProductionConfig.PUBLIC_BASE_URL is None


@pytest.fixture
def production_app(
    app: Flask, production: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Flask]:
    """A production app on its own SQLite file, with its own (real) database session."""
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_SECRET)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    # What else production demands (tests/functional/test_production_config.py); the
    # cookie and header checks here run on a SQLite file, with no queue consumer.
    monkeypatch.setattr(ProductionConfig, "DATABASE_SCHEMES", ("postgresql", "sqlite"))
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("MAIL_LOG_ONLY", "1")
    monkeypatch.setenv("STORAGE_BACKEND", "local")
    monkeypatch.setenv("FILE_ROOT", str(tmp_path / "files"))
    own_session = scoped_session(sessionmaker(class_=FlaskSQLAlchemySession, db=db))
    # The test fixture swapped in a session bound to the testing database; this app
    # gets a normal one, bound through the app to its own engine.
    monkeypatch.setattr(db, "session", own_session)
    built: Flask | None = None
    try:
        built = create_app("production")
        with built.app_context():
            flask_migrate.upgrade()
            UserFactory(email="owner@example.com")
            db.session.commit()
        yield built
    finally:
        own_session.remove()
        if built is not None:
            with built.app_context():
                db.engine.dispose()
        # Building an app rebinds the module-level job queue; point it back.
        configure_queue(app)


def test_production_session_cookie_is_secure_httponly_lax(production_app: Flask) -> None:
    assert production_app.config["SECRET_KEY"] == PRODUCTION_SECRET
    browser = production_app.test_client()
    page = browser.get("/login", base_url="https://corridor.example")
    assert page.status_code == 200
    response = browser.post(
        "/login",
        base_url="https://corridor.example",
        headers={"Referer": "https://corridor.example/login"},
        data={
            "email": "owner@example.com",
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(page.data),
        },
    )
    assert response.status_code == 302, response.data
    assert response.headers["Location"] == "/seller/"  # the owner's area home (issue 26)
    session_cookies = [
        header for header in response.headers.getlist("Set-Cookie") if header.startswith("session=")
    ]
    assert len(session_cookies) == 1
    attributes = {part.strip().lower() for part in session_cookies[0].split(";")[1:]}
    assert "secure" in attributes
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "Strict-Transport-Security" in response.headers
    assert browser.get("/company/", base_url="https://corridor.example").status_code == 200


def test_production_responses_carry_hsts(production_app: Flask) -> None:
    browser = production_app.test_client()
    for path, status in (("/", 200), ("/login", 200), ("/healthz", 200), ("/nothing", 404)):
        response = browser.get(path, base_url="https://corridor.example")
        assert response.status_code == status, path
        hsts = response.headers.get("Strict-Transport-Security", "")
        assert "max-age=" in hsts
        assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000  # type: ignore[union-attr]


def test_production_upgrades_a_weak_hash_on_sign_in(production_app: Flask) -> None:
    browser = production_app.test_client()
    page = browser.get("/login", base_url="https://corridor.example")
    browser.post(
        "/login",
        base_url="https://corridor.example",
        headers={"Referer": "https://corridor.example/login"},
        data={
            "email": "owner@example.com",
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(page.data),
        },
    )
    with production_app.app_context():
        stored = db.session.scalar(
            select(User.password_hash).where(User.email == "owner@example.com")
        )
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "m=47104" in stored


def test_production_links_name_the_public_base_url_whatever_host_serves(
    production_app: Flask,
) -> None:
    browser = production_app.test_client()
    served_at = "https://10.0.0.7:8443"  # a web machine's own address, behind the proxy
    page = browser.get("/forgot-password", base_url=served_at)
    browser.post(
        "/forgot-password",
        base_url=served_at,
        headers={"Referer": f"{served_at}/forgot-password"},
        data={"email": "owner@example.com", "csrf_token": csrf_token(page.data)},
    )
    with production_app.app_context():
        body = db.session.scalar(
            select(OutboxEmail.body_text).where(OutboxEmail.to_address == "owner@example.com")
        )
    assert body is not None
    assert re.search(r"https://corridor\.example/reset-password/[\w-]+", body)
    assert "10.0.0.7" not in body


# --- password hashing ----------------------------------------------------------------


def test_passwords_are_stored_as_argon2id(client: FlaskClient) -> None:
    response = client.post("/register", data=_registration())
    assert response.status_code == 302
    owner = db.session.scalar(select(User).where(User.email == "ayesha@indusvalve.example"))
    assert owner is not None
    assert owner.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in owner.password_hash


@pytest.mark.parametrize("config_class", [config.Config, DevelopmentConfig, ProductionConfig])
def test_real_configurations_hash_at_the_asvs_floor(config_class: type[config.Config]) -> None:
    assert config_class.ARGON2_MEMORY_KIB >= 47104
    assert config_class.ARGON2_TIME_COST >= 1
    assert config_class.ARGON2_PARALLELISM >= 1


def test_production_turns_on_transport_security() -> None:
    assert TestingConfig.HSTS is False
    assert ProductionConfig.HSTS is True
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
