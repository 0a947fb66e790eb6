"""Bulk minerals as their sellers list them: by the tonne, to the kilogram."""

from __future__ import annotations

from dataclasses import replace

from flask import Flask

from app.models import Company, Order, Product
from app.services.fulfilment.shipment_contents import LineInput
from tests.builders.orders import record_shipment, sea_shipment
from tests.builders.trade import Trade
from tests.factories import ProductFactory


def chromite(seller: Company) -> Product:
    """Chromite ore sold by the tonne to the kilogram, US$185.50 a tonne, shipped loose,
    5,000 t in stock."""
    product: Product = ProductFactory(
        seller=seller,
        title="Chromite ore lumps Cr2O3 40 %",
        hs_code="261000",
        unit="TNE",
        moq=1,
        price_from_minor=18_550,
        stock_quantity=5_000,
    )
    return product


def ship_lot(
    app: Flask, trade: Trade, order: Order, tonnes: str, *, last: bool = False, bl: str = "COSU1"
) -> Order:
    """The seller records a lot of ``tonnes`` of the order's first line by sea (B/L ``bl``);
    ``last``: the seller marks it as the last lot."""
    lot = replace(
        sea_shipment(), lines=[LineInput(1, tonnes)], last_lot=last, transport_document_number=bl
    )
    return record_shipment(app, trade, order, lot)
