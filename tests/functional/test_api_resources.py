"""The API's read resources and the seller's writes, over HTTP with real tokens.

Every endpoint is asked for another company's id too, and answers 404.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    DocumentKind,
    Incoterm,
    OrderStatus,
    PriceTier,
    Product,
    ProductIncoterm,
)
from app.services.catalog.facet_cache import CATALOG_CACHE
from tests.builders import orders as order_steps
from tests.builders.documents import render_pending
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, ProductFactory, UserFactory
from tests.support.api import token_for

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    trade = make_trade(
        price_tiers=[
            PriceTier(min_quantity=100, unit_price_minor=250),
            PriceTier(min_quantity=1000, unit_price_minor=200),
        ],
        incoterms=[ProductIncoterm(rule=Incoterm.FOB, named_place="Karachi (PKKHI)")],
        stock_quantity=50_000,
    )
    db.session.commit()
    return trade


@pytest.fixture
def stranger(app: Flask) -> dict[str, str]:
    """A purchaser of a third company, who must see none of the trade's objects."""
    company = CompanyFactory(chinese_buyer=True, legal_name="Ningbo Other Imports Co.")
    user = UserFactory(company=company, company_role="purchaser")
    db.session.commit()
    return token_for(app, user)


@pytest.fixture
def rival(app: Flask) -> dict[str, str]:
    """A sales clerk of another seller, who must see none of the trade's objects."""
    company = CompanyFactory(legal_name="Other Explosives (Pvt) Ltd")
    user = UserFactory(company=company, company_role="sales")
    db.session.commit()
    return token_for(app, user)


def place(app: Flask, trade: Trade, quantity: int = 100) -> Any:
    return order_steps.place_for(app, trade.purchaser, [(trade.product, quantity)])


# --- buyer: orders list with a cursor ---------------------------------------------------


def test_order_list_pages_by_cursor_and_filters(
    app: Flask, client: FlaskClient, trade: Trade, stranger: dict[str, str]
) -> None:
    placed = [place(app, trade, 100 + n) for n in range(3)]
    headers = token_for(app, trade.purchaser)

    first = client.get("/api/v1/orders?limit=2", headers=headers).get_json()
    assert [o["id"] for o in first["data"]] == [placed[2].public_id, placed[1].public_id]
    assert first["has_more"] is True
    # Quantities are exact decimal strings in answers (issue #20).
    assert first["data"][0]["lines"][0]["quantity"] == "102"
    assert first["data"][0]["named_place"] == "Karachi (PKKHI)"

    after = placed[1].public_id
    second = client.get(f"/api/v1/orders?limit=2&starting_after={after}", headers=headers)
    assert [o["id"] for o in second.get_json()["data"]] == [placed[0].public_id]
    assert second.get_json()["has_more"] is False

    accepted = client.get("/api/v1/orders?status=accepted", headers=headers).get_json()
    assert accepted["data"] == []
    future = client.get("/api/v1/orders?updated_since=2099-01-01T00:00:00Z", headers=headers)
    assert future.get_json()["data"] == []

    assert client.get("/api/v1/orders", headers=stranger).get_json()["data"] == []
    refused = client.get(f"/api/v1/orders?starting_after={after}", headers=stranger)
    assert refused.status_code == 422
    assert refused.get_json()["field"] == "starting_after"


def test_order_detail_shows_milestones_and_documents_and_is_scoped(
    app: Flask, client: FlaskClient, trade: Trade, stranger: dict[str, str]
) -> None:
    order = order_steps.accept(app, trade, place(app, trade))
    headers = token_for(app, trade.purchaser)
    answer = client.get(f"/api/v1/orders/{order.public_id}", headers=headers)
    assert answer.status_code == 200
    body = answer.get_json()
    assert [(m["kind"], m["amount"], m["paid"]) for m in body["milestones"]] == [
        ("full", "250.00", "0.00")
    ]
    assert body["shipments"] == []
    assert [d["kind"] for d in body["documents"]] == ["proforma_invoice"]
    missing = client.get(f"/api/v1/orders/{order.public_id}", headers=stranger)
    assert missing.status_code == 404


# --- documents: list, PDF with ETag, audited ---------------------------------------------


