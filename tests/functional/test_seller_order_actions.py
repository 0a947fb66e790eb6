"""The seller's moves over HTTP: accept (with charges the Incoterm allows), reject,
production, shipment, and the trusted-buyer list that opens net 30."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    CompanyRole,
    Incoterm,
    Order,
    OrderChangeProposal,
    OrderStatus,
    ProductIncoterm,
    Shipment,
    TrustedBuyer,
)
from tests.builders.orders import group_key, order_in, place_for, release_if_held
from tests.builders.payments import pay
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.forms import checkout_form, in_days, shipment_form
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade(
        incoterms=[
            ProductIncoterm(rule=Incoterm.FOB, named_place="Karachi"),
            ProductIncoterm(rule=Incoterm.CFR, named_place="Shanghai"),
            ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai"),
        ]
    )


def placed(app: Flask, trade: Trade, incoterm: str = "FOB", place: str = "Karachi") -> Order:
    return place_for(
        app, trade.purchaser, [(trade.product, 200)], incoterm=incoterm, incoterm_place=place
    )


def sign_in(auth: AuthActions, trade: Trade) -> None:
    auth.login(trade.sales.email)


# --- accept ------------------------------------------------------------------------------


def test_under_fob_there_is_no_freight_field_and_posted_charges_are_ignored(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = placed(app, trade)
    sign_in(auth, trade)
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert 'name="confirmed_ship_date"' in page
    assert 'name="freight"' not in page and 'name="insurance"' not in page
    response = client.post(
        f"/seller/orders/{order.public_id}/accept",
        data={"confirmed_ship_date": in_days(14), "freight": "900", "insurance": "50"},
    )
    assert response.status_code == 302
    assert order.status is OrderStatus.ACCEPTED
    assert (order.freight_minor, order.insurance_minor, order.total_minor) == (0, 0, 50000)


def test_under_cif_freight_and_insurance_are_proposed_and_added_once_the_buyer_accepts(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = placed(app, trade, "CIF", "Shanghai")
    sign_in(auth, trade)
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert 'name="freight"' in page and 'name="insurance"' in page
    client.post(
        f"/seller/orders/{order.public_id}/accept",
        data={"confirmed_ship_date": in_days(14), "freight": "120.50", "insurance": "3.25"},
    )
    assert order.status is OrderStatus.ACCEPTED
    assert (order.freight_minor, order.insurance_minor, order.total_minor) == (0, 0, 50000)
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert "Waiting for an answer" in page and "$623.75" in page
    proposal = db.session.scalar(select(OrderChangeProposal))
    assert proposal is not None
    auth.logout()
    auth.login(trade.purchaser.email)
    client.post(f"/buyer/orders/{order.public_id}/proposals/{proposal.public_id}/accept")
    assert (order.freight_minor, order.insurance_minor, order.total_minor) == (
        12050,
        325,
        50000 + 12050 + 325,
    )
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "$120.50" in page and "$3.25" in page and "$623.75" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        ({"confirmed_ship_date": "soon"}, "Not a valid date value."),
        ({"confirmed_ship_date": in_days(-1)}, "The ship date is in the past."),
        ({"confirmed_ship_date": in_days(5), "freight": "-1"}, "The number cannot be negative."),
        ({"confirmed_ship_date": in_days(5), "freight": "NaN"}, "Write a plain number"),
        ({"confirmed_ship_date": in_days(5), "freight": "1e999"}, "Write a plain number"),
        ({"confirmed_ship_date": in_days(5), "freight": "10000000000000"}, "Enter at most"),
        # USD has cents: the order's currency holds the field to 2 decimals.
        ({"confirmed_ship_date": in_days(5), "freight": "1.234"}, "Use at most 2 decimals."),
        ({"confirmed_ship_date": in_days(5), "freight": "abc"}, "Write a plain number"),
        ({"confirmed_ship_date": in_days(5), "freight": "١٢٣"}, "with the digits 0 to 9"),
    ],
)
def test_accept_refuses_bad_input_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    trade: Trade,
    data: dict[str, Any],
    message: str,
) -> None:
    order = placed(app, trade, "CFR", "Shanghai")
    sign_in(auth, trade)
    response = client.post(f"/seller/orders/{order.public_id}/accept", data=data)
    assert response.status_code == 200
    assert message in page_of(response)
    db.session.expire_all()
    assert order.status is OrderStatus.PLACED
    assert (order.freight_minor, order.total_minor, order.confirmed_ship_date) == (0, 50000, None)
    assert len(order.events) == 1


def test_an_order_is_accepted_once(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = placed(app, trade)
    sign_in(auth, trade)
    url = f"/seller/orders/{order.public_id}/accept"
    assert client.post(url, data={"confirmed_ship_date": in_days(3)}).status_code == 302
    response = client.post(url, data={"confirmed_ship_date": in_days(3)})
    assert "An order that is Accepted cannot become Accepted." in page_of(response)
    assert [event.kind for event in order.events] == ["placed", "status", "documents"]
    assert [document.kind.value for document in order.documents] == ["proforma_invoice"]


# --- reject and production ---------------------------------------------------------------


def test_reject_needs_a_reason_then_releases_the_stock(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = placed(app, trade)
    assert trade.product.stock_quantity == 10_000 - 200
    sign_in(auth, trade)
    url = f"/seller/orders/{order.public_id}/reject"
    response = client.post(url, data={"reason": "   "})
    assert "Tell the buyer why you reject the order." in page_of(response)
    assert order.status is OrderStatus.PLACED

    assert client.post(url, data={"reason": "Export licence refused."}).status_code == 302
    db.session.expire_all()
    assert order.status is OrderStatus.REJECTED
    assert order.decision_reason == "Export licence refused."
    assert trade.product.stock_quantity == 10_000
    auth.logout()
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "Export licence refused." in page and "Rejected" in page


def test_production_starts_only_after_acceptance(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = placed(app, trade)
    sign_in(auth, trade)
    url = f"/seller/orders/{order.public_id}/start-production"
    response = client.post(url)
    assert "An order that is Placed cannot become In production." in page_of(response)
    assert order.status is OrderStatus.PLACED
    client.post(
        f"/seller/orders/{order.public_id}/accept", data={"confirmed_ship_date": in_days(3)}
    )
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert "Mark in production" in page and "Accept the order" not in page
    pay(app, trade, order)  # the advance: production waits for it
    assert client.post(url).status_code == 302
    assert order.status is OrderStatus.IN_PRODUCTION


# --- shipment -----------------------------------------------------------------------------


def in_production(app: Flask, trade: Trade) -> Order:
    """In production on advance terms, unpaid: the seller's finance released the shipment."""
    order = order_in(app, trade, OrderStatus.IN_PRODUCTION, ship_in_days=5)
    return release_if_held(app, trade, order)


