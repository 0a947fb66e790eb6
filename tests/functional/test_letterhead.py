"""The company's letterhead: signatory, logo and stamp set by the owner, frozen into the
documents issued afterwards and printed from the stored pictures."""

from __future__ import annotations

import hashlib
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    CompanyLetterhead,
    CompanyRole,
    Document,
    DocumentKind,
    OrderStatus,
    StoredFile,
)
from app.services.accounts.letterhead import letterhead_pictures
from tests.builders.orders import order_in
from tests.builders.trade import Trade, make_trade
from tests.factories import UserFactory
from tests.support.auth import AuthActions
from tests.support.http import page_of
from tests.support.images import encoded, picture

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


@pytest.fixture
def owner(trade: Trade) -> object:
    return UserFactory(company=trade.seller, company_role=CompanyRole.OWNER)


def _png() -> bytes:
    return encoded(picture((300, 120), mode="RGBA"), "PNG")


def _letterhead(trade: Trade) -> CompanyLetterhead | None:
    return db.session.scalar(
        select(CompanyLetterhead).where(CompanyLetterhead.company_id == trade.seller.id)
    )


def test_the_owner_names_the_signatory(
    client: FlaskClient, auth: AuthActions, trade: Trade, owner: object
) -> None:
    auth.login(owner.email)  # type: ignore[attr-defined]
    assert "Edit letterhead" in page_of(client.get("/company/"))
    response = client.post(
        "/company/letterhead",
        data={
            "signatory_name": "  Imran   Qureshi ",
            "signatory_title": "General Manager Exports",
            "signing_place": "Wah Cantt",
        },
    )
    assert response.status_code == 302
    letterhead = _letterhead(trade)
    assert letterhead is not None
    assert (letterhead.signatory_name, letterhead.signatory_title, letterhead.signing_place) == (
        "Imran Qureshi",
        "General Manager Exports",
        "Wah Cantt",
    )
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "company.signatory_changed" in actions


def test_a_name_without_a_title_is_refused_and_nothing_is_written(
    client: FlaskClient, auth: AuthActions, trade: Trade, owner: object
) -> None:
    auth.login(owner.email)  # type: ignore[attr-defined]
    page = page_of(client.post("/company/letterhead", data={"signatory_name": "Imran Qureshi"}))
    assert "Give the signatory&#39;s name and title together." in page
    assert _letterhead(trade) is None


def test_the_logo_is_cleaned_stored_and_offered_back_as_a_download(
    client: FlaskClient, auth: AuthActions, trade: Trade, owner: object
) -> None:
    auth.login(owner.email)  # type: ignore[attr-defined]
    response = client.post(
        "/company/letterhead/logo",
        data={"logo-picture": (io.BytesIO(_png()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    letterhead = _letterhead(trade)
    assert letterhead is not None and letterhead.logo is not None
    assert (letterhead.logo.content_type, letterhead.logo.purpose) == (
        "image/webp",
        "letterhead_logo",
    )
    download = client.get("/company/letterhead/logo")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.data.startswith(b"RIFF")  # WebP re-made from the pixels
    assert client.get("/company/letterhead/stamp").status_code == 404
    assert client.get("/company/letterhead/signature").status_code == 404


def test_a_pdf_is_no_stamp(
    client: FlaskClient, auth: AuthActions, trade: Trade, owner: object
) -> None:
    auth.login(owner.email)  # type: ignore[attr-defined]
    before = db.session.scalar(select(func.count(StoredFile.id)))
    response = client.post(
        "/company/letterhead/stamp",
        data={"stamp-picture": (io.BytesIO(b"%PDF-1.7\n%%EOF"), "stamp.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Upload the picture as a JPEG, PNG or WebP image." in page_of(response)
    assert db.session.scalar(select(func.count(StoredFile.id))) == before


def test_sales_staff_cannot_change_the_letterhead(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.sales.email)
    response = client.post("/company/letterhead", data={"signatory_name": "Someone Else"})
    assert response.status_code == 403
    assert _letterhead(trade) is None


def test_documents_freeze_the_letterhead_and_print_its_pictures(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, owner: object
) -> None:
    auth.login(owner.email)  # type: ignore[attr-defined]
    client.post(
        "/company/letterhead",
        data={"signatory_name": "Imran Qureshi", "signatory_title": "GM Exports"},
    )
    client.post(
        "/company/letterhead/stamp",
        data={"stamp-picture": (io.BytesIO(_png()), "stamp.png")},
        content_type="multipart/form-data",
    )
    order_in(app, trade, OrderStatus.ACCEPTED)
    proforma = db.session.scalar(
        select(Document).where(Document.kind == DocumentKind.PROFORMA_INVOICE)
    )
    assert proforma is not None
    letterhead = _letterhead(trade)
    assert letterhead is not None and letterhead.stamp is not None
    frozen = proforma.data["seller"]["letterhead"]
    assert frozen == {
        "signatory_name": "Imran Qureshi",
        "signatory_title": "GM Exports",
        "signing_place": None,
        "logo": None,
        "stamp": {"file": letterhead.stamp.public_id, "sha256": letterhead.stamp.sha256},
    }
    with app.app_context():
        pictures = letterhead_pictures(proforma.data)
    assert list(pictures) == ["stamp"]
    assert hashlib.sha256(pictures["stamp"]).hexdigest() == letterhead.stamp.sha256
    # A snapshot naming a file whose bytes differ prints without it.
    forged = {
        **proforma.data,
        "seller": {"letterhead": {**frozen, "stamp": {**frozen["stamp"], "sha256": "0" * 64}}},
    }
    with app.app_context():
        assert letterhead_pictures(forged) == {}
