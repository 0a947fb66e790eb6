"""Sessions end when they should: logout, password change, and a fresh cookie on sign-in."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User
from tests.factories import UserFactory
from tests.support.auth import TEST_PASSWORD, AuthActions

NEW_PASSWORD = "lantern quietly orbits basalt harbour"
COMMON_MESSAGE = b"This password is too common or too easy to guess."
SHORT_MESSAGE = b"Use at least 12 characters."


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _client_with_cookie(app: Flask, value: str) -> FlaskClient:
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def _sign_in(client: FlaskClient, email: str, password: str = TEST_PASSWORD) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.data


def _has_access(client: FlaskClient) -> bool:
    response = client.get("/company/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    return False


def _audit(action: str, user: User) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor_id == user.id)
        )
    )


# --- logout --------------------------------------------------------------------------


def test_logout_by_get_is_not_allowed(client: FlaskClient, auth: AuthActions) -> None:
    UserFactory(email="owner@example.com")
    auth.login("owner@example.com")
    response = client.get("/logout")
    assert response.status_code == 405
    assert b"This address does not accept that kind of request." in response.data
    # A link or image pointing at /logout signs nobody out.
    assert _has_access(client)


def test_logout_signs_out_and_says_so(client: FlaskClient, auth: AuthActions) -> None:
    user = UserFactory(email="owner@example.com")
    auth.login("owner@example.com")
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert b"You are signed out." in client.get("/").data
    assert not _has_access(client)
    assert len(_audit("logout", user)) == 1


def test_cookie_captured_before_logout_stops_working(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    UserFactory(email="owner@example.com")
    auth.login("owner@example.com")
    captured = _session_cookie(client)
    # The captured cookie works on another client while the session lives ...
    assert _has_access(_client_with_cookie(app, captured))

    auth.logout()

    # ... and not after the owner signed out.
    replay = _client_with_cookie(app, captured)
    response = replay.get("/company/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert replay.get("/account/").status_code == 302


def test_logout_ends_the_users_other_sessions_too(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    UserFactory(email="owner@example.com")
    auth.login("owner@example.com")
    laptop = app.test_client()
    _sign_in(laptop, "owner@example.com")
    auth.logout()
    assert not _has_access(laptop)


def test_signing_in_again_after_logout_works(client: FlaskClient, auth: AuthActions) -> None:
    UserFactory(email="owner@example.com")
    auth.login("owner@example.com")
    auth.logout()
    auth.login("owner@example.com")
    assert _has_access(client)


# --- session fixation ----------------------------------------------------------------


def test_session_cookie_changes_on_sign_in(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    UserFactory(email="owner@example.com")
    # An anonymous session first (choosing a language writes one).
    client.post("/language", data={"locale": "zh_Hans", "next": "/login"})
    before = _session_cookie(client)

    auth.login("owner@example.com")
    after = _session_cookie(client)

    assert after != before
    assert _has_access(client)
    # The pre-sign-in cookie, as a planted one would be, gives no access.
    assert not _has_access(_client_with_cookie(app, before))
    # The chosen language survives the fresh session.
    with client.session_transaction() as session:
        assert session.get("locale") == "zh_Hans"


def test_sign_in_drops_what_the_anonymous_session_held(
    client: FlaskClient, auth: AuthActions
) -> None:
    UserFactory(email="owner@example.com")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login("owner@example.com")
    with client.session_transaction() as session:
        assert "planted" not in session


# --- password change -----------------------------------------------------------------


def test_password_change_page_needs_sign_in(client: FlaskClient) -> None:
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_wrong_current_password_changes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    user = UserFactory(email="owner@example.com")
    old_hash, old_version = user.password_hash, user.session_version
    auth.login("owner@example.com")
    laptop = app.test_client()
    _sign_in(laptop, "owner@example.com")

    response = client.post(
        "/account/password",
        data={
            "current_password": "not my password at all",
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert b"The current password is not right." in response.data
    db.session.refresh(user)
    assert user.password_hash == old_hash
    assert user.session_version == old_version
    assert _audit("password.changed", user) == []
    assert _has_access(client)
    assert _has_access(laptop)


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("password1234", COMMON_MESSAGE),
        ("aaaaaaaaaaaa", COMMON_MESSAGE),
        ("owner@example.com", COMMON_MESSAGE),
        ("Tq7#vW2!pLx", SHORT_MESSAGE),
    ],
    ids=["common", "repeated", "own-email", "eleven-chars"],
)
def test_weak_or_short_new_password_is_refused(
    client: FlaskClient, auth: AuthActions, new_password: str, message: bytes
) -> None:
    user = UserFactory(email="owner@example.com")
    old_hash, old_version = user.password_hash, user.session_version
    auth.login("owner@example.com")

    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": new_password,
            "new_password_confirm": new_password,
        },
    )

    assert response.status_code == 200
    assert message in response.data
    db.session.refresh(user)
    assert user.password_hash == old_hash
    assert user.session_version == old_version
    assert _audit("password.changed", user) == []


def test_mismatched_confirmation_is_refused(client: FlaskClient, auth: AuthActions) -> None:
    user = UserFactory(email="owner@example.com")
    old_hash = user.password_hash
    auth.login("owner@example.com")
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD + "x",
        },
    )
    assert response.status_code == 200
    assert b"The passwords differ." in response.data
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_password_change_keeps_this_session_and_ends_the_others(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    user = UserFactory(email="owner@example.com")
    old_version = user.session_version
    auth.login("owner@example.com")
    laptop = app.test_client()
    _sign_in(laptop, "owner@example.com")
    laptop_cookie = _session_cookie(laptop)
    assert _has_access(laptop)

    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    assert (
        b"Your password is changed. Your other sessions are signed out."
        in client.get("/account/").data
    )
    # This browser carries on ...
    assert _has_access(client)
    # ... the other one is out, and so is anyone replaying its cookie.
    assert not _has_access(laptop)
    assert not _has_access(_client_with_cookie(app, laptop_cookie))

    db.session.refresh(user)
    assert user.session_version > old_version
    assert user.password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(user.password_hash, NEW_PASSWORD)
    rows = _audit("password.changed", user)
    assert len(rows) == 1
    assert rows[0].object_id == user.public_id


def test_after_password_change_only_the_new_password_signs_in(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    UserFactory(email="owner@example.com")
    auth.login("owner@example.com")
    client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    fresh = app.test_client()
    old = fresh.post("/login", data={"email": "owner@example.com", "password": TEST_PASSWORD})
    assert old.status_code == 200
    assert b"The e-mail or password is not right." in old.data
    new = fresh.post("/login", data={"email": "owner@example.com", "password": NEW_PASSWORD})
    assert new.status_code == 302
    assert _has_access(fresh)
