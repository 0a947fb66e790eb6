"""The demo world: listings for the demo sellers and MCCT orders in every state."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Company,
    Document,
    DocumentKind,
    DocumentStatus,
    Order,
    OrderStatus,
    Product,
    ProductStatus,
    ShipmentPackage,
)


def test_seed_adds_listings_and_orders_in_every_state_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    titles = set(
        db.session.scalars(select(Product.title).where(Product.status == ProductStatus.PUBLISHED))
    )
    assert {
        "Non-electric shock-tube detonators (UN0360, 1.1B)",
        "Emulsion explosive cartridges 32 mm (UN0241, 1.5D)",
        "Chromite ore lumps Cr2O3 40 %",
        "Copper concentrate Cu 24 %",
    } <= titles
    statuses = set(db.session.scalars(select(Order.status)))
    assert statuses == set(OrderStatus)
    # Each company keeps its own clock: Pakistan's sellers Karachi's, the importer Shanghai's.
    zones = {tuple(row) for row in db.session.execute(select(Company.country, Company.timezone))}
    assert zones == {("PK", "Asia/Karachi"), ("CN", "Asia/Shanghai")}
    orders = db.session.scalar(select(func.count(Order.id)))
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert db.session.scalar(select(func.count(Order.id))) == orders
    assert db.session.scalar(select(func.count(Product.id))) == len(titles)


def test_demo_documents_writes_one_of_every_kind_as_issued(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    result = runner.invoke(args=["demo", "documents", "--out", str(tmp_path / "docs")])
    assert result.exit_code == 0, result.output
    documents = {
        document.number: document
        for document in db.session.scalars(
            select(Document).where(Document.status == DocumentStatus.ISSUED)
        )
    }
    written = sorted((tmp_path / "docs").glob("*.pdf"))
    kinds = {documents[path.stem].kind for path in written}
    assert kinds == set(DocumentKind)
    for path in written:
        assert path.read_bytes() == documents[path.stem].pdf


def test_demo_shipments_are_packed_as_their_listings_pack(app: Flask) -> None:
    """Every shipped demo order's packages are its quantity over the listing's units per
    package (50,000 detonators at 500 a carton: 100 cartons), each weighing what the
    listing says a package weighs; bulk ore ships as one lot of its own mass."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    packed = sorted(
        (
            package.contents or "",
            package.count,
            package.package_type or "",
            package.net_weight_g,
            package.gross_weight_g,
        )
        for package in db.session.scalars(select(ShipmentPackage))
    )
    emulsion = "Emulsion explosive cartridges 32 mm (UN0241, 1.5D)"
    nitrate = "Porous prilled ammonium nitrate (UN1942, 5.1)"
    assert packed == [
        # 5,000 t ±10 % of chromite in two lots (partial shipments), each one bulk lot.
        ("Chromite ore lumps Cr2O3 40 %", 1, "bulk", 2_480_350_000, 2_480_350_000),
        ("Chromite ore lumps Cr2O3 40 %", 1, "bulk", 2_611_125_000, 2_611_125_000),
        # 1,000 t ±5 % of copper concentrate, loaded and shipped at 1,012.450 t.
        ("Copper concentrate Cu 24 %", 1, "bulk", 1_012_450_000, 1_012_450_000),
        # The two shipped L/C orders: 5,000 kg at 25 kg a carton (26.4 kg gross).
        (emulsion, 200, "box", 5_000_000, 5_280_000),
        (emulsion, 200, "box", 5_000_000, 5_280_000),
        ("Himalayan rock salt, industrial grade", 250, "bag", 250_000_000, 250_625_000),
        ("Non-electric shock-tube detonators (UN0360, 1.1B)", 100, "box", 1_800_000, 2_150_000),
        # The claims' two orders, 100 t and 200 t in one-tonne big bags ("12 of the 100").
        (nitrate, 100, "bag", 100_000_000, 100_300_000),
        (nitrate, 200, "bag", 200_000_000, 200_600_000),
    ]
    # The copper concentrate was sold on weight terms: loaded at 1,012.450 t, it discharged
    # at 1,010.200 wet tonnes with 8.50 % moisture (924.333 dry tonnes), assayed US$12.50 a
    # tonne above the basis: 924.333 t x US$1,998.00 = US$1,846,817.334, rounded half up.
    copper = db.session.scalar(select(Order).where(Order.tolerance_percent == 5))
    assert copper is not None and copper.status is OrderStatus.COMPLETED
    assert copper.goods_total_minor == 184_681_733
    # The chromite's two lots at US$252.00 a tonne (the 2,000 t price break), each invoiced
    # provisionally at 90 % of its loading value, then finally on its outturn:
    #   lot 1 loaded 2,480.350 t + US$2,400.00 freight (CFR) = US$627,448.20 -> 564,703.38;
    #   lot 2 loaded 2,611.125 t = US$658,003.50 -> 592,203.15;
    #   lot 1 outturn 2,474.120 t + freight = US$625,878.24, less 564,703.38 = 61,174.86;
    #   lot 2 outturn 2,605.480 t = US$656,580.96, less 592,203.15 = 64,377.81.
    chromite = db.session.scalar(select(Order).where(Order.partial_shipments.is_(True)))
    assert chromite is not None and chromite.status is OrderStatus.SHIPPED
    invoiced = db.session.execute(
        select(Document.stage, Document.total_minor)
        .where(Document.order_id == chromite.id, Document.kind == DocumentKind.COMMERCIAL_INVOICE)
        .order_by(Document.id)
    ).all()
    assert [tuple(row) for row in invoiced] == [
        ("provisional", 56_470_338),
        ("provisional", 59_220_315),
        ("final", 6_117_486),
        ("final", 6_437_781),
    ]
    assert chromite.total_minor == 62_587_824 + 65_658_096
    (detonators,) = db.session.scalars(
        select(ShipmentPackage).where(ShipmentPackage.contents.startswith("Non-electric"))
    )
    assert detonators.marks.endswith(" / 1-100")
    assert detonators.shipment.gross_weight_g == 2_150_000
