"""Registering a company through the public form: the owner's first steps on Corridor."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Company, CompanyRole, User, VerificationStatus
from tests.factories import UserFactory
from tests.support.http import field_errors
from tests.support.registration import (
    STRONG_PASSWORD,
    USCC_BASE,
    VALID_USCC,
    chinese_buyer,
    pakistani_seller,
)

# Any other check character than the right one.
BAD_CHECKSUM_USCC = USCC_BASE + ("0" if VALID_USCC[-1] != "0" else "1")

USCC_MESSAGE = (
    "This is not a valid Unified Social Credit Code: 18 characters with a correct check character."
)
NTN_MESSAGE = (
    "This is not a valid NTN: seven digits and a check digit (1234567-8), or a 13-digit CNIC."
)
STRN_MESSAGE = "This is not a valid STRN: 13 digits."
SHORT_PASSWORD_MESSAGE = "Use at least 12 characters."
COMMON_PASSWORD_MESSAGE = (
    "This password is too common or too easy to guess. A few unrelated words make a strong"
    " passphrase."
)
REQUIRED_MESSAGE = "This field is required."
DUPLICATE_EMAIL_MESSAGE = "An account with this e-mail address exists already. Sign in instead."


def row_counts() -> tuple[int, int, int]:
    """How many companies, users and audit events exist."""
    return (
        db.session.scalar(select(func.count()).select_from(Company)) or 0,
        db.session.scalar(select(func.count()).select_from(User)) or 0,
        db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
    )


def company_named(legal_name: str) -> Company | None:
    return db.session.scalar(select(Company).where(Company.legal_name == legal_name))


def test_pakistani_seller_registers_and_lands_on_company_page(client: FlaskClient) -> None:
    response = client.post("/register", data=pakistani_seller())

    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    company = company_named("Indus Valves (Pvt) Ltd")
    assert company is not None
    assert company.country == "PK"
    assert (company.sells, company.buys) == (True, False)
    assert company.tax_id == "1234567-8"
    assert company.sales_tax_registration == "3277876175852"
    assert company.reporting_currency == "PKR"
    assert company.verification_status is VerificationStatus.PENDING
    owner = db.session.scalar(select(User).where(User.company_id == company.id))
    assert owner is not None
    assert owner.email == "farah@indusvalves.example.com"
    assert owner.full_name == "Farah Siddiqui"
    assert owner.company_role is CompanyRole.OWNER
    assert owner.active and not owner.is_operator
    assert STRONG_PASSWORD not in owner.password_hash

    events = list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "company.registered"))
    )
    assert len(events) == 1
    assert events[0].company_id == company.id
    assert events[0].actor_id == owner.id
    assert events[0].actor_email == owner.email
    assert events[0].object_id == company.public_id
    assert events[0].details == {"legal_name": "Indus Valves (Pvt) Ltd", "country": "PK"}

    # The owner is signed in and sees the company waiting for verification.
    page = client.get("/company/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Indus Valves (Pvt) Ltd" in text
    assert "1234567-8" in text
    assert "waiting for verification" in text


def test_pakistani_ntn_and_strn_are_stored_compact(client: FlaskClient) -> None:
    response = client.post(
        "/register",
        data=pakistani_seller(tax_id=" 1234567 8 ", sales_tax_registration="32-77-8761-75852"),
    )

    assert response.status_code == 302
    company = company_named("Indus Valves (Pvt) Ltd")
    assert company is not None
    assert company.tax_id == "1234567-8"
    assert company.sales_tax_registration == "3277876175852"


def test_pakistani_seller_without_strn_is_registered(client: FlaskClient) -> None:
    response = client.post("/register", data=pakistani_seller(sales_tax_registration=""))

    assert response.status_code == 302
    company = company_named("Indus Valves (Pvt) Ltd")
    assert company is not None
    assert company.sales_tax_registration is None


def test_chinese_buyer_registers_with_uscc_and_chinese_name(client: FlaskClient) -> None:
    response = client.post("/register", data=chinese_buyer())

    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    company = company_named("Shanghai Huaxin Import & Export Co., Ltd.")
    assert company is not None
    assert company.legal_name_local == "上海华信进出口有限公司"
    assert company.country == "CN"
    assert (company.sells, company.buys) == (False, True)
    assert company.tax_id == VALID_USCC
    assert company.sales_tax_registration is None
    assert company.reporting_currency == "CNY"
    assert company.verification_status is VerificationStatus.PENDING
    owner = db.session.scalar(select(User).where(User.email == "chen.jing@huaxin.example.com"))
    assert owner is not None
    assert owner.company_id == company.id
    assert owner.company_role is CompanyRole.OWNER
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "company.registered", AuditEvent.company_id == company.id)
        )
        == 1
    )

    page = client.get("/company/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "上海华信进出口有限公司" in text
    assert VALID_USCC in text


INVALID_SUBMISSIONS = [
    pytest.param(
        chinese_buyer(tax_id=BAD_CHECKSUM_USCC), "tax_id", USCC_MESSAGE, id="uscc-bad-checksum"
    ),
    pytest.param(
        chinese_buyer(tax_id=VALID_USCC[:-1]), "tax_id", USCC_MESSAGE, id="uscc-17-characters"
    ),
    pytest.param(
        chinese_buyer(tax_id=VALID_USCC + "1"), "tax_id", USCC_MESSAGE, id="uscc-19-characters"
    ),
    pytest.param(pakistani_seller(tax_id="12345"), "tax_id", NTN_MESSAGE, id="ntn-too-short"),
    pytest.param(pakistani_seller(tax_id="abcdefg-h"), "tax_id", NTN_MESSAGE, id="ntn-letters"),
    pytest.param(pakistani_seller(tax_id="123456789"), "tax_id", NTN_MESSAGE, id="ntn-nine-digits"),
    pytest.param(
        pakistani_seller(sales_tax_registration="123456789012"),
        "sales_tax_registration",
        STRN_MESSAGE,
        id="strn-12-digits",
    ),
    pytest.param(
        pakistani_seller(owner_password="short pass", owner_password_confirm="short pass"),
        "owner_password",
        SHORT_PASSWORD_MESSAGE,
        id="password-10-characters",
    ),
    pytest.param(
        pakistani_seller(owner_password="eleven char", owner_password_confirm="eleven char"),
        "owner_password",
        SHORT_PASSWORD_MESSAGE,
        id="password-11-characters",
    ),
    *(
        pytest.param(
            pakistani_seller(owner_password=common, owner_password_confirm=common),
            "owner_password",
            COMMON_PASSWORD_MESSAGE,
            id=f"common-password-{common}",
        )
        for common in ("password1234", "123456789012", "qwertyuiopasdf")
    ),
    pytest.param(
        pakistani_seller(owner_password_confirm="violet tractor harbour quinoa!"),
        "owner_password_confirm",
        "The passwords differ.",
        id="password-confirmation-differs",
    ),
    pytest.param(
        pakistani_seller(legal_name=""), "legal_name", REQUIRED_MESSAGE, id="legal-name-empty"
    ),
    pytest.param(
        pakistani_seller(legal_name=None), "legal_name", REQUIRED_MESSAGE, id="legal-name-absent"
    ),
    pytest.param(
        pakistani_seller(legal_name="   "),
        "legal_name",
        REQUIRED_MESSAGE,
        id="legal-name-only-spaces",
    ),
    pytest.param(
        pakistani_seller(country="XX"), "country", "Not a valid choice.", id="unknown-country"
    ),
    pytest.param(
        pakistani_seller(trade_role=None), "trade_role", REQUIRED_MESSAGE, id="trade-role-missing"
    ),
    pytest.param(
        pakistani_seller(owner_email="farah.indusvalves.example.com"),
        "owner_email",
        "Invalid email address.",
        id="owner-email-without-at",
    ),
    pytest.param(
        pakistani_seller(owner_email="farah@"),
        "owner_email",
        "Invalid email address.",
        id="owner-email-without-domain",
    ),
    pytest.param(
        pakistani_seller(contact_email="exports at indusvalves"),
        "contact_email",
        "Invalid email address.",
        id="company-email-invalid",
    ),
    pytest.param(
        pakistani_seller(legal_name="A" * 201),
        "legal_name",
        "Field cannot be longer than 200 characters.",
        id="legal-name-201-characters",
    ),
    pytest.param(
        pakistani_seller(legal_name_local="名" * 201),
        "legal_name_local",
        "Field cannot be longer than 200 characters.",
        id="local-name-201-characters",
    ),
    pytest.param(
        pakistani_seller(city="K" * 101),
        "city",
        "Field cannot be longer than 100 characters.",
        id="city-101-characters",
    ),
    pytest.param(
        pakistani_seller(address="x" * 501),
        "address",
        "Field cannot be longer than 500 characters.",
        id="address-501-characters",
    ),
    pytest.param(
        pakistani_seller(owner_name="F" * 121),
        "owner_name",
        "Field cannot be longer than 120 characters.",
        id="owner-name-121-characters",
    ),
    pytest.param(
        pakistani_seller(tax_id="1" * 41),
        "tax_id",
        "Field cannot be longer than 40 characters.",
        id="tax-id-41-characters",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), INVALID_SUBMISSIONS)
def test_invalid_field_is_refused_and_nothing_is_written(
    client: FlaskClient, data: dict[str, str], field: str, message: str
) -> None:
    before = row_counts()

    response = client.post("/register", data=data)

    assert response.status_code == 200
    assert message in field_errors(response.get_data(as_text=True), field)
    assert row_counts() == before
    # Nobody was signed in either.
    assert client.get("/company/").status_code == 302


@pytest.mark.parametrize(
    "typed_email",
    ["taken@example.com", "Taken@Example.COM", "TAKEN@EXAMPLE.COM"],
    ids=["same", "mixed-case", "upper-case"],
)
def test_owner_email_already_in_use_is_refused(client: FlaskClient, typed_email: str) -> None:
    UserFactory(email="taken@example.com")
    before = row_counts()

    response = client.post("/register", data=pakistani_seller(owner_email=typed_email))

    assert response.status_code == 200
    assert DUPLICATE_EMAIL_MESSAGE in field_errors(response.get_data(as_text=True), "owner_email")
    assert row_counts() == before


def test_long_passphrase_of_over_100_characters_is_accepted(client: FlaskClient) -> None:
    passphrase = (
        "the quiet harbour ferry leaves at dawn while seven copper kettles whistle"
        " over the lantern market square"
    )
    assert len(passphrase) > 100

    response = client.post(
        "/register",
        data=pakistani_seller(owner_password=passphrase, owner_password_confirm=passphrase),
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    assert company_named("Indus Valves (Pvt) Ltd") is not None
    # And the passphrase signs in.
    client.post("/logout")
    login = client.post(
        "/login", data={"email": "farah@indusvalves.example.com", "password": passphrase}
    )
    assert login.status_code == 302
    # Signing in later lands on the seller's home with what waits (issue 26).
    assert login.headers["Location"] == "/seller/"


def test_html_in_legal_name_is_shown_escaped(client: FlaskClient) -> None:
    script = "<script>alert(1)</script>"

    response = client.post("/register", data=pakistani_seller(legal_name=script))

    assert response.status_code == 302
    company = company_named(script)
    assert company is not None
    page = client.get("/company/").get_data(as_text=True)
    assert script not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
