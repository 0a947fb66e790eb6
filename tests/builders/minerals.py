"""Bulk minerals as their sellers list them: by the tonne, to the kilogram."""

from __future__ import annotations

from dataclasses import replace

from flask import Flask

from app.extensions import db
from app.models import Company, Document, Order, Product
from app.services.audit.recording import Actor
from app.services.fulfilment import outturn
from app.services.fulfilment.shipment_contents import LineInput
from tests.builders.orders import record_shipment, sea_shipment
from tests.builders.trade import Trade, finance_of
from tests.factories import ProductFactory
from tests.support.pdfs import save, text_pdf


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
    app: Flask,
    trade: Trade,
    order: Order,
    tonnes: str,
    *,
    last: bool = False,
    bl: str | None = None,
) -> Order:
    """The seller records a lot of ``tonnes`` of the order's first line by sea (B/L ``bl``,
    by default one of its own per lot); ``last``: the seller marks it as the last lot."""
    bl = bl or f"COSU-LOT-{len(order.shipments) + 1}"
    lot = replace(
        sea_shipment(), lines=[LineInput(1, tonnes)], last_lot=last, transport_document_number=bl
    )
    return record_shipment(app, trade, order, lot)


def enter_outturn(
    app: Flask,
    trade: Trade,
    order: Order,
    *lines: tuple[str, str | None, str | None],
    lot: int = 1,
    surveyor: str = "SGS Pakistan (Pvt) Ltd",
    confirmed: bool = False,
) -> Document:
    """The seller's finance enters lot ``lot``'s outturn: per order line (outturn, moisture
    percent or None, grade adjustment per unit or None), with a one-page certificate."""
    with app.test_request_context():
        settlement = outturn.settlement_of(order, lot)
        assert settlement is not None, "the lot has no provisional invoice"
        final = outturn.record_outturn(
            Actor(finance_of(trade.seller)),
            settlement,
            outturn.OutturnInput(
                surveyor=surveyor,
                certificate=save(text_pdf("Certificate of weight and quality")),
                certificate_name="sgs-certificate.pdf",
                confirmed=confirmed,
                lines=[
                    outturn.OutturnLineInput(n, weight, moisture, adjustment)
                    for n, (weight, moisture, adjustment) in enumerate(lines, start=1)
                ],
            ),
        )
        db.session.commit()
    return final
