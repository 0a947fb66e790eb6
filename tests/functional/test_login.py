"""Signing in: where it lands, what it reveals, where `next` may lead, and the throttle."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import AuditEvent, CompanyRole, User
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import TEST_PASSWORD, AuthActions

WRONG_PASSWORD = "not the right password at all"
FAILED_MESSAGE = b"The e-mail or password is not right."


def _without_csrf(body: bytes) -> bytes:
    return re.sub(rb'(name="csrf_token"[^>]*?value=")[^"]*', rb"\1", body)


def _audit(action: str, email: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor_email == email)
        )
    )


def _signed_in(client: FlaskClient) -> bool:
    """Whether the client's session opens the signed-in account page."""
    return client.get("/account/").status_code == 200


# --- sign-in lands on the role's home page -------------------------------------------


@pytest.mark.parametrize(
    ("factory_kwargs", "home"),
    [
        # The owner lands on the area home with its counts (issue 26), not company settings.
        ({"company_role": CompanyRole.OWNER}, "/seller/"),
        ({"company_role": CompanyRole.FINANCE}, "/finance/"),
        ({"company_role": CompanyRole.SALES}, "/seller/"),
        ({"company_role": CompanyRole.VIEWER}, "/seller/"),
        ({"operator": True}, "/operator/"),
    ],
    ids=["owner", "finance", "sales", "viewer", "operator"],
)
def test_sign_in_redirects_to_the_role_home_page(
    client: FlaskClient, auth: AuthActions, factory_kwargs: dict[str, Any], home: str
) -> None:
    UserFactory(email="someone@example.com", **factory_kwargs)
    response = auth.login("someone@example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert client.get(home).status_code == 200


def test_purchaser_of_a_buying_company_lands_on_buying(
    client: FlaskClient, auth: AuthActions
) -> None:
    company = CompanyFactory(chinese_buyer=True)
    UserFactory(email="buyer@example.com", company=company, company_role=CompanyRole.PURCHASER)
    response = auth.login("buyer@example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/buyer/"
    assert client.get("/buyer/").status_code == 200


def test_sign_in_ignores_case_and_spaces_in_the_email(
    client: FlaskClient, auth: AuthActions
) -> None:
    UserFactory(email="owner@example.com")
    response = auth.login("  Owner@Example.COM ")
    assert response.status_code == 302
    assert _signed_in(client)


def test_successful_sign_in_is_audited_and_recorded(auth: AuthActions) -> None:
    user = UserFactory(email="owner@example.com")
    assert user.last_login_at is None
    auth.login("owner@example.com")
    rows = _audit("login.succeeded", "owner@example.com")
    assert len(rows) == 1
    assert rows[0].actor_id == user.id
    assert rows[0].client_address == "127.0.0.1"
    assert _audit("login.failed", "owner@example.com") == []
    assert db.session.get(User, user.id).last_login_at is not None


# --- failures reveal nothing ---------------------------------------------------------


def test_unknown_email_and_wrong_password_answer_identically(
    client: FlaskClient, auth: AuthActions
) -> None:
    email = "maybe@example.com"
    unknown = auth.login(email, WRONG_PASSWORD)
    # The same address now exists; the same attempt is a wrong password.
    user = UserFactory(email=email)
    wrong = auth.login(email, WRONG_PASSWORD)

    assert unknown.status_code == wrong.status_code == 200
    assert FAILED_MESSAGE in unknown.data
    assert _without_csrf(unknown.data) == _without_csrf(wrong.data)
    # The typed password is never sent back.
    assert WRONG_PASSWORD.encode() not in wrong.data
    assert not _signed_in(client)

    failed = _audit("login.failed", email)
    assert len(failed) == 2
    assert {row.actor_id for row in failed} == {None, user.id}
    assert _audit("login.succeeded", email) == []


def test_unknown_email_is_audited_as_a_failed_sign_in(auth: AuthActions) -> None:
    auth.login("Nobody@Example.com", WRONG_PASSWORD)
    rows = _audit("login.failed", "nobody@example.com")
    assert len(rows) == 1
    assert rows[0].actor_id is None
    assert rows[0].object_id is None


def test_wrong_password_is_audited_against_the_account(auth: AuthActions) -> None:
    user = UserFactory(email="owner@example.com")
    auth.login("owner@example.com", WRONG_PASSWORD)
    rows = _audit("login.failed", "owner@example.com")
    assert len(rows) == 1
    assert rows[0].actor_id == user.id
    assert rows[0].object_id == user.public_id


def test_deactivated_user_cannot_sign_in(client: FlaskClient, auth: AuthActions) -> None:
    UserFactory(email="gone@example.com", active=False)
    response = auth.login("gone@example.com", TEST_PASSWORD)
    assert response.status_code == 200
    assert FAILED_MESSAGE in response.data
    assert not _signed_in(client)
    assert client.get("/company/").status_code == 302
    assert len(_audit("login.failed", "gone@example.com")) == 1
    assert _audit("login.succeeded", "gone@example.com") == []


def test_deactivated_user_gets_the_same_answer_as_a_wrong_password(auth: AuthActions) -> None:
    UserFactory(email="gone@example.com", active=False)
    deactivated = auth.login("gone@example.com", TEST_PASSWORD)
    wrong = auth.login("gone@example.com", WRONG_PASSWORD)
    assert _without_csrf(deactivated.data) == _without_csrf(wrong.data)


# --- next ----------------------------------------------------------------------------


def test_same_site_next_is_followed(client: FlaskClient, auth: AuthActions) -> None:
    UserFactory(email="owner@example.com")
    response = client.post(
        "/login",
        data={"email": "owner@example.com", "password": TEST_PASSWORD, "next": "/account/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"


def test_next_from_a_guarded_page_survives_the_round_trip(client: FlaskClient) -> None:
    UserFactory(email="owner@example.com")
    bounced = client.get("/account/password")
    assert bounced.status_code == 302
    login_page = client.get(bounced.headers["Location"])
    assert login_page.status_code == 200
    match = re.search(
        rb'<input id="next" name="next" type="hidden" value="([^"]*)"', login_page.data
    )
    assert match is not None
    assert match.group(1) == b"/account/password"
    response = client.post(
        "/login",
        data={
            "email": "owner@example.com",
            "password": TEST_PASSWORD,
            "next": match.group(1).decode(),
        },
    )
    assert response.headers["Location"] == "/account/password"


OPEN_REDIRECTS = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:/evil.example",
    "/\n/evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    "/account/\r\nSet-Cookie: x=1",
    " //evil.example",
    "HTTPS://evil.example/",
    "/\\/evil.example",
]


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_open_redirect_next_goes_home_instead(
    client: FlaskClient, auth: AuthActions, target: str
) -> None:
    UserFactory(email="owner@example.com")
    response = client.post(
        "/login", data={"email": "owner@example.com", "password": TEST_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/seller/"
    # Signing in still worked.
    assert client.get("/company/").status_code == 200


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_open_redirect_next_is_not_put_into_the_form(client: FlaskClient, target: str) -> None:
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 200
    match = re.search(rb'<input id="next" name="next" type="hidden" value="([^"]*)"', response.data)
    assert match is not None
    assert match.group(1) == b""


def test_next_with_a_nul_character_never_leaves_the_site(
    client: FlaskClient, auth: AuthActions
) -> None:
    UserFactory(email="owner@example.com")
    response = client.post(
        "/login",
        data={
            "email": "owner@example.com",
            "password": TEST_PASSWORD,
            "next": "\x00//evil.example",
        },
    )
    assert "evil" not in response.headers.get("Location", "")
    assert response.status_code in (302, 400)


# --- throttling ----------------------------------------------------------------------


def _assert_throttled(response: TestResponse) -> None:
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    assert b"Too many attempts in a short time. Wait a minute, then try again." in response.data
    retry_after = response.headers.get("Retry-After")
    assert retry_after is not None
    assert int(retry_after) > 0


def test_sixth_failed_attempt_for_one_account_is_throttled(
    client: FlaskClient, auth: AuthActions
) -> None:
    UserFactory(email="owner@example.com")
    for _ in range(5):
        assert auth.login("owner@example.com", WRONG_PASSWORD).status_code == 200
    throttled = auth.login("owner@example.com", WRONG_PASSWORD)
    _assert_throttled(throttled)
    # Even the right password waits: the throttle answers before the password is checked.
    assert auth.login("owner@example.com", TEST_PASSWORD).status_code == 429
    assert not _signed_in(client)
    # Throttled attempts never reached the password check.
    assert len(_audit("login.failed", "owner@example.com")) == 5


def test_account_throttle_keys_on_the_normalised_email(auth: AuthActions) -> None:
    UserFactory(email="owner@example.com")
    variants = ["owner@example.com", "OWNER@example.com", " owner@example.com", "Owner@Example.Com"]
    for email in [*variants, "owner@EXAMPLE.com"]:
        assert auth.login(email, WRONG_PASSWORD).status_code == 200
    _assert_throttled(auth.login("owner@example.com ", WRONG_PASSWORD))


def test_another_account_from_the_same_address_is_still_allowed(
    client: FlaskClient, auth: AuthActions
) -> None:
    UserFactory(email="owner@example.com")
    UserFactory(email="colleague@example.com")
    for _ in range(5):
        auth.login("owner@example.com", WRONG_PASSWORD)
    _assert_throttled(auth.login("owner@example.com", WRONG_PASSWORD))

    assert auth.login("colleague@example.com", WRONG_PASSWORD).status_code == 200
    response = auth.login("colleague@example.com")
    assert response.status_code == 302
    assert _signed_in(client)


def test_account_throttle_applies_from_any_address(app: Flask) -> None:
    UserFactory(email="owner@example.com")
    for number in range(5):
        other = app.test_client()
        response = other.post(
            "/login",
            data={"email": "owner@example.com", "password": WRONG_PASSWORD},
            environ_base={"REMOTE_ADDR": f"198.51.100.{number + 1}"},
        )
        assert response.status_code == 200
    response = app.test_client().post(
        "/login",
        data={"email": "owner@example.com", "password": WRONG_PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    _assert_throttled(response)


def test_successful_sign_ins_are_not_counted(client: FlaskClient, auth: AuthActions) -> None:
    UserFactory(email="owner@example.com")
    for _ in range(8):
        assert auth.login("owner@example.com").status_code == 302
    # Still five failures allowed after eight successes.
    for _ in range(5):
        assert auth.login("owner@example.com", WRONG_PASSWORD).status_code == 200
    _assert_throttled(auth.login("owner@example.com", WRONG_PASSWORD))


def test_viewing_the_sign_in_page_is_not_counted(client: FlaskClient, auth: AuthActions) -> None:
    UserFactory(email="owner@example.com")
    for _ in range(10):
        assert client.get("/login").status_code == 200
    for _ in range(5):
        assert auth.login("owner@example.com", WRONG_PASSWORD).status_code == 200
    _assert_throttled(auth.login("owner@example.com", WRONG_PASSWORD))


def test_per_address_limit_with_many_emails_default(auth: AuthActions) -> None:
    for number in range(30):
        response = auth.login(f"guess{number}@example.com", WRONG_PASSWORD)
        assert response.status_code == 200, number
    _assert_throttled(auth.login("guess-last@example.com", WRONG_PASSWORD))


def test_per_address_limit_follows_configuration(
    app: Flask, client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per minute")
    for number in range(3):
        assert auth.login(f"guess{number}@example.com", WRONG_PASSWORD).status_code == 200
    _assert_throttled(auth.login("guess-last@example.com", WRONG_PASSWORD))

    # A real account from the same address is held back too ...
    UserFactory(email="owner@example.com")
    db.session.commit()  # a saved account: the throttled request rolls back only its own work
    assert auth.login("owner@example.com").status_code == 429
    # ... while another address is not.
    other = app.test_client()
    response = other.post(
        "/login",
        data={"email": "owner@example.com", "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 302