def test_the_shipment_page_waits_for_production(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = placed(app, trade)
    sign_in(auth, trade)
    response = client.get(f"/seller/orders/{order.public_id}/shipment", follow_redirects=True)
    assert "A shipment is recorded once the order is in production." in page_of(response)
    response = client.post(f"/seller/orders/{order.public_id}/shipment", data=shipment_form())
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Shipment.id))) == 0


def test_record_a_shipment_with_packages(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(app, trade)
    sign_in(auth, trade)
    page = page_of(client.get(f"/seller/orders/{order.public_id}/shipment"))
    assert 'value="Karachi"' in page and 'value="Shanghai"' in page  # from the order's terms
    response = client.post(f"/seller/orders/{order.public_id}/shipment", data=shipment_form())
    assert response.status_code == 302
    shipment = db.session.scalar(select(Shipment))
    assert shipment is not None
    assert shipment.container_numbers == "CSNU1234567 TGHU7654321"
    assert [(p.package_no, p.count, p.marks, p.net_weight_g) for p in shipment.packages] == [
        (1, 8, "WN / SMT 1-8", 25000),
        (2, 1, "WN / SMT SAMPLE", None),
    ]
    assert order.status is OrderStatus.SHIPPED
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert "COSU6301234567" in page and "WN / SMT SAMPLE" in page and "COSCO Pakistan 042E" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"vessel": ""}, "Name the vessel of a sea shipment."),
        ({"mode": "air", "flight": ""}, "Give the flight of an air shipment."),
        ({"container_numbers": "BOX-1"}, "Container numbers are four letters and seven digits"),
        ({"eta": in_days(1)}, "Arrival cannot be before departure."),
        ({"gross_weight_kg": "100"}, "Gross weight includes the packaging"),
        ({"net_weight_kg": "NaN"}, "Write a plain number"),
        ({"net_weight_kg": "1e308"}, "Write a plain number"),
        ({"gross_weight_kg": "１２"}, "with the digits 0 to 9"),
        ({"packages-0-net_weight_kg": "25.0001"}, "Use at most 3 decimals."),
        (
            {
                "packages-0-count": "",
                "packages-0-marks": "",
                "packages-1-count": "",
                "packages-1-marks": "",
            },
            "List the packages with their shipping marks.",
        ),
        ({"packages-1-marks": ""}, "Each package line needs a count and its marks."),
        ({"packages-0-count": "99999999999"}, "Enter at most 1000000."),
        ({"packages-0-count": "+3"}, "Write a plain number"),
        ({"mode": "teleport"}, "Not a valid choice."),
    ],
)
def test_shipment_errors_are_shown_and_nothing_is_written(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    trade: Trade,
    changes: dict[str, str],
    message: str,
) -> None:
    order = in_production(app, trade)
    sign_in(auth, trade)
    response = client.post(
        f"/seller/orders/{order.public_id}/shipment", data=shipment_form(**changes)
    )
    assert response.status_code == 200
    assert message in page_of(response)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Shipment.id))) == 0
    assert order.status is OrderStatus.IN_PRODUCTION


