"""Places picked, not typed: the UN/LOCODE table, its search, place fields and the prefills
of the shipment form and the checkout."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import Incoterm, OrderStatus, Place, Product, ProductIncoterm, Shipment
from app.services.errors import ValidationFailed
from app.services.places import resolve_place, search_places
from tests.builders.orders import group_key, order_in, release_if_held
from tests.builders.trade import Trade, make_trade
from tests.factories import CategoryFactory
from tests.support.auth import AuthActions
from tests.support.forms import listing_form, shipment_form
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


# --- the table and its search --------------------------------------------------------------


def test_the_migration_loads_every_place_of_the_code_list(app_ctx: None) -> None:
    assert db.session.scalar(select(func.count(Place.id))) == 1865
    assert db.session.scalar(select(func.count(Place.id)).where(Place.country == "PK")) == 210
    karachi = db.session.scalar(select(Place).where(Place.locode == "PKKHI"))
    assert karachi is not None
    assert (karachi.name, karachi.is_port, karachi.name_zh, karachi.name_ur) == (
        "Karachi",
        True,
        "卡拉奇",
        "کراچی",
    )


def test_carriers_old_seaport_codes_are_ports_named_after_the_seaport(app_ctx: None) -> None:
    """The README's trap: UNECE lists CNSHA as Hongqiao airport; B/Ls print it for the port."""
    shanghai = db.session.scalar(select(Place).where(Place.locode == "CNSHA"))
    assert shanghai is not None
    assert (shanghai.is_port, shanghai.label) == (True, "Shanghai (CNSHA)")
    assert "Hongqiao" in shanghai.name


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("kara", "PKKHI"),
        ("PKBQM", "PKBQM"),
        ("pkbqm", "PKBQM"),
        ("卡拉奇", "PKKHI"),
        ("کراچی", "PKKHI"),
        ("青岛港", "CNQDG"),
        ("Gwadar", "PKGWD"),
    ],
)
def test_search_by_code_or_name_in_any_script(app_ctx: None, query: str, first: str) -> None:
    assert search_places(query, ports_first=True)[0].locode == first


def test_search_ranks_exact_names_first_and_ports_first(app_ctx: None) -> None:
    codes = [hit.locode for hit in search_places("shanghai", ports_first=True)]
    assert codes[0] == "CNSGH"  # "Shanghai" itself
    assert codes.index("CNSHG") < codes.index("CNPVG")  # the port before the airport


def test_search_needs_two_characters_and_survives_wildcards(app_ctx: None) -> None:
    assert search_places("k") == []
    assert search_places("%%") == []
    assert search_places("__") == []


def test_the_search_endpoint_answers_signed_in_people_with_json(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    assert client.get("/places/search?q=kara").status_code == 302  # to sign in
    auth.login(trade.sales.email)
    response = client.get("/places/search?q=kara&ports=1")
    assert response.status_code == 200
    first = response.get_json()["places"][0]
    assert first == {
        "code": "PKKHI",
        "label": "Karachi (PKKHI)",
        "name": "Karachi",
        "local_name": None,
        "country": "PK",
        "port": True,
    }
    assert client.get("/places/search").get_json() == {"places": []}


# --- what a place field keeps ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Karachi", "Karachi (PKKHI)"),
        ("karachi", "Karachi (PKKHI)"),
        ("Karachi, Pakistan", "Karachi (PKKHI)"),
        ("PKKHI", "Karachi (PKKHI)"),
        ("Karachi (PKKHI)", "Karachi (PKKHI)"),
        ("  Qingdao   Pt ", "Qingdao Pt (CNQDG)"),
        ("CNSHA", "Shanghai (CNSHA)"),
        # No code: kept as typed (the Karakoram crossing has none; another country's code
        # is not in the PK/CN list; a five-letter name is not taken for a code).
        ("Khunjerab Pass", "Khunjerab Pass"),
        ("Jebel Ali (AEJEA)", "Jebel Ali (AEJEA)"),
        ("Dubai", "Dubai"),
        ("", ""),
    ],
)
def test_a_place_field_keeps_the_place_with_its_code(app_ctx: None, typed: str, kept: str) -> None:
    assert resolve_place(typed, field="place") == kept


def test_an_unknown_pakistani_or_chinese_code_is_refused(app_ctx: None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        resolve_place("Karachi (PKZZZ)", field="port_of_loading")
    assert refused.value.field == "port_of_loading"
    assert "PKZZZ is not a UN/LOCODE of Pakistan or China" in str(refused.value)


# --- the listing form -----------------------------------------------------------------------


@pytest.fixture
def chromite() -> None:
    CategoryFactory(slug="chromite", name_en="Chromite ore")


@pytest.mark.usefixtures("chromite")
def test_the_listing_form_keeps_picked_places(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.sales.email)
    form = listing_form(**{"incoterms-0-named_place": "karachi", "origin_port": "PKBQM"})
    response = client.post("/seller/listings/new", data=form)
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.title.startswith("Chromite")))
    assert product is not None
    assert product.origin_port == "Muhammad Bin Qasim/Karachi (PKBQM)"
    assert [(i.rule, i.named_place) for i in product.incoterms] == [
        (Incoterm.FOB, "Karachi (PKKHI)")
    ]
    page = page_of(client.get(f"/seller/listings/{product.public_id}/edit"))
    assert 'data-place-search="/places/search"' in page and "js/place-picker.js" in page


