"""Forgotten password: one e-mailed link, usable once, for one hour, revealing nothing."""

from __future__ import annotations

import gettext
import hashlib
import re
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import AuditEvent, OutboxEmail, PasswordReset, User
from app.models.base import utcnow
from tests.factories import UserFactory
from tests.support.auth import TEST_PASSWORD

NEW_PASSWORD = "lantern quietly orbits basalt harbour"
SENT_MESSAGE = (
    b"If an account uses this address, we sent it a link to choose a new password."
    b" The link works once, for one hour."
)
ENGLISH_SUBJECT = "Reset your Corridor password"
LINK = re.compile(r"http://corridor\.test/reset-password/([A-Za-z0-9_\-]+)")
TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"


def _without_csrf(body: bytes) -> bytes:
    return re.sub(rb'(name="csrf_token"[^>]*?value=")[^"]*', rb"\1", body)


def _emails_to(address: str) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address)))


def _request_link(client: FlaskClient, email: str) -> str:
    response = client.post("/forgot-password", data={"email": email})
    assert response.status_code == 302
    emails = _emails_to(email.strip().lower())
    assert emails, "no reset e-mail was written"
    match = LINK.search(emails[-1].body_text)
    assert match is not None, emails[-1].body_text
    return match.group(1)


def _reset(
    client: FlaskClient, token: str, password: str, confirm: str | None = None
) -> TestResponse:
    return client.post(
        f"/reset-password/{token}",
        data={"password": password, "password_confirm": password if confirm is None else confirm},
    )


def _can_sign_in(app: Flask, email: str, password: str) -> bool:
    response = app.test_client().post("/login", data={"email": email, "password": password})
    return response.status_code == 302


def _has_access(client: FlaskClient) -> bool:
    return client.get("/company/").status_code == 200


# --- asking for a link ---------------------------------------------------------------


def test_known_and_unknown_address_get_the_same_answer(app: Flask) -> None:
    UserFactory(email="owner@example.com")
    known_client, unknown_client = app.test_client(), app.test_client()

    known = known_client.post("/forgot-password", data={"email": "owner@example.com"})
    unknown = unknown_client.post("/forgot-password", data={"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/login"
    known_page = known_client.get("/login")
    unknown_page = unknown_client.get("/login")
    assert SENT_MESSAGE in known_page.data
    assert _without_csrf(known_page.data) == _without_csrf(unknown_page.data)


def test_only_a_known_address_gets_an_email_with_a_link(client: FlaskClient) -> None:
    user = UserFactory(email="owner@example.com")
    before = db.session.scalar(select(func.count(OutboxEmail.id)))

    client.post("/forgot-password", data={"email": "nobody@example.com"})
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == before
    assert _emails_to("nobody@example.com") == []

    client.post("/forgot-password", data={"email": "Owner@Example.com"})
    emails = _emails_to("owner@example.com")
    assert len(emails) == 1
    email = emails[0]
    assert email.subject == ENGLISH_SUBJECT
    assert email.sent_at is not None  # the job ran (immediately, under testing)
    assert LINK.search(email.body_text) is not None
    assert "owner@example.com" in email.body_text
    # Only a hash of the token is stored.
    token = LINK.search(email.body_text).group(1)  # type: ignore[union-attr]
    resets = list(db.session.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id)))
    assert len(resets) == 1
    assert resets[0].token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert resets[0].expires_at - resets[0].created_at == timedelta(hours=1)


def test_deactivated_account_gets_no_email(client: FlaskClient) -> None:
    UserFactory(email="gone@example.com", active=False)
    response = client.post("/forgot-password", data={"email": "gone@example.com"})
    assert response.status_code == 302
    assert _emails_to("gone@example.com") == []


def _expected_subject(locale: str) -> str:
    """The translated subject if that catalog is compiled and translates it, else English."""
    catalog = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"
    if not catalog.exists():
        return ENGLISH_SUBJECT
    with catalog.open("rb") as handle:
        return gettext.GNUTranslations(handle).gettext(ENGLISH_SUBJECT)


def test_email_is_written_in_the_users_language(client: FlaskClient) -> None:
    UserFactory(email="buyer@example.com", locale="zh_Hans")
    # The page is in English; the e-mail follows the account's language.
    client.post(
        "/forgot-password", data={"email": "buyer@example.com"}, headers={"Accept-Language": "en"}
    )
    emails = _emails_to("buyer@example.com")
    assert len(emails) == 1
    assert emails[0].subject == _expected_subject("zh_Hans")
    assert LINK.search(emails[0].body_text) is not None


