"""Dangerous goods made ready to ship through the services: an order in production, a
COSCO sailing from Karachi to Shanghai to record against it, and the text of the shipping
papers as downloaded."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pdfplumber
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import DocumentKind, Order, Product, Shipment
from app.services.audit.recording import Actor
from app.services.fulfilment import actions
from tests.builders.orders import accept, place_for, release_if_held, start_production
from tests.builders.trade import Trade


def in_production(
    app: Flask, trade: Trade, lines: list[tuple[Product, int]], **terms: Any
) -> Order:
    """``lines`` ordered by the trade's purchaser (on ``terms`` beyond the usual ones, e.g.
    a tolerance), accepted and in production, with any hold on the shipment (an unpaid
    deposit) released."""
    order = place_for(app, trade.purchaser, lines, **terms)
    accept(app, trade, order)
    start_production(app, trade, order)
    release_if_held(app, trade, order)
    return order


def karachi_to_shanghai(**fields: Any) -> actions.ShipmentInput:
    """COSCO Pakistan, voyage 118E, sailing in three days and arriving in twenty; ``fields``
    give the rest (weights, packages, containers, lines) or replace any of these."""
    values: dict[str, Any] = {
        "mode": "sea",
        "carrier": "COSCO Shipping Lines",
        "vessel": "COSCO Pakistan",
        "voyage": "118E",
        "transport_document_number": "COSU6300012345",
        "port_of_loading": "Karachi",
        "port_of_discharge": "Shanghai",
        "etd": date.today() + timedelta(days=3),
        "eta": date.today() + timedelta(days=20),
        "net_weight_kg": None,
        "gross_weight_kg": None,
    }
    values.update(fields)
    return actions.ShipmentInput(**values)


def record(app: Flask, trade: Trade, order: Order, data: actions.ShipmentInput) -> Shipment:
    """The seller's sales clerk records ``data`` as the shipment of ``order`` (committed)."""
    with app.test_request_context():
        shipment = actions.record_shipment(Actor(trade.sales), order, data)
        db.session.commit()
    return shipment


def paper_pages(client: FlaskClient, order: Order, kind: DocumentKind) -> list[str]:
    """The text of each page of ``order``'s one document of ``kind``, downloaded by the
    signed-in ``client``."""
    (document,) = [d for d in order.documents if d.kind is kind]
    response = client.get(f"/documents/{document.public_id}.pdf")
    assert response.status_code == 200
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]
