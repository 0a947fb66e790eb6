"""The owner manages the company's people; everyone edits their own profile."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, CompanyRole, OutboxEmail, User
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import TEST_PASSWORD, AuthActions
from tests.support.db import audit_events
from tests.support.http import field_errors

INVITEE_PASSWORD = "marble pelican orchard kettle"
WRONG_LOGIN_MESSAGE = "The e-mail or password is not right."


@pytest.fixture
def owner() -> User:
    """The owner of a verified Pakistani selling company."""
    user: User = UserFactory(email="owner@acme.example.com", full_name="Olivia Owner")
    return user


def signed_in_client(app: Flask, email: str, password: str = TEST_PASSWORD) -> FlaskClient:
    """A second browser, signed in as ``email``."""
    browser = app.test_client()
    response = AuthActions(browser).login(email, password)
    assert response.status_code == 302, f"{email} could not sign in"
    return browser


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def is_sent_to_login(response: object) -> bool:
    status = getattr(response, "status_code", None)
    location = getattr(response, "headers", {}).get("Location", "")
    return status == 302 and location.startswith("/login")


# --- adding a user and the invitation ------------------------------------------------


def test_owner_adds_user_who_accepts_invitation_and_signs_in(
    app: Flask, client: FlaskClient, auth: AuthActions, owner: User
) -> None:
    auth.login(owner.email)

    response = client.post(
        "/company/users/new",
        data={
            "full_name": "Sana Malik",
            "email": "Sana.Malik@Acme.Example.com",
            "role": "sales",
            "locale": "en",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    added = db.session.scalar(select(User).where(User.email == "sana.malik@acme.example.com"))
    assert added is not None
    assert added.full_name == "Sana Malik"
    assert added.company_id == owner.company_id
    assert added.company_role is CompanyRole.SALES
    assert added.active

    emails = list(
        db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.to_address == "sana.malik@acme.example.com")
        )
    )
    assert len(emails) == 1
    link = re.search(r"http://corridor\.test/reset-password/(\S+)", emails[0].body_text)
    assert link is not None, emails[0].body_text
    assert "Olivia Owner" in emails[0].body_text

    [added_event] = audit_events("user.added")
    assert added_event.actor_id == owner.id
    assert added_event.company_id == owner.company_id
    assert added_event.object_id == added.public_id
    assert added_event.details == {"email": "sana.malik@acme.example.com", "role": "sales"}

    # The owner sees the new colleague listed.
    assert "sana.malik@acme.example.com" in client.get("/company/").get_data(as_text=True)

    # The invitee follows the link in another browser and chooses a password.
    token = link.group(1)
    invitee = app.test_client()
    assert invitee.get(f"/reset-password/{token}").status_code == 200
    chosen = invitee.post(
        f"/reset-password/{token}",
        data={"password": INVITEE_PASSWORD, "password_confirm": INVITEE_PASSWORD},
    )
    assert chosen.status_code == 302
    assert chosen.headers["Location"] == "/login"

    login = AuthActions(invitee).login("sana.malik@acme.example.com", INVITEE_PASSWORD)
    assert login.status_code == 302
    assert login.headers["Location"] == "/seller/"
    assert invitee.get("/seller/").status_code == 200
    # The link works once.
    assert invitee.get(f"/reset-password/{token}").status_code == 404


def test_invited_user_cannot_sign_in_before_choosing_a_password(
    app: Flask, client: FlaskClient, auth: AuthActions, owner: User
) -> None:
    auth.login(owner.email)
    client.post(
        "/company/users/new",
        data={
            "full_name": "Li Na",
            "email": "li.na@acme.example.com",
            "role": "finance",
            "locale": "zh_Hans",
        },
    )
    invited = db.session.scalar(select(User).where(User.email == "li.na@acme.example.com"))
    assert invited is not None
    assert invited.locale == "zh_Hans"

    for guess in (TEST_PASSWORD, "li.na@acme.example.com"):
        response = AuthActions(app.test_client()).login("li.na@acme.example.com", guess)
        assert response.status_code == 200


@pytest.mark.parametrize(
    "typed_email",
    ["taken@example.com", "Taken@Example.COM"],
    ids=["same", "differs-in-case"],
)
def test_adding_user_with_email_in_use_is_refused(
    client: FlaskClient, auth: AuthActions, owner: User, typed_email: str
) -> None:
    UserFactory(email="taken@example.com")  # someone in another company
    auth.login(owner.email)
    users_before = user_count()

    response = client.post(
        "/company/users/new",
        data={
            "full_name": "Someone Else",
            "email": typed_email,
            "role": "viewer",
            "locale": "en",
        },
    )

    assert response.status_code == 200
    assert "An account with this e-mail address exists already." in field_errors(
        response.get_data(as_text=True), "email"
    )
    assert user_count() == users_before
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0
    assert audit_events("user.added") == []


# --- roles -----------------------------------------------------------------------------


def test_owner_changes_role_and_the_users_session_ends(
    app: Flask, client: FlaskClient, auth: AuthActions, owner: User
) -> None:
    colleague = UserFactory(
        company=owner.company, company_role=CompanyRole.SALES, email="sana@acme.example.com"
    )
    colleague_browser = signed_in_client(app, colleague.email)
    assert colleague_browser.get("/seller/").status_code == 200
    auth.login(owner.email)

    response = client.post(f"/company/users/{colleague.public_id}/role", data={"role": "viewer"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    assert f"Role changed for {colleague.full_name}." in client.get("/company/").get_data(
        as_text=True
    )
    assert colleague.company_role is CompanyRole.VIEWER
    [event] = audit_events("user.role_changed")
    assert event.actor_id == owner.id
    assert event.object_id == colleague.public_id
    assert event.details["from"] == "sales"
    assert event.details["to"] == "viewer"
    # A viewer of a selling company may see /seller/; the old session may not.
    assert is_sent_to_login(colleague_browser.get("/seller/"))
    # Signing in again works, with the new role.
    again = signed_in_client(app, colleague.email)
    assert again.get("/seller/").status_code == 200


def test_last_active_owner_cannot_be_demoted(
    client: FlaskClient, auth: AuthActions, owner: User
) -> None:
    # A deactivated second owner does not count.
    UserFactory(company=owner.company, company_role=CompanyRole.OWNER, active=False)
    auth.login(owner.email)
    version_before = owner.session_version

    response = client.post(
        f"/company/users/{owner.public_id}/role", data={"role": "viewer"}, follow_redirects=True
    )

    assert response.status_code == 200
    assert (
        "A company keeps at least one active owner. Make someone else owner first."
        in response.get_data(as_text=True)
    )
    assert owner.company_role is CompanyRole.OWNER
    assert owner.session_version == version_before
    assert audit_events("user.role_changed") == []
    assert client.get("/company/").status_code == 200


def test_an_owner_can_be_demoted_while_another_owner_remains(
    client: FlaskClient, auth: AuthActions, owner: User
) -> None:
    co_owner = UserFactory(company=owner.company, company_role=CompanyRole.OWNER)
    auth.login(owner.email)

    client.post(f"/company/users/{co_owner.public_id}/role", data={"role": "finance"})

    assert co_owner.company_role is CompanyRole.FINANCE
    assert len(audit_events("user.role_changed")) == 1


def test_unknown_role_is_refused(client: FlaskClient, auth: AuthActions, owner: User) -> None:
    colleague = UserFactory(company=owner.company, company_role=CompanyRole.SALES)
    auth.login(owner.email)

    response = client.post(
        f"/company/users/{colleague.public_id}/role",
        data={"role": "emperor"},
        follow_redirects=True,
    )

    assert "Choose a role from the list." in response.get_data(as_text=True)
    assert colleague.company_role is CompanyRole.SALES
    assert audit_events("user.role_changed") == []


# --- deactivation ------------------------------------------------------------------


def test_deactivated_user_is_signed_out_and_cannot_sign_in_until_reactivated(
    app: Flask, client: FlaskClient, auth: AuthActions, owner: User
) -> None:
    colleague = UserFactory(
        company=owner.company,
        company_role=CompanyRole.FINANCE,
        email="bilal@acme.example.com",
        full_name="Bilal Qureshi",
    )
    colleague_browser = signed_in_client(app, colleague.email)
    assert colleague_browser.get("/finance/").status_code == 200
    auth.login(owner.email)

    response = client.post(
        f"/company/users/{colleague.public_id}/deactivate", follow_redirects=True
    )

    assert response.status_code == 200
    assert "Bilal Qureshi is deactivated and signed out." in response.get_data(as_text=True)
    assert colleague.active is False
    [event] = audit_events("user.deactivated")
    assert event.actor_id == owner.id
    assert event.object_id == colleague.public_id
    assert is_sent_to_login(colleague_browser.get("/finance/"))
    refused = AuthActions(app.test_client()).login(colleague.email)
    assert refused.status_code == 200
    assert WRONG_LOGIN_MESSAGE in refused.get_data(as_text=True)

    response = client.post(
        f"/company/users/{colleague.public_id}/reactivate", follow_redirects=True
    )

    assert "Bilal Qureshi can sign in again." in response.get_data(as_text=True)
    assert colleague.active is True
    [event] = audit_events("user.reactivated")
    assert event.object_id == colleague.public_id
    back = app.test_client()
    login = AuthActions(back).login(colleague.email)
    assert login.status_code == 302
    assert back.get("/finance/").status_code == 200


def test_owner_cannot_deactivate_themselves(
    client: FlaskClient, auth: AuthActions, owner: User
) -> None:
    # Even with another active owner, deactivating oneself is refused.
    UserFactory(company=owner.company, company_role=CompanyRole.OWNER)
    auth.login(owner.email)

    response = client.post(f"/company/users/{owner.public_id}/deactivate", follow_redirects=True)

    assert response.status_code == 200
    assert "You cannot deactivate yourself." in response.get_data(as_text=True)
    assert owner.active is True
    assert audit_events("user.deactivated") == []
    assert client.get("/company/").status_code == 200


@pytest.mark.parametrize(
    ("action", "data"),
    [("role", {"role": "viewer"}), ("deactivate", {}), ("reactivate", {})],
)
def test_owner_cannot_touch_users_of_another_company(
    client: FlaskClient, auth: AuthActions, owner: User, action: str, data: dict[str, str]
) -> None:
    other_company = CompanyFactory(chinese_buyer=True)
    stranger = UserFactory(
        company=other_company,
        company_role=CompanyRole.PURCHASER,
        active=(action != "reactivate"),
    )
    active_before = stranger.active
    version_before = stranger.session_version
    auth.login(owner.email)
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))

    response = client.post(f"/company/users/{stranger.public_id}/{action}", data=data)

    assert response.status_code == 404
    assert stranger.company_role is CompanyRole.PURCHASER
    assert stranger.active is active_before
    assert stranger.session_version == version_before
    assert stranger.company_id == other_company.id
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


# --- profile -----------------------------------------------------------------------


def test_user_changes_name_and_time_zone(
    client: FlaskClient, auth: AuthActions, owner: User
) -> None:
    auth.login(owner.email)

    response = client.post(
        "/account/",
        data={"full_name": "Olivia Q. Owner", "locale": "", "timezone": "Asia/Karachi"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    assert owner.full_name == "Olivia Q. Owner"
    assert owner.timezone == "Asia/Karachi"
    page = client.get("/account/").get_data(as_text=True)
    assert "Your profile is saved." in page
    assert "Olivia Q. Owner" in page


def test_choosing_chinese_renders_the_next_page_in_chinese(
    client: FlaskClient, auth: AuthActions, owner: User
) -> None:
    auth.login(owner.email)
    assert '<html lang="en"' in client.get("/account/").get_data(as_text=True)

    response = client.post(
        "/account/",
        data={"full_name": owner.full_name, "locale": "zh_Hans", "timezone": "Asia/Shanghai"},
    )

    assert response.status_code == 302
    assert owner.locale == "zh_Hans"
    assert '<html lang="zh-Hans"' in client.get("/account/").get_data(as_text=True)
    # The choice belongs to the account: it follows the user to a new session.
    client.post("/logout")
    auth.login(owner.email)
    assert '<html lang="zh-Hans"' in client.get("/company/").get_data(as_text=True)


def test_unknown_time_zone_is_refused(client: FlaskClient, auth: AuthActions, owner: User) -> None:
    auth.login(owner.email)

    response = client.post(
        "/account/",
        data={"full_name": "Olivia on Mars", "locale": "", "timezone": "Mars/Olympus"},
    )

    assert response.status_code == 200
    assert "Not a valid choice." in field_errors(response.get_data(as_text=True), "timezone")
    assert owner.timezone is None  # still following the company's zone
    assert owner.full_name == "Olivia Owner"


def test_empty_name_is_refused(client: FlaskClient, auth: AuthActions, owner: User) -> None:
    auth.login(owner.email)

    response = client.post("/account/", data={"full_name": "", "locale": "", "timezone": "UTC"})

    assert response.status_code == 200
    assert "This field is required." in field_errors(response.get_data(as_text=True), "full_name")
    assert owner.full_name == "Olivia Owner"
