"""The platform operator: verification, the audit log, and the command line."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    Category,
    Company,
    CompanyRole,
    User,
    VerificationStatus,
)
from app.models.licence import CompanyVerification
from tests.builders.licences import evidence
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.db import audit_events, count
from tests.support.http import field_errors

OPERATOR_PASSWORD = "granite otter lighthouse saffron"


@pytest.fixture
def operator(auth: AuthActions) -> User:
    """A platform operator, signed in."""
    user: User = UserFactory(operator=True, email="ops@corridor.example.com")
    response = auth.login(user.email)
    assert response.headers["Location"] == "/operator/"
    return user


# --- verification ------------------------------------------------------------------


def test_operator_lists_pending_companies(client: FlaskClient, operator: User) -> None:
    CompanyFactory(pending=True, legal_name="Pending Pumps (Pvt) Ltd")
    CompanyFactory(chinese_buyer=True, pending=True, legal_name="Pending Importers Co.")
    CompanyFactory(legal_name="Verified Valves (Pvt) Ltd")
    CompanyFactory(suspended=True, legal_name="Suspended Spindles Ltd")

    page = client.get("/operator/companies").get_data(as_text=True)

    assert "Pending Pumps (Pvt) Ltd" in page
    assert "Pending Importers Co." in page
    assert "Verified Valves (Pvt) Ltd" not in page
    assert "Suspended Spindles Ltd" not in page

    everyone = client.get("/operator/companies?status=all").get_data(as_text=True)
    for name in ("Pending Pumps", "Verified Valves", "Suspended Spindles"):
        assert name in everyone
    suspended = client.get("/operator/companies?status=suspended").get_data(as_text=True)
    assert "Suspended Spindles Ltd" in suspended
    assert "Pending Pumps" not in suspended


def test_operator_verifies_a_pending_company_recording_the_documents_checked(
    client: FlaskClient, operator: User
) -> None:
    company = CompanyFactory(pending=True, legal_name="Pending Pumps (Pvt) Ltd")
    evidence(company, "registration_certificate", "tax_registration")

    page = client.get(f"/operator/companies/{company.public_id}").get_data(as_text=True)
    assert "Registration certificate" in page
    assert "Tax registration (NTN/STRN or USCC)" in page
    response = client.post(
        f"/operator/companies/{company.public_id}",
        data={
            "verify-checked": ["registration_certificate", "tax_registration"],
            "verify-note": "Against the SECP register.",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/operator/companies/{company.public_id}"
    assert company.verification_status is VerificationStatus.VERIFIED
    assert company.verification_decided_at is not None
    [record] = db.session.scalars(select(CompanyVerification)).all()
    assert record.company_id == company.id
    assert record.checked_by_id == operator.id
    assert record.checked == (
        "Registration certificate; Tax registration (NTN/STRN or USCC). Against the SECP register."
    )
    [event] = audit_events("company.verified")
    assert event.actor_id == operator.id
    assert event.actor_email == operator.email
    assert event.company_id == company.id
    assert event.object_id == company.public_id
    assert event.details["from"] == "pending"
    assert event.details["to"] == "verified"
    [recorded] = audit_events("company.verification_recorded")
    assert recorded.details["checked"] == ["registration_certificate", "tax_registration"]
    flashed = client.get(f"/operator/companies/{company.public_id}").get_data(as_text=True)
    assert "Decision recorded for Pending Pumps (Pvt) Ltd." in flashed


def test_the_old_one_click_verify_no_longer_verifies(client: FlaskClient, operator: User) -> None:
    """The one-click decision is gone: a verify names the documents checked, and they must
    be on file."""
    company = CompanyFactory(pending=True)

    old_click = client.post(
        f"/operator/companies/{company.public_id}", data={"decision": "verified", "reason": ""}
    )
    nothing_on_file = client.post(
        f"/operator/companies/{company.public_id}",
        data={"verify-checked": ["registration_certificate"], "verify-note": ""},
    )
    nothing_ticked = client.post(
        f"/operator/companies/{company.public_id}", data={"verify-note": ""}
    )

    assert old_click.status_code == 200
    assert "The company has not uploaded: Registration certificate." in html.unescape(
        nothing_on_file.get_data(as_text=True)
    )
    assert "Tick the documents you checked." in html.unescape(nothing_ticked.get_data(as_text=True))
    assert company.verification_status is VerificationStatus.PENDING
    assert company.verification_decided_at is None
    assert audit_events("company.verified") == []
    assert count(CompanyVerification) == 0


def test_operator_suspends_a_company_with_a_reason_the_owner_sees(
    app: Flask, client: FlaskClient, operator: User
) -> None:
    company = CompanyFactory(legal_name="Verified Valves (Pvt) Ltd")
    owner = UserFactory(company=company)
    reason = "The NTN does not match the FBR register."

    response = client.post(
        f"/operator/companies/{company.public_id}",
        data={"withdraw-reason": reason},
    )

    assert response.status_code == 302
    assert company.verification_status is VerificationStatus.SUSPENDED
    assert company.verification_reason == reason
    [event] = audit_events("company.suspended")
    assert event.company_id == company.id
    assert event.details == {"from": "verified", "to": "suspended", "reason": reason}

    owner_browser = app.test_client()
    AuthActions(owner_browser).login(owner.email)
    page = html.unescape(owner_browser.get("/company/").get_data(as_text=True))
    assert "Your company is suspended by the platform operator." in page
    assert reason in page


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "spaces"])
def test_suspension_without_reason_is_refused(
    client: FlaskClient, operator: User, reason: str
) -> None:
    company = CompanyFactory(pending=True)

    response = client.post(
        f"/operator/companies/{company.public_id}",
        data={"withdraw-reason": reason},
    )

    assert response.status_code == 200
    assert "Give the reason for the withdrawal." in field_errors(
        response.get_data(as_text=True), "withdraw-reason"
    )
    assert company.verification_status is VerificationStatus.PENDING
    assert company.verification_reason is None
    assert company.verification_decided_at is None
    assert audit_events("company.suspended") == []


@pytest.mark.parametrize("role", [CompanyRole.OWNER, CompanyRole.VIEWER], ids=["owner", "viewer"])
def test_company_user_cannot_verify_even_their_own_company(
    client: FlaskClient, auth: AuthActions, role: CompanyRole
) -> None:
    company = CompanyFactory(pending=True)
    evidence(company, "registration_certificate")
    user = UserFactory(company=company, company_role=role)
    auth.login(user.email)

    response = client.post(
        f"/operator/companies/{company.public_id}",
        data={"verify-checked": ["registration_certificate"], "verify-note": ""},
    )

    assert response.status_code == 403
    assert company.verification_status is VerificationStatus.PENDING
    assert audit_events("company.verified") == []


def test_unknown_company_is_not_found(client: FlaskClient, operator: User) -> None:
    assert client.get("/operator/companies/no-such-company").status_code == 404
    response = client.post(
        "/operator/companies/no-such-company",
        data={"verify-checked": ["registration_certificate"], "verify-note": ""},
    )
    assert response.status_code == 404


# --- audit log ---------------------------------------------------------------------


def add_event(
    action: str,
    occurred_at: datetime,
    object_id: str,
    *,
    actor_email: str | None = None,
    company_id: int | None = None,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        occurred_at=occurred_at,
        actor_email=actor_email,
        company_id=company_id,
        object_type="test",
        object_id=object_id,
        details={},
    )
    db.session.add(event)
    db.session.flush()
    return event


@pytest.fixture
def known_events() -> dict[str, Company]:
    """Four events at known times, actors and companies (object ids evt-1 .. evt-4)."""
    alpha = CompanyFactory(legal_name="Alpha Castings Ltd")
    beta = CompanyFactory(legal_name="Beta Forgings Ltd")
    add_event(
        "company.verified",
        datetime(2024, 3, 1, 10, 0, tzinfo=UTC),
        "evt-1",
        actor_email="alice@example.com",
        company_id=alpha.id,
    )
    add_event(
        "company.suspended",
        datetime(2024, 3, 5, 23, 30, tzinfo=UTC),
        "evt-2",
        actor_email="bob@example.com",
        company_id=beta.id,
    )
    add_event(
        "user.added",
        datetime(2024, 3, 10, 0, 0, tzinfo=UTC),
        "evt-3",
        actor_email="alice@example.com",
        company_id=alpha.id,
    )
    add_event(
        "user.added",
        datetime(2024, 4, 1, 12, 0, tzinfo=UTC),
        "evt-4",
        actor_email="carol@example.com",
        company_id=beta.id,
    )
    return {"alpha": alpha, "beta": beta}


def shown_events(page: str) -> set[str]:
    return set(re.findall(r"\bevt-\d\b", page))


def audit_query(**filters: str) -> dict[str, str]:
    """The filter form as a browser submits it: every field, most of them empty."""
    query = {"action": "", "actor_email": "", "company": "", "since": "", "until": ""}
    query.update(filters)
    return query


def test_audit_log_filters_by_action(
    client: FlaskClient, operator: User, known_events: dict[str, Company]
) -> None:
    everything = client.get("/operator/audit", query_string=audit_query())
    assert everything.status_code == 200
    assert shown_events(everything.get_data(as_text=True)) == {"evt-1", "evt-2", "evt-3", "evt-4"}

    page = client.get("/operator/audit", query_string=audit_query(action="user.added"))

    text = page.get_data(as_text=True)
    assert shown_events(text) == {"evt-3", "evt-4"}
    assert "2 events" in text


def test_audit_log_filters_by_actor_email(
    client: FlaskClient, operator: User, known_events: dict[str, Company]
) -> None:
    page = client.get("/operator/audit", query_string=audit_query(actor_email="Alice@Example.com"))

    assert shown_events(page.get_data(as_text=True)) == {"evt-1", "evt-3"}


def test_audit_log_filters_by_company(
    client: FlaskClient, operator: User, known_events: dict[str, Company]
) -> None:
    beta = known_events["beta"]

    page = client.get("/operator/audit", query_string=audit_query(company=beta.public_id))

    assert shown_events(page.get_data(as_text=True)) == {"evt-2", "evt-4"}


def test_audit_log_filters_by_date_range_including_both_days(
    client: FlaskClient, operator: User, known_events: dict[str, Company]
) -> None:
    page = client.get(
        "/operator/audit", query_string=audit_query(since="2024-03-05", until="2024-03-10")
    )

    text = page.get_data(as_text=True)
    assert shown_events(text) == {"evt-2", "evt-3"}
    assert "2 events" in text


def test_audit_log_filters_combine(
    client: FlaskClient, operator: User, known_events: dict[str, Company]
) -> None:
    alpha = known_events["alpha"]

    page = client.get(
        "/operator/audit",
        query_string=audit_query(
            actor_email="alice@example.com", company=alpha.public_id, since="2024-03-02"
        ),
    )

    assert shown_events(page.get_data(as_text=True)) == {"evt-3"}


def test_shared_link_with_a_single_filter_works(
    client: FlaskClient, operator: User, known_events: dict[str, Company]
) -> None:
    page = client.get("/operator/audit?actor_email=bob@example.com")

    assert shown_events(page.get_data(as_text=True)) == {"evt-2"}


def test_audit_log_shows_50_events_per_page_newest_first(
    client: FlaskClient, operator: User
) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for number in range(120):
        add_event("bulk.test", start + timedelta(minutes=number), f"bulk-{number:03d}")

    first = client.get("/operator/audit", query_string=audit_query(action="bulk.test"))
    text = first.get_data(as_text=True)

    assert "120 events" in text
    assert "Page 1 of 3" in text
    shown = set(re.findall(r"bulk-\d{3}", text))
    assert shown == {f"bulk-{number:03d}" for number in range(70, 120)}

    older = re.search(r'<a class="page-link" href="([^"]+)">Older</a>', text)
    assert older is not None
    second = client.get(html.unescape(older.group(1))).get_data(as_text=True)
    assert "Page 2 of 3" in second
    assert set(re.findall(r"bulk-\d{3}", second)) == {
        f"bulk-{number:03d}" for number in range(20, 70)
    }

    third = client.get(
        "/operator/audit", query_string={**audit_query(action="bulk.test"), "page": "3"}
    ).get_data(as_text=True)
    assert "Page 3 of 3" in third
    assert set(re.findall(r"bulk-\d{3}", third)) == {f"bulk-{number:03d}" for number in range(20)}
    assert "Older</a>" not in third


# --- command line ------------------------------------------------------------------


def test_cli_creates_an_operator_who_can_sign_in(app: Flask, auth: AuthActions) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create-operator", "Ops@Example.com", "--password", OPERATOR_PASSWORD]
    )

    assert result.exit_code == 0, result.output
    assert "Operator ops@example.com created." in result.output
    created = db.session.scalar(select(User).where(User.email == "ops@example.com"))
    assert created is not None
    assert created.is_operator
    assert created.company_id is None
    assert OPERATOR_PASSWORD not in created.password_hash
    assert len(audit_events("operator.created")) == 1

    response = auth.login("ops@example.com", OPERATOR_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/operator/"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "Use at least 12 characters."),
        ("password1234", "This password is too common or too easy to guess."),
        ("qwertyuiopasdf", "This password is too common or too easy to guess."),
    ],
    ids=["too-short", "common", "keyboard-walk"],
)
def test_cli_refuses_a_weak_operator_password(app: Flask, password: str, message: str) -> None:
    users_before = count(User)

    result = app.test_cli_runner().invoke(
        args=["users", "create-operator", "ops@example.com", "--password", password]
    )

    assert result.exit_code != 0
    assert message in result.output
    assert count(User) == users_before


def test_cli_refuses_an_email_in_use(app: Flask) -> None:
    UserFactory(email="ops@example.com")
    db.session.commit()  # a saved account: the refused command rolls back only its own work
    users_before = count(User)

    result = app.test_cli_runner().invoke(
        args=["users", "create-operator", "OPS@example.com", "--password", OPERATOR_PASSWORD]
    )

    assert result.exit_code != 0
    assert "An account with this e-mail address exists already." in result.output
    assert count(User) == users_before


def test_cli_refuses_an_invalid_email(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create-operator", "not-an-address", "--password", OPERATOR_PASSWORD]
    )

    assert result.exit_code != 0
    assert "Enter a valid e-mail address." in result.output


def test_demo_seed_is_idempotent_and_complete(app: Flask, auth: AuthActions) -> None:
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo", "seed"])

    assert first.exit_code == 0, first.output
    after_first = (count(Company), count(User), count(Category))
    assert all(number > 0 for number in after_first)

    second = runner.invoke(args=["demo", "seed"])

    assert second.exit_code == 0, second.output
    assert (count(Company), count(User), count(Category)) == after_first
    assert second.output == first.output

    companies = {
        company.legal_name: company
        for company in db.session.scalars(
            select(Company).where(
                Company.legal_name.in_(
                    ["Wah Nobel (Pvt) Limited", "JW Corporation", "MCCT International"]
                )
            )
        )
    }
    assert set(companies) == {"Wah Nobel (Pvt) Limited", "JW Corporation", "MCCT International"}
    mcct = companies["MCCT International"]
    assert mcct.legal_name_local == "MCCT国际贸易有限公司"
    assert mcct.country == "CN"
    assert mcct.buys
    assert companies["Wah Nobel (Pvt) Limited"].sells
    assert companies["JW Corporation"].sells

    people = list(db.session.scalars(select(User)))
    assert {user.company_role for user in people if user.company_id is not None} == set(CompanyRole)
    operators = [user for user in people if user.is_operator]
    assert len(operators) == 1

    # Every demo account one can sign in with is printed, with the shared password that
    # really signs in; the statistics demo's generated firms are inactive and never printed.
    header = re.search(r"Demo logins \(password for all: (.+)\)", first.output)
    assert header is not None, first.output
    for user in people:
        if user.active:
            assert user.email in first.output
        else:
            assert user.email.endswith("@statistics-demo.corridor.example")
            assert user.email not in first.output
    owner_login = auth.login("owner@mcct.example", header.group(1))
    assert owner_login.status_code == 302
    assert owner_login.headers["Location"] == "/buyer/"  # the area home (issue 26)
    auth.logout()
    operator_login = auth.login(operators[0].email, header.group(1))
    assert operator_login.headers["Location"] == "/operator/"
