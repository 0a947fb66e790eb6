"""The API's OpenAPI 3.1 document, its docs page and its one error shape (issue #22, 1).

The document is made from the same Pydantic models that validate the requests, so these
tests check the document against the OpenAPI 3.1 schema and the requests against the
answers the document promises.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import OpenAPIV31SpecValidator

from app.extensions import db
from tests.builders.trade import Trade, committed_trade
from tests.factories import ProductFactory
from tests.support.api import order_body, orders_count, token_for

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return committed_trade()


# --- the document -------------------------------------------------------------------------


def test_the_document_is_public_and_valid_openapi_3_1(client: FlaskClient) -> None:
    answer = client.get("/api/v1/openapi.json")

    assert answer.status_code == 200 and answer.is_json
    document = answer.get_json()
    assert document["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(document).validate()  # raises on the first fault


def test_the_document_describes_placing_an_order_from_its_models(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    place = document["paths"]["/api/v1/orders"]["post"]
    schemas = document["components"]["schemas"]

    assert place["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PlaceOrder"
    }
    assert sorted(place["responses"]) == [
        "200",
        "201",
        "400",
        "401",
        "403",
        "404",
        "409",
        "422",
        "429",
    ]
    assert place["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiError"
    }
    # The same call takes an Order-X or UBL order (app.web.api.order_xml).
    assert sorted(place["requestBody"]["content"]) == [
        "application/json",
        "application/xml",
        "text/xml",
    ]
    xml = place["requestBody"]["content"]["application/xml"]["schema"]
    assert xml["type"] == "string"
    assert "Orders as XML: Order-X and UBL 2.1" in xml["description"]
    assert {"name": "Idempotency-Key", "in": "header"}.items() <= place["parameters"][0].items()
    assert schemas["PlaceOrder"]["required"] == ["lines"]
    # A quantity is a decimal string ("12.5") or a whole number; never a JSON float.
    assert schemas["OrderLineRequest"]["properties"]["quantity"]["anyOf"] == [
        {"type": "integer"},
        {"type": "string"},
    ]
    assert schemas["OrderSummary"]["properties"]["total"]["type"] == "string", "money as text"
    assert document["security"] == [{"bearer": []}]
    show = document["paths"]["/api/v1/orders/{public_id}"]["get"]
    assert show["parameters"] == [
        {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert show["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrderDetail"
    }


def test_the_docs_page_is_served_from_our_own_origin(client: FlaskClient) -> None:
    page = client.get("/api/docs")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>' in html
    assert '<script src="/static/js/api-docs.js"></script>' in html
    assert 'data-openapi-url="/api/v1/openapi.json"' in html
    assert "<script>" not in html, "no inline script: the CSP forbids it"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in (
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/js/api-docs.js",
    ):
        served = client.get(asset)
        served.close()  # a file response: its handle is closed by the reader
        assert served.status_code == 200, asset


# --- the one error shape ------------------------------------------------------------------


def test_a_line_of_the_wrong_type_is_named_by_its_index(client: FlaskClient, trade: Trade) -> None:
    headers = token_for(client, trade.purchaser)
    second = ProductFactory(seller=trade.seller, title="Detonating cord 10 g/m", moq=10)
    db.session.commit()

    answer = client.post(
        "/api/v1/orders",
        json=order_body((trade.product.public_id, 100), (second.public_id, 20.5)),
        headers=headers,
    )

    assert answer.status_code == 422
    assert answer.get_json() == {
        "error": 422,
        "code": "invalid",
        "message": 'Give quantity as text such as "12.5", or as a whole number.',
        "field": "quantity",
        "path": "lines[1].quantity",
    }
    assert orders_count() == 0


def test_a_quantity_the_listing_refuses_is_named_by_its_line(
    client: FlaskClient, trade: Trade
) -> None:
    headers = token_for(client, trade.purchaser)
    second = ProductFactory(seller=trade.seller, title="Detonating cord 10 g/m", moq=10)
    db.session.commit()

    answer = client.post(
        "/api/v1/orders",
        json=order_body((second.public_id, 20), (trade.product.public_id, 99)),
        headers=headers,
    )

    assert answer.status_code == 422
    body = answer.get_json()
    assert (body["code"], body["field"], body["path"]) == (
        "invalid",
        "quantity",
        "lines[1].quantity",
    )
    assert "Order at least 100" in body["message"]


def test_an_unknown_listing_is_named_by_its_line(client: FlaskClient, trade: Trade) -> None:
    headers = token_for(client, trade.purchaser)

    answer = client.post(
        "/api/v1/orders",
        json=order_body((trade.product.public_id, 100), ("nosuchlisting000", 5)),
        headers=headers,
    )

    assert answer.status_code == 422
    assert answer.get_json() == {
        "error": 422,
        "code": "invalid",
        "message": "Listing nosuchlisting000 is not on offer.",
        "field": "lines",
        "path": "lines[1].product",
    }


def test_missing_lines_and_text_of_the_wrong_type_name_their_field(
    client: FlaskClient, trade: Trade
) -> None:
    headers = token_for(client, trade.purchaser)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"incoterm": "FOB"}, "lines", "Send lines."),
        (
            order_body((trade.product.public_id, 100), consignee=42),
            "consignee",
            "consignee must be text.",
        ),
        (
            order_body((trade.product.public_id, 100), requested_delivery_date="next week"),
            "requested_delivery_date",
            "Give the date as YYYY-MM-DD.",
        ),
        (
            order_body((trade.product.public_id, 100), expected_total_minor=True),
            "expected_total_minor",
            "Give expected_total_minor as a whole number.",
        ),
    ]
    for body, path, message in cases:
        answer = client.post("/api/v1/orders", json=body, headers=headers)
        assert answer.status_code == 422, body
        assert answer.get_json() == {
            "error": 422,
            "code": "invalid",
            "message": message,
            "field": path,
            "path": path,
        }
    assert orders_count() == 0


def test_errors_without_a_field_carry_a_code(client: FlaskClient, trade: Trade) -> None:
    assert client.get("/api/v1/orders/unknown0000000000").get_json() == {
        "error": 401,
        "code": "unauthenticated",
        "message": "Send a valid API token: Authorization: Bearer <token>.",
    }
    headers = token_for(client, trade.purchaser)
    assert client.post("/api/v1/orders", data="[1, 2]", headers=headers).get_json() == {
        "error": 400,
        "code": "bad_request",
        "message": "Send the request body as a JSON object.",
    }
    assert client.get("/api/v1/orders/unknown0000000000", headers=headers).get_json() == {
        "error": 404,
        "code": "not_found",
        "message": "There is nothing here, or it is not yours to see.",
    }


def test_messages_are_in_the_token_owners_language(client: FlaskClient, trade: Trade) -> None:
    trade.purchaser.locale = "zh_Hans"
    db.session.commit()
    headers = token_for(client, trade.purchaser)

    missing = client.get(
        "/api/v1/orders/unknown0000000000", headers={**headers, "Accept-Language": "en"}
    )
    too_few = client.post(
        "/api/v1/orders", json=order_body((trade.product.public_id, "lots")), headers=headers
    )

    assert missing.get_json()["message"] == "此处没有内容，或您无权查看。"
    assert too_few.get_json()["path"] == "lines[0].quantity"