def test_link_uses_the_configured_base_url_not_the_host_header(client: FlaskClient) -> None:
    UserFactory(email="owner@example.com")
    client.post(
        "/forgot-password",
        data={"email": "owner@example.com"},
        headers={"Host": "evil.example"},
    )
    emails = _emails_to("owner@example.com")
    assert len(emails) == 1
    assert "evil.example" not in emails[0].body_text
    assert LINK.search(emails[0].body_text) is not None


# --- using the link ------------------------------------------------------------------


def test_link_sets_a_new_password_once(app: Flask, client: FlaskClient) -> None:
    user = UserFactory(email="owner@example.com")
    token = _request_link(client, "owner@example.com")

    page = client.get(f"/reset-password/{token}")
    assert page.status_code == 200
    assert b"Choose a new password" in page.data

    response = _reset(client, token, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert b"Your password is changed. Sign in with it now." in client.get("/login").data

    assert not _can_sign_in(app, "owner@example.com", TEST_PASSWORD)
    assert _can_sign_in(app, "owner@example.com", NEW_PASSWORD)
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")
    reset_rows = list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "password.reset", AuditEvent.actor_id == user.id
            )
        )
    )
    assert len(reset_rows) == 1

    # The same link a second time: refused, and the password stays.
    again = client.get(f"/reset-password/{token}")
    assert again.status_code == 404
    assert b"Link not valid" in again.data
    second = _reset(client, token, "another entirely different passphrase here")
    assert second.status_code == 404
    assert b"Link not valid" in second.data
    assert _can_sign_in(app, "owner@example.com", NEW_PASSWORD)


def test_unknown_token_is_not_found(client: FlaskClient) -> None:
    response = client.get("/reset-password/not-a-real-token")
    assert response.status_code == 404
    assert b"Link not valid" in response.data
    assert _reset(client, "not-a-real-token", NEW_PASSWORD).status_code == 404


def test_expired_link_is_not_found(app: Flask, client: FlaskClient) -> None:
    user = UserFactory(email="owner@example.com")
    token = _request_link(client, "owner@example.com")
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert reset is not None
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 404
    assert b"Link not valid" in response.data
    assert _reset(client, token, NEW_PASSWORD).status_code == 404
    assert _can_sign_in(app, "owner@example.com", TEST_PASSWORD)
    assert not _can_sign_in(app, "owner@example.com", NEW_PASSWORD)


def test_using_a_link_voids_the_users_other_links(app: Flask, client: FlaskClient) -> None:
    UserFactory(email="owner@example.com")
    first = _request_link(client, "owner@example.com")
    second = _request_link(client, "owner@example.com")
    assert first != second
    assert _reset(client, second, NEW_PASSWORD).status_code == 302
    assert client.get(f"/reset-password/{first}").status_code == 404


def test_weak_new_password_is_refused_and_the_link_still_works(
    app: Flask, client: FlaskClient
) -> None:
    user = UserFactory(email="owner@example.com")
    old_hash = user.password_hash
    token = _request_link(client, "owner@example.com")

    for weak, message in [
        ("password1234", b"This password is too common or too easy to guess."),
        ("short-pass1", b"Use at least 12 characters."),
    ]:
        response = _reset(client, token, weak)
        assert response.status_code == 200
        assert message in response.data

    db.session.refresh(user)
    assert user.password_hash == old_hash
    assert _can_sign_in(app, "owner@example.com", TEST_PASSWORD)
    # The refused attempt did not use up the link.
    assert client.get(f"/reset-password/{token}").status_code == 200
    assert _reset(client, token, NEW_PASSWORD).status_code == 302


def test_reset_ends_every_session(app: Flask, client: FlaskClient) -> None:
    user = UserFactory(email="owner@example.com")
    old_version = user.session_version
    laptop = app.test_client()
    assert (
        laptop.post(
            "/login", data={"email": "owner@example.com", "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    assert _has_access(laptop)

    token = _request_link(client, "owner@example.com")
    assert _reset(client, token, NEW_PASSWORD).status_code == 302

    db.session.refresh(user)
    assert user.session_version > old_version
    assert not _has_access(laptop)


def test_reset_from_a_signed_in_browser_signs_it_out(app: Flask, client: FlaskClient) -> None:
    UserFactory(email="owner@example.com")
    assert (
        client.post(
            "/login", data={"email": "owner@example.com", "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    token = _request_link(client, "owner@example.com")
    assert _reset(client, token, NEW_PASSWORD).status_code == 302
    assert not _has_access(client)


def test_reset_password_is_stored_for_the_right_user_only(app: Flask, client: FlaskClient) -> None:
    UserFactory(email="owner@example.com")
    other = UserFactory(email="other@example.com")
    other_hash = other.password_hash
    token = _request_link(client, "owner@example.com")
    _reset(client, token, NEW_PASSWORD)
    assert db.session.get(User, other.id).password_hash == other_hash
    assert _can_sign_in(app, "other@example.com", TEST_PASSWORD)
