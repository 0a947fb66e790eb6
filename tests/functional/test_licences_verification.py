"""Company evidence behind verification: documents uploaded, what the operator checked
recorded, expiry at the company's midnight, withdrawal with a reason (trading stops)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Company, CompanyRole, OutboxEmail, User, VerificationStatus
from app.models.licence import CompanyEvidence, CompanyVerification, EvidenceKind, LicenceKind
from app.services.accounts.companies import ensure_can_trade
from app.services.errors import CompanyNotVerified
from app.services.files import read_stored
from app.services.licences.verification import expire_verifications
from app.tasks import licences as licence_tasks
from tests.builders.licences import licence
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.db import count
from tests.support.http import field_errors
from tests.support.pdfs import save, text_pdf
from tests.support.registration import pakistani_seller

PDF = save(text_pdf("Certificate of incorporation"))


def _owner(**company: object) -> User:
    user: User = UserFactory(
        company=CompanyFactory(legal_name="Wah Nobel Chemicals (Pvt) Ltd", **company),
        company_role=CompanyRole.OWNER,
    )
    return user


def _upload(client: FlaskClient, kind: str) -> int:
    return client.post(
        "/licences/evidence",
        data={"kind": kind, "scan": (io.BytesIO(PDF), f"{kind}.pdf")},
        content_type="multipart/form-data",
    ).status_code


def test_evidence_is_checked_recorded_and_shown_on_the_public_page(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    owner = _owner(pending=True)
    company = owner.company
    assert company is not None
    licence(company, LicenceKind.MANUFACTURE, number="EL-01/2024/17")
    auth.login(owner.email)
    assert _upload(client, "registration_certificate") == 302
    assert _upload(client, "tax_registration") == 302
    auth.logout()

    operator = UserFactory(company=None, company_role=None, is_operator=True)
    auth.login(operator.email)
    path = f"/operator/companies/{company.public_id}"
    page = client.get(path).data.decode()
    assert "Registration certificate" in page and "Tax registration (NTN/STRN or USCC)" in page
    # Ticking a document the company never uploaded is refused.
    response = client.post(
        path,
        data={
            "verify-checked": ["registration_certificate", "authorised_signatory"],
            "verify-note": "",
        },
    )
    assert "The company has not uploaded: Authorised signatory." in response.data.decode()
    assert company.verification_status is VerificationStatus.PENDING
    response = client.post(
        path,
        data={
            "verify-checked": ["registration_certificate", "tax_registration"],
            "verify-note": "Against the SECP register and FBR's ATL.",
            "verify-expires_on": "2099-12-31",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert company.verification_status is VerificationStatus.VERIFIED
    record = db.session.scalar(select(CompanyVerification))
    assert record is not None
    assert record.checked == (
        "Registration certificate; Tax registration (NTN/STRN or USCC). Against the SECP"
        " register and FBR's ATL."
    )
    assert (record.checked_by_id, record.expires_on) == (operator.id, date(2099, 12, 31))
    auth.logout()
    page = client.get(f"/sellers/{company.public_id}").data.decode()
    # One section states it (the supplier facts): the verification record's day, licence kinds.
    facts = page.split('id="supplier-facts"')[1].split("</section>")[0]
    checked = record.checked_at.date()
    assert f"Verified by the operator on {checked:%b} {checked.day}, {checked.year}" in facts
    assert "Manufacture licence" in facts
    assert page.count("Licences on file") == 1


def test_a_withdrawal_stops_trading_and_tells_the_company(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    owner = _owner()
    company = owner.company
    assert company is not None
    operator = UserFactory(company=None, company_role=None, is_operator=True)
    auth.login(operator.email)
    response = client.post(
        f"/operator/companies/{company.public_id}",
        data={"withdraw-reason": "Registration certificate found forged."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert company.verification_status is VerificationStatus.SUSPENDED
    with pytest.raises(CompanyNotVerified):
        ensure_can_trade(company)
    mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == owner.email))
    assert mail is not None and "Registration certificate found forged." in mail.body_text


def _verified_until(app: Flask, last_day: date) -> tuple[User, CompanyVerification]:
    owner = _owner()  # Pakistan: Asia/Karachi, UTC+5
    operator = UserFactory(company=None, company_role=None, is_operator=True)
    record = CompanyVerification(
        company_id=owner.company_id,
        checked="Registration certificate",
        checked_by_id=operator.id,
        expires_on=last_day,
    )
    db.session.add(record)
    db.session.flush()
    return owner, record


def test_a_verification_lapses_at_the_companys_midnight_after_its_last_day(app: Flask) -> None:
    owner, record = _verified_until(app, date(2026, 12, 31))
    company = owner.company
    assert company is not None
    with app.test_request_context():
        # 23:59:59 on 31 December in Karachi: still its last day.
        assert expire_verifications(db.session, datetime(2026, 12, 31, 18, 59, 59, tzinfo=UTC)) == 0
        assert company.verification_status is VerificationStatus.VERIFIED
        # Midnight in Karachi: lapsed; trading stops until a new check.
        assert expire_verifications(db.session, datetime(2026, 12, 31, 19, 0, 0, tzinfo=UTC)) == 1
    assert company.verification_status is VerificationStatus.PENDING
    assert record.expired_at == datetime(2026, 12, 31, 19, 0, 0, tzinfo=UTC)
    assert company.verification_reason == (
        "The verification expired on 2026-12-31: upload current documents for a new check."
    )
    with app.test_request_context():
        # Idempotent: nothing more to do an hour later.
        assert expire_verifications(db.session, datetime(2026, 12, 31, 20, 0, 0, tzinfo=UTC)) == 0


def test_the_verification_clock_runs_every_hour() -> None:
    periodic = licence_tasks.lapse_verifications_hourly.task_class()
    assert periodic.validate_datetime(datetime(2026, 12, 31, 19, 5))
    assert not periodic.validate_datetime(datetime(2026, 12, 31, 19, 4))


def test_registration_takes_the_certificate_and_tax_registration_as_evidence(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:

    tax_pdf = save(text_pdf("NTN certificate 1234567-8"))
    response = client.post(
        "/register",
        data={
            **pakistani_seller(),
            "registration_certificate": (io.BytesIO(PDF), "secp.pdf"),
            "tax_registration": (io.BytesIO(tax_pdf), "ntn.pdf"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 302
    company = db.session.scalar(
        select(Company).where(Company.legal_name == "Indus Valves (Pvt) Ltd")
    )
    assert company is not None
    documents = {
        row.kind: row
        for row in db.session.scalars(
            select(CompanyEvidence).where(CompanyEvidence.company_id == company.id)
        )
    }
    assert set(documents) == {EvidenceKind.REGISTRATION_CERTIFICATE, EvidenceKind.TAX_REGISTRATION}
    with app.app_context():
        assert read_stored(documents[EvidenceKind.REGISTRATION_CERTIFICATE].file) == PDF
        assert read_stored(documents[EvidenceKind.TAX_REGISTRATION].file) == tax_pdf
    assert documents[EvidenceKind.TAX_REGISTRATION].file.purpose == "evidence"
    # The owner sees them on the documents page, as if uploaded there.
    page = client.get("/licences/evidence").data.decode()
    assert "Registration certificate" in page and "Tax registration (NTN/STRN or USCC)" in page
    auth.logout()

    # The operator verifies against them with no further upload.
    operator = UserFactory(company=None, company_role=None, is_operator=True)
    auth.login(operator.email)
    response = client.post(
        f"/operator/companies/{company.public_id}",
        data={
            "verify-checked": ["registration_certificate", "tax_registration"],
            "verify-note": "",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert company.verification_status is VerificationStatus.VERIFIED


def test_a_refused_upload_at_registration_leaves_no_company_behind(
    client: FlaskClient,
) -> None:

    response = client.post(
        "/register",
        data={
            **pakistani_seller(),
            "tax_registration": (io.BytesIO(b"just some text, not a scan"), "ntn.txt"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert field_errors(response.data.decode(), "tax_registration") != []
    assert count(Company) == 0
    assert count(CompanyEvidence) == 0
    assert count(User) == 0
