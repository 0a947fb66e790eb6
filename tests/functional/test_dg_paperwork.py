"""Complete dangerous-goods paperwork: the 24-hour emergency contact (a company setting,
required before dangerous goods ship), EmS and subsidiary risk from the listing, the
container packing certificate per container, and shipping-mark labels with the UN number
and class label."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    Company,
    CompanyRole,
    DocumentKind,
    OrderStatus,
    Product,
    Shipment,
)
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.fulfilment import actions
from app.services.fulfilment.shipment_contents import ContainerInput
from tests.builders.dangerous_goods import (
    in_production,
    karachi_to_shanghai,
    paper_pages,
    record,
)
from tests.builders.documents import render_pending
from tests.builders.trade import Trade, make_trade
from tests.factories import CategoryFactory, ProductFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.forms import listing_form
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")

NO_CONTACT = (
    "Dangerous goods need a 24-hour emergency contact on the declaration: add it in your "
    "company settings before recording the shipment."
)


def nitric_acid(seller: Company) -> Product:
    """Class 8 with a subsidiary risk of 5.1 (an oxidizer), in drums of 250 kg."""
    product: Product = ProductFactory(
        seller=seller,
        title="Nitric acid 68 %",
        hs_code="280800",
        unit="KGM",
        moq=250,
        price_from_minor=60,
        package_type="drum",
        units_per_package=250,
        net_weight_g=250_000,
        gross_weight_g=262_000,
        un_number="UN2031",
        proper_shipping_name="NITRIC ACID",
        hazard_class="8",
        subsidiary_risk="5.1",
        packing_group="II",
        ems="F-A, S-Q",
    )
    return product


@pytest.fixture
def trade() -> Trade:
    return make_trade()


def drums(**changes: Any) -> actions.ShipmentInput:
    """Four drums of nitric acid in one certified container."""
    return karachi_to_shanghai(
        **{
            "net_weight_kg": Decimal("1000"),
            "gross_weight_kg": Decimal("1048"),
            "containers": [
                ContainerInput(
                    container_number="CSNU6342117",
                    container_type="22G1",
                    seal_number="PK 0042117",
                    packed_by="Ayesha Siddiqui",
                    packed_at="Port Qasim CFS",
                    packed_on=date(2026, 12, 9),
                )
            ],
            "packages": [
                actions.PackageInput(
                    count=4,
                    marks="SMT / SHANGHAI / 1-4",
                    package_type="drum",
                    net_weight_kg=Decimal("1000"),
                    gross_weight_kg=Decimal("1048"),
                )
            ],
            **changes,
        }
    )


def owner_of(company: Company) -> UserFactory:
    return UserFactory(company=company, company_role=CompanyRole.OWNER)


# --- the 24-hour emergency contact -------------------------------------------------------------


def test_dangerous_goods_wait_for_the_emergency_contact_the_owner_sets(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    trade.seller.emergency_contact_name = trade.seller.emergency_contact_phone = None
    owner = owner_of(trade.seller)
    order = in_production(app, trade, [(nitric_acid(trade.seller), 1000)])
    with app.test_request_context():
        with pytest.raises(ValidationFailed) as refusal:
            actions.record_shipment(Actor(trade.sales), order, drums())
        assert str(refusal.value) == NO_CONTACT
        db.session.rollback()
    assert db.session.scalar(select(func.count(Shipment.id))) == 0
    assert order.status is OrderStatus.IN_PRODUCTION

    auth.login(owner.email)
    page = page_of(client.get("/company/"))
    assert "Not given: needed before you ship dangerous goods." in page
    assert 'href="/company/emergency-contact"' in page
    response = client.post(
        "/company/emergency-contact",
        data={"name": "  Wah Nobel   duty officer ", "phone": "+92 51 4545 999"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (trade.seller.emergency_contact_name, trade.seller.emergency_contact_phone) == (
        "Wah Nobel duty officer",
        "+92 51 4545 999",
    )
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "company.emergency_contact_changed")
    )
    assert event is not None and event.company_id == trade.seller.id
    assert "Wah Nobel duty officer · +92 51 4545 999" in page_of(client.get("/company/"))

    shipment = record(app, trade, order, drums())
    assert order.status is OrderStatus.SHIPPED and shipment.lines[0].quantity == 1000


def test_goods_that_are_not_dangerous_ship_without_one(app: Flask, trade: Trade) -> None:
    trade.seller.emergency_contact_name = trade.seller.emergency_contact_phone = None
    plain = ProductFactory(seller=trade.seller, title="Copper wire", unit="KGM", moq=1)
    order = in_production(app, trade, [(plain, 1000)])
    record(app, trade, order, drums(containers=[]))
    assert order.status is OrderStatus.SHIPPED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Duty officer", "phone": "call the plant"}, "Give the number with its country"),
        ({"name": "Duty officer", "phone": "+92 51"}, "Give the number with its country"),
        ({"name": "", "phone": "+92 51 4545 999"}, "Name who answers the emergency number."),
        ({"name": "Duty officer", "phone": ""}, "Give the emergency telephone number."),
    ],
)
def test_the_emergency_contact_form_refuses_what_nobody_could_call(
    client: FlaskClient, auth: AuthActions, trade: Trade, data: dict[str, str], message: str
) -> None:
    auth.login(owner_of(trade.seller).email)
    response = client.post("/company/emergency-contact", data=data)
    assert response.status_code == 200
    assert message in page_of(response)
    db.session.expire_all()
    assert trade.seller.emergency_contact_phone == "+92 21 111 000 999"  # as it was


def test_only_the_owner_changes_the_emergency_contact(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.sales.email)
    assert client.get("/company/emergency-contact").status_code == 403
    response = client.post(
        "/company/emergency-contact", data={"name": "Someone", "phone": "+92 300 0000000"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert trade.seller.emergency_contact_name == "Duty officer"


# --- the declaration and the labels ------------------------------------------------------------


def test_the_declaration_carries_contact_ems_subsidiary_risk_and_packing_certificate(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(app, trade, [(nitric_acid(trade.seller), 1000)])
    (line,) = order.lines
    assert (line.subsidiary_risk, line.ems) == ("5.1", "F-A, S-Q")  # copied at ordering
    record(app, trade, order, drums())
    render_pending(app, DocumentKind.DANGEROUS_GOODS, DocumentKind.SHIPPING_MARKS)
    db.session.expire_all()
    auth.login(trade.sales.email)
    (declaration,) = paper_pages(client, order, DocumentKind.DANGEROUS_GOODS)
    flat = re.sub(r"\s+", " ", declaration)
    assert "24-hour emergency contact" in flat
    # The phone number wraps in its cell: its last digits come after the Chinese label.
    assert re.search(r"Duty officer · \+92 21 111 000 (?:(?:24)?小时应急联系人 )?999", flat)
    # IMDG 5.4.1.4.1: UN number, name, class, subsidiary risk, packing group; then EmS.
    assert "1 UN2031, NITRIC ACID, 8, 5.1, PG II 4 Drums 桶; 1,000.000 kg 千克 —" in flat
    assert "EmS 应急措施表 F-A, S-Q" in flat
    assert "CSNU6342117 22G1 PK 0042117 4 Drums 桶 UN2031 (Order line 订单行 1)" in flat
    assert re.search(r"Packed by 装箱人: Ayesha Siddiqui, Port Qasim CFS, 9 Dec 2026", flat)
    assert "IMDG Code 5.4.2.1" in flat  # the certificate's own words


def test_each_shipping_mark_label_carries_the_un_number_and_class_label(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(app, trade, [(nitric_acid(trade.seller), 1000)])
    record(app, trade, order, drums())
    render_pending(app, DocumentKind.SHIPPING_MARKS)
    db.session.expire_all()
    auth.login(trade.sales.email)
    # One label per drum, four under the header of one sheet (two across: each line of
    # text reads both labels of a row).
    (page,) = paper_pages(client, order, DocumentKind.SHIPPING_MARKS)
    assert re.findall(r"Package (\d) of 4", page) == ["1", "2", "3", "4"]
    assert page.count("UN2031") == 4 and page.count("UN No. 联合国编号") == 4
    assert page.count("Class label 危险类") == 4
    # The class in each diamond, beside the package numbers in Chinese.
    assert re.findall(r"第\d件，共4件 (\S+)", page) == ["8"] * 4


def test_labels_of_goods_that_are_not_dangerous_carry_no_hazard_marks(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    plain = ProductFactory(seller=trade.seller, title="Copper wire", unit="KGM", moq=1)
    order = in_production(app, trade, [(plain, 1000)])
    record(app, trade, order, drums(containers=[]))
    render_pending(app, DocumentKind.SHIPPING_MARKS)
    db.session.expire_all()
    auth.login(trade.sales.email)
    (page,) = paper_pages(client, order, DocumentKind.SHIPPING_MARKS)
    assert re.findall(r"Package (\d) of 4", page) == ["1", "2", "3", "4"]
    assert "Class label" not in page and "UN No." not in page


# --- the listing's EmS and subsidiary risk ----------------------------------------------------


DANGEROUS = {
    "un_number": "UN2031",
    "proper_shipping_name": "NITRIC ACID",
    "hazard_class": "8",
    "packing_group": "II",
}


def test_the_listing_form_keeps_ems_and_subsidiary_risk(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    CategoryFactory(slug="chromite", name_en="Chromite ore")
    auth.login(trade.sales.email)
    response = client.post(
        "/seller/listings/new",
        data=listing_form(**DANGEROUS, subsidiary_risk="5.1", ems="f-a,s-q"),
    )
    assert response.status_code == 302
    product = db.session.scalar(
        select(Product).where(Product.seller_id == trade.seller.id, Product.un_number == "UN2031")
    )
    assert product is not None
    assert (product.subsidiary_risk, product.ems) == ("5.1", "F-A, S-Q")
    page = page_of(client.get(response.headers["Location"]))
    assert 'value="5.1"' in page and 'value="F-A, S-Q"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({**DANGEROUS, "ems": "fire"}, "The EmS is a fire and a spillage schedule, e.g. F-B, S-Y."),
        (
            {**DANGEROUS, "subsidiary_risk": "1.1D"},
            "Subsidiary risks are classes or divisions, e.g. 6.1 or 5.1, 8.",
        ),
        ({"ems": "F-A, S-Q"}, "Give the UN number of dangerous goods."),
    ],
)
def test_the_listing_form_refuses_what_is_no_ems_or_subsidiary_risk(
    client: FlaskClient, auth: AuthActions, trade: Trade, changes: dict[str, str], message: str
) -> None:
    CategoryFactory(slug="chromite", name_en="Chromite ore")
    auth.login(trade.sales.email)
    response = client.post("/seller/listings/new", data=listing_form(**changes))
    assert response.status_code == 200
    assert message in page_of(response)
    assert (
        db.session.scalar(select(func.count(Product.id)).where(Product.un_number == "UN2031")) == 0
    )
