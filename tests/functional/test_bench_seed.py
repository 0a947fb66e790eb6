"""``python -m bench.seed catalog``: counts, determinism, and rows the search index finds."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import (
    Company,
    PriceTier,
    Product,
    ProductIncoterm,
    ProductStatus,
    Specification,
)
from app.services.catalog.index import fts5_match, query_tokens, tsquery
from bench.seed import seed_cli
from bench.seed_sellers import BENCH_EMAIL_DOMAIN


def _seed(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(
        seed_cli, args=["catalog", "--products", "50", "--sellers", "8", *args]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _bench_products() -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .join(Company, Company.id == Product.seller_id)
            .where(Company.contact_email.like(f"%@{BENCH_EMAIL_DOMAIN}"))
            .order_by(Product.id)
        )
    )


def _search(words: str) -> set[int]:
    connection = db.session.connection()
    tokens = query_tokens(words)
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            text("SELECT rowid FROM product_search WHERE product_search MATCH :q"),
            {"q": fts5_match(tokens)},
        )
    else:
        rows = connection.execute(
            text(
                "SELECT product_id FROM product_search WHERE document @@ to_tsquery('english', :q)"
            ),
            {"q": tsquery(tokens)},
        )
    return {row[0] for row in rows}


def test_seed_catalog_counts_and_index(app: Flask) -> None:
    output = _seed(app)
    assert "Seeded 50 listings" in output

    products = _bench_products()
    assert len(products) == 50
    sellers = db.session.scalar(
        select(func.count())
        .select_from(Company)
        .where(Company.contact_email.like(f"%@{BENCH_EMAIL_DOMAIN}"))
    )
    assert sellers == 8
    ids = [p.id for p in products]
    for model in (PriceTier, ProductIncoterm, Specification):
        count = db.session.scalar(
            select(func.count()).select_from(model).where(model.product_id.in_(ids))
        )
        assert count is not None and count >= 50, model
    for product in products:
        assert product.price_tiers[0].min_quantity == product.moq
        assert product.price_from_minor == min(t.unit_price_minor for t in product.price_tiers)
        assert product.incoterms and product.specifications
        assert (product.stock_quantity is None) == (product.lead_time_days is not None)
        if product.hazard_class and product.hazard_class.startswith("1."):
            assert product.net_explosive_mass_g and product.un_number

    published = [p for p in products if p.status is ProductStatus.PUBLISHED]
    assert published
    for product in published[:10]:
        # A word of the title and the seller's name both find the listing. (Plain words:
        # PostgreSQL's parser reads "TNT/RDX" as a file path, one token.)
        word = next(w for w in product.title.split() if w.isalpha())
        assert product.id in _search(word), product.title
        assert product.id in _search(product.seller.legal_name.split()[0])
    unpublished = {p.id for p in products if p.status is not ProductStatus.PUBLISHED}
    assert not unpublished & _search(" ".join(products[0].title.split()[:1]))


def test_seed_catalog_is_deterministic_and_refuses_twice(app: Flask) -> None:
    _seed(app, "--seed", "7")
    first = [(p.title, p.currency, p.price_from_minor, p.hs_code) for p in _bench_products()]

    again = app.test_cli_runner().invoke(
        seed_cli, args=["catalog", "--products", "50", "--sellers", "8", "--seed", "7"]
    )
    assert again.exit_code != 0
    assert "--replace" in again.output

    output = _seed(app, "--seed", "7", "--replace")
    assert "Removed 50 earlier bench listings" in output
    second = [(p.title, p.currency, p.price_from_minor, p.hs_code) for p in _bench_products()]
    assert second == first

    _seed(app, "--seed", "8", "--replace")
    other = [(p.title, p.currency, p.price_from_minor, p.hs_code) for p in _bench_products()]
    assert other != first
