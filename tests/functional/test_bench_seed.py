"""``python -m bench.seed catalog``: counts, determinism, and rows the search index finds."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Company,
    PriceTier,
    Product,
    ProductIncoterm,
    ProductStatus,
    Specification,
)
from app.services.catalog.search import CatalogQuery
from app.services.catalog.statements import matching
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
    """The listings the catalogue's own search finds in the seeded index."""
    dialect = db.session.connection().dialect.name
    return set(db.session.scalars(matching(CatalogQuery(q=words), dialect, Product.id)))


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
        # A word of the title and the seller's name both find the listing.
        word = next(w for w in product.title.split() if w.isalpha())
        assert product.id in _search(word), product.title
        assert product.id in _search(product.seller.legal_name.split()[0])
    # A third carry a Chinese title, found by it.
    chinese = [p for p in published if p.title_zh]
    assert chinese and all(p.id % 3 == 0 for p in chinese)
    for product in chinese[:5]:
        assert product.id in _search(product.title_zh), product.title_zh
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
