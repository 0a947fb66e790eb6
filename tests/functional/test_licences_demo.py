"""The demo world follows the controlled-goods rules: accepted demo licences cover the demo
orders, one order waits for its MIIT approval, one licence expires soon."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Order, OrderStatus
from app.models.licence import Licence, LicenceDrawdown, ReviewStatus
from app.services.licences import gate
from tests.support.auth import AuthActions


def test_the_demo_licences_cover_the_demo_orders(app: Flask) -> None:
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    licences = list(db.session.scalars(select(Licence)))
    assert licences and all(doc.is_demo and "DEMO" in doc.number for doc in licences)
    assert {doc.review_status for doc in licences} == {ReviewStatus.ACCEPTED}
    soon = [doc.number for doc in licences if doc.valid_to <= date.today() + timedelta(days=30)]
    assert soon == ["DEMO-MIIT-进口-2026-0091-AN"]
    shipped = db.session.scalar(select(Order).where(Order.buyer_po_number == "MCCT-PO-2026-104"))
    assert shipped is not None and shipped.status is OrderStatus.SHIPPED
    drawn = db.session.scalars(
        select(LicenceDrawdown.quantity).where(LicenceDrawdown.order_id == shipped.id)
    ).all()
    # 50,000 detonators at 0.45 kg NEM per box of 500: 45 kg from the export licence and
    # from MIIT's approval for this shipment.
    assert list(drawn) == [45_000, 45_000]
    waiting = db.session.scalar(select(Order).where(Order.buyer_po_number == "MCCT-PO-2026-102"))
    assert waiting is not None and waiting.status is OrderStatus.ACCEPTED
    with app.test_request_context():
        needs = [(s.side.value, s.gate.value) for s in gate.outstanding(db.session, waiting)]
    assert needs == [("buyer", "ship")]


def test_the_demo_licensing_officer_reads_the_licences_the_ministry_issued(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    login = auth.login("officer@interior.example", "Corridor demo 2026")
    assert login.status_code == 302
    page = client.get("/authority/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # The Ministry of Interior's export licences, not MIIT's or the Department's.
    assert "DEMO-MOI/EXP/2026/0412" in text
    assert "DEMO-MIIT" not in text and "DEMO-EL-01" not in text
    assert client.get("/seller/").status_code in (403, 404)
