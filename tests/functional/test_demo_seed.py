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