def test_invoice_list_and_pdf_download_with_etag(
    app: Flask, client: FlaskClient, trade: Trade, stranger: dict[str, str]
) -> None:
    order = order_steps.accept(app, trade, place(app, trade))
    render_pending(app, DocumentKind.PROFORMA_INVOICE)
    headers = token_for(app, trade.purchaser)

    listed = client.get("/api/v1/invoices", headers=headers).get_json()
    assert [(d["kind"], d["order"]) for d in listed["data"]] == [
        ("proforma_invoice", order.public_id)
    ]
    document = listed["data"][0]
    assert document["xml_url"] is None  # a proforma carries no e-invoice

    audited = (
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "document.downloaded")
    )
    before = db.session.scalar(audited)
    pdf = client.get(document["pdf_url"], headers=headers)
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["ETag"] == f'"{document["sha256"]}"'
    assert db.session.scalar(audited) == before + 1

    again = client.get(
        document["pdf_url"], headers={**headers, "If-None-Match": pdf.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.data == b""
    assert db.session.scalar(audited) == before + 1  # nothing handed out, nothing audited

    assert client.get(document["pdf_url"], headers=stranger).status_code == 404
    assert client.get("/api/v1/invoices", headers=stranger).get_json()["data"] == []
    xml = client.get(f"/api/v1/documents/{document['id']}.xml", headers=headers)
    assert xml.status_code == 404


# --- catalogue and reference data --------------------------------------------------------


def test_catalogue_listing_shows_offers_with_their_codes(
    client: FlaskClient, app: Flask, trade: Trade
) -> None:
    headers = token_for(app, trade.purchaser)
    answer = client.get(f"/api/v1/catalogue/{trade.product.public_id}", headers=headers)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["incoterms"] == [
        {"incoterm": "FOB", "named_place": "Karachi (PKKHI)", "locode": "PKKHI"}
    ]
    assert body["price_tiers"] == [
        {"min_quantity": "100", "unit_price": "2.50"},
        {"min_quantity": "1000", "unit_price": "2.00"},
    ]
    draft = ProductFactory(seller=trade.seller, status="draft")
    db.session.commit()
    assert client.get(f"/api/v1/catalogue/{draft.public_id}", headers=headers).status_code == 404


def test_reference_units_incoterms_and_places(
    client: FlaskClient, app: Flask, trade: Trade
) -> None:
    headers = token_for(app, trade.purchaser)
    body = client.get("/api/v1/reference", headers=headers).get_json()
    assert {"code": "KGM", "name": "kilogram (KGM)"} in body["units"]
    assert {"code": "FOB", "sea_only": True} in body["incoterms"]
    assert len(body["incoterms"]) == 11
    places = client.get("/api/v1/reference/places?q=PKKHI", headers=headers).get_json()
    assert places["data"][0]["locode"] == "PKKHI"
    assert places["data"][0]["label"] == "Karachi (PKKHI)"


# --- named places in an order -----------------------------------------------------------


def _order_body(trade: Trade, named_place: str, quantity: int = 100) -> dict[str, Any]:
    return {
        "lines": [{"product": trade.product.public_id, "quantity": quantity}],
        "incoterm": "FOB",
        "named_place": named_place,
        "destination_country": "CN",
        "destination_port": "Shanghai",
        "consignee": "Shanghai Minmetals Trading Co., Ltd.",
        "payment_terms": "advance",
    }


@pytest.mark.parametrize("typed", ["PKKHI", "Karachi", "karachi (pkkhi)"])
def test_named_place_by_code_or_name(
    client: FlaskClient, app: Flask, trade: Trade, typed: str
) -> None:
    headers = token_for(app, trade.purchaser)
    answer = client.post("/api/v1/orders", json=_order_body(trade, typed), headers=headers)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["named_place"] == "Karachi (PKKHI)"


def test_named_place_refusal_lists_the_offers(
    client: FlaskClient, app: Flask, trade: Trade
) -> None:
    headers = token_for(app, trade.purchaser)
    answer = client.post("/api/v1/orders", json=_order_body(trade, "CNSHG"), headers=headers)
    assert answer.status_code == 422
    assert answer.get_json()["message"] == (
        "Choose one of the delivery terms the seller offers: FOB Karachi (PKKHI)."
    )


def test_quantity_refusal_names_its_line(client: FlaskClient, app: Flask, trade: Trade) -> None:
    headers = token_for(app, trade.purchaser)
    answer = client.post("/api/v1/orders", json=_order_body(trade, "PKKHI", 5), headers=headers)
    assert answer.status_code == 422
    assert answer.get_json()["path"] == "lines[0].quantity"


# --- seller: listings with optimistic concurrency ----------------------------------------


def test_listing_change_needs_the_current_version(
    client: FlaskClient, app: Flask, trade: Trade, rival: dict[str, str]
) -> None:
    headers = token_for(app, trade.sales)
    url = f"/api/v1/seller/listings/{trade.product.public_id}"
    read = client.get(url, headers=headers)
    assert read.status_code == 200
    version = read.get_json()["version"]
    assert read.headers["ETag"] == f'"{version}"'

    change = {"price_tiers": [{"min_quantity": 100, "unit_price": "2.40"}], "stock_quantity": 7000}
    changed = client.patch(url, json=change, headers={**headers, "If-Match": f'"{version}"'})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["price_tiers"] == [{"min_quantity": "100", "unit_price": "2.40"}]
    assert body["stock_quantity"] == "7000"
    assert body["version"] != version

    stale = client.patch(url, json=change, headers={**headers, "If-Match": f'"{version}"'})
    assert stale.status_code == 412
    in_body = client.patch(url, json={**change, "version": version}, headers=headers)
    assert in_body.status_code == 409
    assert client.patch(url, json=change, headers=headers).status_code == 428

    db.session.expire_all()
    product = db.session.get(Product, trade.product.id)
    assert product is not None
    assert product.stock_quantity == 7000
    assert [(t.min_quantity, t.unit_price_minor) for t in product.price_tiers] == [(100, 240)]

    assert client.get(url, headers=rival).status_code == 404
    theirs = client.patch(url, json={**change, "version": body["version"]}, headers=rival)
    assert theirs.status_code == 404


def test_listing_change_refusal_names_the_tier(
    client: FlaskClient, app: Flask, trade: Trade
) -> None:
    headers = token_for(app, trade.sales)
    url = f"/api/v1/seller/listings/{trade.product.public_id}"
    version = client.get(url, headers=headers).get_json()["version"]
    tiers = [
        {"min_quantity": 100, "unit_price": "2.40"},
        {"min_quantity": 50, "unit_price": "2.30"},
    ]
    answer = client.patch(url, json={"price_tiers": tiers, "version": version}, headers=headers)
    assert answer.status_code == 422
    assert answer.get_json()["path"] == "price_tiers[1].min_quantity"
    db.session.expire_all()
    assert db.session.get(Product, trade.product.id).stock_quantity == 50_000  # type: ignore[union-attr]


# --- seller: incoming orders ------------------------------------------------------------


def test_seller_accepts_and_declines_through_the_api(
    client: FlaskClient, app: Flask, trade: Trade, rival: dict[str, str]
) -> None:
    first, second = place(app, trade), place(app, trade, 200)
    headers = token_for(app, trade.sales)
    listed = client.get("/api/v1/seller/orders", headers=headers).get_json()
    assert [o["id"] for o in listed["data"]] == [second.public_id, first.public_id]

    ship_date = (date.today() + timedelta(days=14)).isoformat()
    url = f"/api/v1/seller/orders/{first.public_id}"
    refused = client.post(f"{url}/accept", json={}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["path"] == "confirmed_ship_date"
    accepted = client.post(
        f"{url}/accept", json={"confirmed_ship_date": ship_date}, headers=headers
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "accepted"
    assert accepted.get_json()["confirmed_ship_date"] == ship_date
    twice = client.post(f"{url}/accept", json={"confirmed_ship_date": ship_date}, headers=headers)
    assert twice.status_code in (409, 422)

    declined = client.post(
        f"/api/v1/seller/orders/{second.public_id}/decline",
        json={"reason": "No capacity this month."},
        headers=headers,
    )
    assert declined.status_code == 200
    assert declined.get_json()["status"] == "rejected"
    db.session.expire_all()
    assert db.session.get(type(second), second.id).status == OrderStatus.REJECTED  # type: ignore[union-attr]

    assert client.get(url, headers=rival).status_code == 404
    assert client.get("/api/v1/seller/orders", headers=rival).get_json()["data"] == []
    foreign = client.post(f"{url}/decline", json={"reason": "Not mine to decline."}, headers=rival)
    assert foreign.status_code == 404
    buyer_side = client.get(url, headers=token_for(app, trade.purchaser))
    assert buyer_side.status_code == 403  # the buyer reads it under /orders, not /seller


def test_seller_records_a_shipment(client: FlaskClient, app: Flask, trade: Trade) -> None:
    order = order_steps.start_production(
        app, trade, order_steps.accept(app, trade, place(app, trade))
    )
    order_steps.release_if_held(app, trade, order)  # the advance is not paid
    headers = token_for(app, trade.sales)
    shipment = {
        "mode": "sea",
        "carrier": "COSCO Shipping",
        "vessel": "COSCO Karachi",
        "voyage": "045E",
        "transport_document_number": "COSU6312345670",
        "port_of_loading": "Karachi (PKKHI)",
        "port_of_discharge": "Shanghai (CNSHG)",
        "etd": (date.today() + timedelta(days=2)).isoformat(),
        "eta": (date.today() + timedelta(days=20)).isoformat(),
        "net_weight_kg": "2500",
        "gross_weight_kg": "2600",
        "packages": [{"count": 100, "marks": "MCCT/SH/001-100"}],
    }
    answer = client.post(
        f"/api/v1/seller/orders/{order.public_id}/shipments", json=shipment, headers=headers
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "shipped"
    assert body["shipments"][0]["transport_document_number"] == "COSU6312345670"
    assert body["shipments"][0]["packages"][0]["marks"] == "MCCT/SH/001-100"
    # Quantities answer as exact decimal text, as every quantity the API sends.
    assert body["shipments"][0]["lines"] == [{"line_no": 1, "quantity": "100"}]
    buyer = client.get(f"/api/v1/orders/{order.public_id}", headers=token_for(app, trade.purchaser))
    assert buyer.get_json()["shipments"] == body["shipments"]


# --- catalogue: public fields, controlled listings hidden as on the pages -----------------


@pytest.fixture
def controlled(trade: Trade) -> Product:
    product = ProductFactory(
        seller=trade.seller,
        title="Shock-tube detonators",
        un_number="UN0360",
        proper_shipping_name="DETONATOR ASSEMBLIES, NON-ELECTRIC",
        hazard_class="1.1B",
        price_from_minor=123_456,
        stock_quantity=7_777,
        unit="PCE",
        moq=1,
    )
    db.session.commit()
    return product


def _found(client: FlaskClient, headers: dict[str, str], public_id: str) -> dict[str, Any]:
    CATALOG_CACHE.clear()
    page = client.get("/api/v1/catalogue?q=detonators", headers=headers).get_json()
    return next(item for item in page["data"] if item["id"] == public_id)


def test_catalogue_hides_controlled_prices_from_unverified_companies(
    client: FlaskClient, app: Flask, trade: Trade, controlled: Product
) -> None:
    verified = _found(client, token_for(app, trade.purchaser), controlled.public_id)
    assert (verified["price_from"], verified["stock_quantity"]) == ("1234.56", "7777")
    assert verified["controlled"] is True

    pending = CompanyFactory(pending=True, chinese_buyer=True, legal_name="Pending Imports Co.")
    newcomer = UserFactory(company=pending, company_role="owner")
    db.session.commit()
    headers = token_for(app, newcomer)
    hidden = _found(client, headers, controlled.public_id)
    assert (hidden["price_from"], hidden["currency"], hidden["stock_quantity"]) == (
        None,
        None,
        None,
    )
    assert hidden["title"] == "Shock-tube detonators"
    detail = client.get(f"/api/v1/catalogue/{controlled.public_id}", headers=headers).get_json()
    assert (detail["price_tiers"], detail["stock_quantity"]) == (None, None)
    assert detail["controlled"] is True


def test_commercial_invoice_xml_with_its_own_etag(
    client: FlaskClient, app: Flask, trade: Trade, stranger: dict[str, str]
) -> None:
    order = order_steps.ship(app, trade, place(app, trade))
    render_pending(app, DocumentKind.COMMERCIAL_INVOICE)
    headers = token_for(app, trade.purchaser)
    listed = client.get("/api/v1/invoices?kind=commercial_invoice", headers=headers).get_json()
    assert [(d["kind"], d["order"]) for d in listed["data"]] == [
        ("commercial_invoice", order.public_id)
    ]
    invoice = listed["data"][0]
    xml = client.get(invoice["xml_url"], headers=headers)
    assert xml.status_code == 200
    assert xml.mimetype == "application/xml"
    assert b"CrossIndustryInvoice" in xml.data
    assert invoice["number"].encode() in xml.data
    assert xml.headers["ETag"] == f'"{invoice["sha256"]}-xml"'
    unchanged = client.get(
        invoice["xml_url"], headers={**headers, "If-None-Match": xml.headers["ETag"]}
    )
    assert unchanged.status_code == 304
    audited = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "document.xml_downloaded",
            AuditEvent.object_id == invoice["id"],
        )
    )
    assert audited == 1
    assert client.get(invoice["xml_url"], headers=stranger).status_code == 404

    detail = client.get(f"/api/v1/orders/{order.public_id}", headers=headers).get_json()
    shipped = detail["shipments"][0]
    assert (shipped["mode"], shipped["transport_document_number"]) == ("sea", "COSU6301234567")
    assert shipped["packages"][0]["marks"] == "WN/SMT 1-8"


def test_an_order_taking_stock_makes_the_read_version_stale(
    client: FlaskClient, app: Flask, trade: Trade
) -> None:
    headers = token_for(app, trade.sales)
    url = f"/api/v1/seller/listings/{trade.product.public_id}"
    version = client.get(url, headers=headers).get_json()["version"]
    place(app, trade, 300)  # 50,000 - 300 in stock now
    stale = client.patch(url, json={"stock_quantity": 60_000, "version": version}, headers=headers)
    assert stale.status_code == 409
    assert stale.get_json()["code"] == "stale_version"
    fresh = client.get(url, headers=headers).get_json()
    assert fresh["stock_quantity"] == "49700"
    changed = client.patch(
        url, json={"stock_quantity": 60_000, "version": fresh["version"]}, headers=headers
    )
    assert changed.get_json()["stock_quantity"] == "60000"


# --- each side's area, as on the pages ---------------------------------------------------


def test_each_side_keeps_to_its_area(client: FlaskClient, app: Flask, trade: Trade) -> None:
    order = place(app, trade)
    sales = token_for(app, trade.sales)
    purchaser = token_for(app, trade.purchaser)
    # The buyer's purchaser has no seller area; the seller's sales clerk no buyer area.
    refused = client.get("/api/v1/seller/orders", headers=purchaser)
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "not_allowed"
    assert client.get("/api/v1/seller/listings", headers=purchaser).status_code == 403
    assert client.get("/api/v1/orders", headers=sales).status_code == 403
    assert client.get(f"/api/v1/orders/{order.public_id}", headers=sales).status_code == 403
    # Both companies read the order's papers and the catalogue.
    assert client.get("/api/v1/invoices", headers=sales).status_code == 200
    assert client.get("/api/v1/catalogue", headers=sales).status_code == 200


def test_seller_listings_page_by_cursor(
    client: FlaskClient, app: Flask, trade: Trade, rival: dict[str, str]
) -> None:
    second = ProductFactory(seller=trade.seller, title="Detonating cord 10 g/m")
    draft = ProductFactory(seller=trade.seller, title="Cast booster 400 g", status="draft")
    db.session.commit()
    headers = token_for(app, trade.sales)
    first = client.get("/api/v1/seller/listings?limit=2", headers=headers).get_json()
    assert [item["id"] for item in first["data"]] == [trade.product.public_id, second.public_id]
    assert first["has_more"] is True
    rest = client.get(
        f"/api/v1/seller/listings?starting_after={second.public_id}", headers=headers
    ).get_json()
    assert [(item["id"], item["status"]) for item in rest["data"]] == [(draft.public_id, "draft")]
    assert rest["has_more"] is False
    drafts = client.get("/api/v1/seller/listings?status=draft", headers=headers).get_json()
    assert [item["id"] for item in drafts["data"]] == [draft.public_id]
    assert client.get("/api/v1/seller/listings", headers=rival).get_json()["data"] == []