# --- trusted buyers and net 30 -----------------------------------------------------------


def test_trusting_a_buyer_offers_net_30_at_checkout(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    placed(app, trade)
    stranger = CompanyFactory(chinese_buyer=True, legal_name="Never Ordered Ltd")
    db.session.commit()
    sign_in(auth, trade)
    page = page_of(client.get("/seller/buyers"))
    assert "Shanghai Minmetals Trading Co., Ltd." in page and "Never Ordered" not in page
    assert "Offer net 30" in page

    response = client.post("/seller/buyers", data={"buyer": trade.buyer.public_id, "trusted": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(TrustedBuyer.id))) == 1
    assert "Stop offering net 30" in page_of(client.get("/seller/buyers"))
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "buyer.trusted"))
    assert audit is not None and audit.object_id == trade.buyer.public_id
    assert audit.company_id == trade.seller.id

    # Only buyers with orders can be trusted: someone else's id is not found.
    response = client.post("/seller/buyers", data={"buyer": stranger.public_id, "trusted": "1"})
    assert response.status_code == 404

    auth.logout()
    auth.login(trade.purchaser.email)
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "100"})
    url = f"/buyer/checkout/{group_key(trade.product)}"
    assert 'value="net_30"' in page_of(client.get(url))
    review = page_of(client.post(url, data=checkout_form(payment_terms="net_30")))
    assert "Net 30 days from the commercial invoice" in review

    auth.logout()
    sign_in(auth, trade)
    client.post("/seller/buyers", data={"buyer": trade.buyer.public_id, "trusted": "0"})
    assert db.session.scalar(select(func.count(TrustedBuyer.id))) == 0
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "buyer.untrusted")
        )
        == 1
    )

    auth.logout()
    auth.login(trade.purchaser.email)
    assert 'value="net_30"' not in page_of(client.get(url))
    page = page_of(
        client.post(
            url,
            data=checkout_form(
                payment_terms="net_30", action="place", expected_total_minor="25000"
            ),
        )
    )
    assert "Not a valid choice." in page
    assert db.session.scalar(select(func.count(Order.id))) == 1  # only the first order


def test_a_viewer_cannot_change_trust(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    placed(app, trade)
    viewer = UserFactory(company=trade.seller, company_role=CompanyRole.VIEWER)
    db.session.commit()
    auth.login(viewer.email)
    page = page_of(client.get("/seller/buyers"))
    assert "Shanghai Minmetals" in page and "Offer net 30" not in page
    response = client.post("/seller/buyers", data={"buyer": trade.buyer.public_id, "trusted": "1"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(TrustedBuyer.id))) == 0
