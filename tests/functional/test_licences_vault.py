"""The licence vault over HTTP: a company records a licence with its scan, the operator
reviews it, an authority's account sees only what its authority issued (every view
audited) and may revoke it; the order page says what each side still needs."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, CompanyRole, OrderStatus, User
from app.models.licence import Licence, LicenceKind, ReviewStatus
from app.services.accounts import users
from app.services.audit.recording import Actor
from app.services.licences.authority import create_authority_user
from tests.builders.licences import authority, licence
from tests.builders.orders import accept, place_for, start_production
from tests.builders.orders import record_shipment as ship
from tests.builders.trade import Trade, make_trade
from tests.factories import UserFactory, this_weeks_rates
from tests.support.auth import TEST_PASSWORD, AuthActions
from tests.support.pdfs import save, text_pdf

K = LicenceKind
PDF = save(text_pdf("Export licence MoI/EXP/2026/0412"))


def _trade() -> Trade:
    trade = make_trade(
        un_number="UN0241",
        proper_shipping_name="EXPLOSIVE, BLASTING, TYPE E",
        hazard_class="1.5D",
        net_explosive_mass_g=1000,
        price_from_minor=123_456,
    )
    trade.seller.emergency_contact_phone = "+92 51 111 222 333"
    db.session.flush()
    return trade


def _owner(trade: Trade) -> User:
    user: User = UserFactory(company=trade.seller, company_role=CompanyRole.OWNER)
    return user


def test_a_company_records_a_licence_and_the_operator_accepts_it(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = _trade()
    issuer = authority()
    owner = _owner(trade)
    auth.login(owner.email)
    response = client.post(
        "/licences/new",
        data={
            "kind": "export",
            "number": "MoI/EXP/2026/0412",
            "authority": issuer.public_id,
            "valid_from": (date.today() - timedelta(days=10)).isoformat(),
            "valid_to": (date.today() + timedelta(days=300)).isoformat(),
            "goods": "UN0241, 1.1B",
            "limit_basis": "nem_g",
            "quantity_limit": "20000",
            "order": "",
            "scan": (io.BytesIO(PDF), "export-licence.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, re.findall(
        r"invalid-feedback d-block\">\s*(.*?)</div>|alert[^>]*>(.*?)<", response.data.decode(), re.S
    )
    recorded = db.session.scalar(select(Licence).where(Licence.number == "MoI/EXP/2026/0412"))
    assert recorded is not None
    assert (recorded.kind, recorded.review_status, recorded.quantity_limit) == (
        K.EXPORT,
        ReviewStatus.PENDING,
        20_000_000,
    )
    assert [(g.un_number, g.division, g.compatibility_group) for g in recorded.goods] == [
        ("UN0241", None, None),
        (None, "1.1", "B"),
    ]
    page = client.get(f"/licences/{recorded.public_id}").data.decode()
    text = re.sub(r"<[^>]+>", "", page)  # figures are wrapped in spans
    assert "Waiting for review" in text and "20,000 kg NEM left of 20,000 kg NEM" in text
    scan = client.get(f"/licences/{recorded.public_id}/scan")
    assert scan.status_code == 200 and scan.data.startswith(b"%PDF")
    auth.logout()

    operator = UserFactory(company=None, company_role=None, is_operator=True)
    auth.login(operator.email)
    assert "MoI/EXP/2026/0412" in client.get("/operator/licences/").data.decode()
    response = client.post(
        f"/operator/licences/{recorded.public_id}", data={"decision": "reject", "reason": ""}
    )
    assert (
        response.status_code == 200
        and "Give the reason for the rejection." in response.data.decode()
    )
    response = client.post(
        f"/operator/licences/{recorded.public_id}", data={"decision": "accept", "reason": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert recorded.review_status is ReviewStatus.ACCEPTED
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "licence.accepted", AuditEvent.object_id == recorded.public_id
        )
    )


def test_another_companys_licence_is_not_found(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = _trade()
    theirs = licence(trade.buyer, K.IMPORT)
    auth.login(_owner(trade).email)
    assert client.get(f"/licences/{theirs.public_id}").status_code == 404
    assert client.get(f"/licences/{theirs.public_id}/scan").status_code == 404


def _authority_user(app: Flask, name: str, country: str) -> User:
    operator = UserFactory(company=None, company_role=None, is_operator=True)
    with app.test_request_context():
        user = create_authority_user(
            db.session,
            Actor(operator),
            authority(name, country),
            email=f"officer@{country.lower()}-authority.example",
            full_name="Licensing Officer",
            password=TEST_PASSWORD,
        )
        # The officer has chosen their own password (the first one is the operator's).
        users.change_password(Actor(user), TEST_PASSWORD, TEST_PASSWORD)
    return user


def _shipped_under_licences(app: Flask, trade: Trade) -> tuple[Licence, Licence]:
    this_weeks_rates()
    licence(trade.buyer, K.IMPORT, number="IMP-1")
    licence(trade.buyer, K.END_USER_CERTIFICATE, number="EUC-1")
    pakistan = authority("Department of Explosives, Pakistan", "PK")
    export = licence(trade.seller, K.EXPORT, number="EXP-PK-1", limit_kg=2000, issuer=pakistan)
    other = licence(
        trade.seller,
        K.MANUFACTURE,
        number="EL-01/OTHER",
        issuer=authority("Provincial Inspectorate", "PK"),
    )
    order = place_for(app, trade.purchaser, [(trade.product, 500)])
    accept(app, trade, order)
    start_production(app, trade, order)
    licence(trade.buyer, K.PER_SHIPMENT_APPROVAL, number="MIIT-1", order=order)
    ship(app, trade, order)
    assert order.status is OrderStatus.SHIPPED
    return export, other


def test_an_authority_sees_its_licences_and_their_shipments_and_nothing_else(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = _trade()
    export, other = _shipped_under_licences(app, trade)
    officer = _authority_user(app, "Department of Explosives, Pakistan", "PK")
    auth.login(officer.email)
    page = client.get("/authority/").data.decode()
    assert "EXP-PK-1" in page
    assert "EL-01/OTHER" not in page and "MIIT-1" not in page and "IMP-1" not in page
    page = client.get(f"/authority/licences/{export.public_id}").data.decode()
    assert "COSU6301234567" in page  # the shipment's B/L
    text = re.sub(r"<[^>]+>", "", page)  # figures are wrapped in spans
    assert "500 kg NEM" in text and "1,500 kg NEM left of 2,000 kg NEM" in text
    # No listing price anywhere on its pages.
    assert "1,234.56" not in page
    assert client.get(f"/authority/licences/{other.public_id}").status_code == 404
    # Nothing of the traders' areas or the operator's.
    for path in (
        "/seller/",
        "/buyer/",
        "/company/",
        "/operator/licences/",
        "/licences/",
        "/finance/",
    ):
        assert client.get(path).status_code in (302, 403, 404), path
    actions = set(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == officer.id))
    )
    assert {"authority.viewed_licences", "authority.viewed_licence"} <= actions


def test_an_authority_reads_the_documents_of_shipments_under_its_licences_only(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = _trade()
    export, _ = _shipped_under_licences(app, trade)
    officer = _authority_user(app, "Department of Explosives, Pakistan", "PK")
    auth.login(officer.email)
    page = client.get(f"/authority/licences/{export.public_id}").data.decode()
    assert "/authority/documents/" in page
    stranger = _authority_user(app, "Another Licensing Body", "CN")
    auth.logout()
    auth.login(stranger.email)
    assert client.get(f"/authority/licences/{export.public_id}").status_code == 404


def test_an_authority_revokes_its_licence_and_it_stops_at_once(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = _trade()
    pakistan = authority("Department of Explosives, Pakistan", "PK")
    export = licence(trade.seller, K.EXPORT, number="EXP-PK-1", issuer=pakistan)
    officer = _authority_user(app, "Department of Explosives, Pakistan", "PK")
    auth.login(officer.email)
    response = client.post(
        f"/authority/licences/{export.public_id}/revoke",
        data={"reason": "Magazine inspection failed."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert export.revoked_reason == "Magazine inspection failed."
    assert not export.usable_on(date.today())
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "licence.revoked", AuditEvent.object_id == export.public_id
        )
    )


def test_the_order_page_says_what_each_side_still_needs(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = _trade()
    licence(trade.buyer, K.IMPORT, number="IMP-1")
    licence(trade.buyer, K.END_USER_CERTIFICATE, number="EUC-1")
    order = place_for(app, trade.purchaser, [(trade.product, 500)])
    auth.login(trade.sales.email)
    page = client.get(f"/seller/orders/{order.public_id}").data.decode()
    assert "Controlled goods: licences" in page
    assert (
        "Wah Nobel Chemicals (Pvt) Ltd has no accepted export licence or per-shipment approval"
        " (MIIT 审批单) covering UN0241 for 500 kg NEM." in page
    )
    assert "EUC-1" in page  # the buyer's certificate is bound to the order