@pytest.mark.usefixtures("chromite")
def test_the_listing_form_refuses_an_unknown_code_and_writes_nothing(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.sales.email)
    before = db.session.scalar(select(func.count(Product.id)))
    form = listing_form(**{"incoterms-0-named_place": "Karachi (PKXXX)"})
    page = page_of(client.post("/seller/listings/new", data=form))
    assert "PKXXX is not a UN/LOCODE of Pakistan or China" in page
    assert db.session.scalar(select(func.count(Product.id))) == before


# --- the shipment form's prefill ------------------------------------------------------------


@pytest.fixture
def trade() -> Trade:
    return make_trade(
        incoterms=[
            ProductIncoterm(rule=Incoterm.FOB, named_place="Karachi (PKKHI)"),
            ProductIncoterm(rule=Incoterm.CFR, named_place="Shanghai Pt (CNSHG)"),
            ProductIncoterm(rule=Incoterm.CIF, named_place="Qingdao Pt (CNQDG)"),
            ProductIncoterm(rule=Incoterm.DAP, named_place="Urumqi"),
            ProductIncoterm(rule=Incoterm.EXW, named_place="Wah Cantt"),
        ]
    )


def _value(page: str, field: str) -> str:
    found = re.search(rf'<input[^>]*id="{field}"[^>]*>', page)
    assert found is not None, field
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


def _in_production(app: Flask, trade: Trade, **terms: Any) -> Any:
    order = order_in(app, trade, OrderStatus.IN_PRODUCTION, ship_in_days=5, **terms)
    return release_if_held(app, trade, order)


@pytest.mark.parametrize(
    ("incoterm", "place", "destination_port", "origin_port", "loading", "discharge"),
    [
        # F-terms and EXW: the named place is in the seller's country.
        ("FOB", "Karachi (PKKHI)", "Shanghai", None, "Karachi (PKKHI)", "Shanghai"),
        ("EXW", "Wah Cantt", "Tianjin", None, "Wah Cantt", "Tianjin"),
        # C-terms: the named place is the destination; never the port of loading.
        ("CFR", "Shanghai Pt (CNSHG)", "Shanghai", None, "", "Shanghai Pt (CNSHG)"),
        (
            "CIF",
            "Qingdao Pt (CNQDG)",
            "Qingdao",
            "Muhammad Bin Qasim/Karachi (PKBQM)",
            "Muhammad Bin Qasim/Karachi (PKBQM)",
            "Qingdao Pt (CNQDG)",
        ),
        # D-terms: the destination port the buyer ordered to; the listing's origin port.
        (
            "DAP",
            "Urumqi",
            "Tianjin Xingang Pt (CNTXG)",
            "Karachi (PKKHI)",
            "Karachi (PKKHI)",
            "Tianjin Xingang Pt (CNTXG)",
        ),
    ],
)
def test_the_shipment_form_starts_from_the_terms(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    trade: Trade,
    incoterm: str,
    place: str,
    destination_port: str,
    origin_port: str | None,
    loading: str,
    discharge: str,
) -> None:
    trade.product.origin_port = origin_port
    order = _in_production(
        app, trade, incoterm=incoterm, incoterm_place=place, destination_port=destination_port
    )
    auth.login(trade.sales.email)
    page = page_of(client.get(f"/seller/orders/{order.public_id}/shipment"))
    assert (_value(page, "port_of_loading"), _value(page, "port_of_discharge")) == (
        loading,
        discharge,
    )


def test_a_typed_port_is_recorded_with_its_code(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = _in_production(app, trade, incoterm_place="Karachi (PKKHI)")
    auth.login(trade.sales.email)
    form = shipment_form(port_of_loading="Karachi", port_of_discharge="qingdao pt")
    assert client.post(f"/seller/orders/{order.public_id}/shipment", data=form).status_code == 302
    shipment = db.session.scalar(select(Shipment))
    assert shipment is not None
    assert (shipment.port_of_loading, shipment.port_of_discharge) == (
        "Karachi (PKKHI)",
        "Qingdao Pt (CNQDG)",
    )


# --- the checkout's consignee ---------------------------------------------------------------


def test_the_checkout_starts_the_consignee_with_the_full_address(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    buyer = trade.buyer
    buyer.address = "Room 1808, 88 Century Avenue, Pudong"
    buyer.city = "Shanghai"
    buyer.postal_code = "200120"
    auth.login(trade.purchaser.email)
    product = trade.product
    client.post("/buyer/cart", data={"product": product.public_id, "quantity": str(product.moq)})
    page = page_of(client.get(f"/buyer/checkout/{group_key(product)}"))
    consignee = re.search(r'<textarea[^>]*id="consignee"[^>]*>\s*(.*?)</textarea>', page, re.S)
    assert consignee is not None
    assert consignee.group(1).strip().split("\n") == [
        "Shanghai Minmetals Trading Co., Ltd.",
        "上海五矿贸易有限公司",
        "Room 1808, 88 Century Avenue, Pudong",
        "Shanghai 200120",
        "China",
    ]
