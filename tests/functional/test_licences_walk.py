"""What a new user's walk through controlled goods found (issue 19): the next step names
the missing licence and who provides it, quantities carry the goods' unit and the
reader's number format, a used-up licence says so, the amendment hint fits the licence,
and an authority account's first password (the operator's) must be changed."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.demo.seed import DEMO_PASSWORD
from app.extensions import db
from app.models import Company, CompanyRole, Order, OrderStatus, User
from app.models.licence import Licence, LicenceKind
from app.services.audit.recording import Actor
from app.services.licences.authority import create_authority_user, first_password_pending
from tests.builders.licences import authority, licence
from tests.builders.trade import make_trade
from tests.factories import UserFactory
from tests.support.auth import TEST_PASSWORD, AuthActions

K = LicenceKind


def _owner(company: Company) -> User:
    user: User = UserFactory(company=company, company_role=CompanyRole.OWNER)
    db.session.commit()
    return user


def _text(html: str) -> str:
    """The page's words: tags out, runs of white space as one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def _seeded(app: Flask) -> Order:
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    order = db.session.scalar(select(Order).where(Order.buyer_po_number == "MCCT-PO-2026-103"))
    assert order is not None and order.status is OrderStatus.IN_PRODUCTION
    return order


MISSING = (
    "MCCT International has no accepted per-shipment approval (MIIT 审批单)"
    " for this order covering UN1942 for 200 t."
)


def test_the_next_step_of_a_blocked_shipment_names_the_approval_and_the_buyer(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    order = _seeded(app)
    auth.login("owner@wahnobel.example", DEMO_PASSWORD)
    client.post("/language", data={"locale": "en"})
    page = _text(client.get(f"/seller/orders/{order.public_id}").data.decode())
    assert (
        "Next step: Buyer: Provide the per-shipment approval (MIIT 审批单) for UN1942 (200 t)"
        in page
    )
    assert "Record the shipment" not in page.split("Next step:")[1][:120]
    assert f"{MISSING} The buyer must provide it before the seller can record the shipment." in page
    form = _text(client.get(f"/seller/orders/{order.public_id}/shipment").data.decode())
    assert f"This shipment will be refused until these documents are on file: {MISSING}" in form
    auth.logout()

    auth.login("purchaser@mcct.example", DEMO_PASSWORD)
    client.post("/language", data={"locale": "en"})  # the demo's Chinese buyer reads Chinese
    page = _text(client.get(f"/buyer/orders/{order.public_id}").data.decode())
    assert (
        "Next step: You: Provide the per-shipment approval (MIIT 审批单) for UN1942 (200 t)" in page
    )


def test_units_counted_licences_read_in_the_goods_unit_and_numbers_in_the_reader_format(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _seeded(app)
    imports = db.session.scalar(select(Licence).where(Licence.number == "DEMO-MIIT-进口-2026-0088"))
    ammonium = db.session.scalar(
        select(Licence).where(Licence.number == "DEMO-MIIT-进口-2026-0091-AN")
    )
    assert imports is not None and ammonium is not None
    auth.login("owner@mcct.example", DEMO_PASSWORD)
    client.post("/language", data={"locale": "en"})
    page = _text(client.get(f"/licences/{ammonium.public_id}").data.decode())
    assert "Quantity 5,000 t left of 5,000 t" in page
    page = _text(client.get(f"/licences/{imports.public_id}").data.decode())
    assert "Quantity 400,000 kg NEM left of 400,000 kg NEM" in page
    client.post("/language", data={"locale": "zh_Hans"})
    page = _text(client.get(f"/licences/{imports.public_id}").data.decode())
    assert '<html lang="zh' in client.get(f"/licences/{imports.public_id}").data.decode()
    assert "400,000" in page and "400000" not in page


def test_a_used_up_licence_says_so(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    trade = make_trade()
    spent = licence(trade.seller, K.EXPORT, number="EXP-SPENT", limit_kg=500)
    spent.drawn_quantity = 500_000
    db.session.commit()
    auth.login(_owner(trade.seller).email)
    page = _text(client.get(f"/licences/{spent.public_id}").data.decode())
    assert "Accepted, used up" in page
    assert "0 kg NEM left of 500 kg NEM" in page


def test_the_amendment_hint_fits_the_licence(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = make_trade()
    el01 = licence(trade.seller, K.MANUFACTURE, number="EL-01/1")
    approval = licence(trade.buyer, K.PER_SHIPMENT_APPROVAL, number="MIIT-9")
    certificate = licence(trade.buyer, K.END_USER_CERTIFICATE, number="EUC-9")
    db.session.commit()
    el01_hint = "Pakistan: an EL-01 is amended only with the Federal Government's sanction"
    auth.login(_owner(trade.seller).email)
    page = _text(client.get(f"/licences/{el01.public_id}").data.decode())
    assert el01_hint in page
    auth.logout()
    auth.login(_owner(trade.buyer).email)
    page = _text(client.get(f"/licences/{approval.public_id}").data.decode())
    assert "China: MIIT does not amend an approval (审批单); it issues a new one." in page
    assert el01_hint not in page
    page = _text(client.get(f"/licences/{certificate.public_id}").data.decode())
    assert "Give the reference of the end user's reissued certificate" in page
    assert el01_hint not in page


def test_an_authority_account_changes_the_operator_set_password_at_first_sign_in(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    operator = UserFactory(company=None, company_role=None, is_operator=True)
    with app.test_request_context():
        officer = create_authority_user(
            db.session,
            Actor(operator),
            authority("Department of Explosives, Pakistan", "PK"),
            email="officer@doe.example",
            full_name="Licensing Officer",
            password=TEST_PASSWORD,
        )
    db.session.commit()
    auth.login(officer.email)
    response = client.get("/authority/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password"
    page = _text(client.get("/account/password").data.decode())
    assert "Your account was opened with a password set by the operator." in page
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "my own licensing office secret",
            "new_password_confirm": "my own licensing office secret",
        },
    )
    assert response.status_code == 302
    assert client.get("/authority/").status_code == 200
    reloaded = db.session.get(User, officer.id)
    assert reloaded is not None and not first_password_pending(db.session, reloaded)
