"""The bench sellers: verified companies of six countries with trade names drawn from
``seed_catalog_data``, recognised afterwards by their e-mail domain so a rerun can find
and wipe them with every listing of theirs."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text

from app.extensions import db
from app.models import (
    Company,
    PriceTier,
    Product,
    ProductImage,
    ProductIncoterm,
    Specification,
    VerificationStatus,
)
from bench.seed_catalog_data import (
    CITIES,
    CN_LOCAL,
    NAME_STEMS,
    REPORTING,
    SELLER_COUNTRIES,
    SUFFIX,
    TRADES,
    TRADES_ZH,
)

BENCH_EMAIL_DOMAIN = "bench.corridor.invalid"
# Fixed, so two runs with the same seed write the same dates.
BASE_TIME = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Seller:
    """A bench seller as the listings need it: id, country, and the trades it sells in."""

    id: int
    country: str
    trades: tuple[str, ...]


def bench_seller_ids() -> list[int]:
    """The ids of the bench sellers already in the database."""
    return list(
        db.session.scalars(
            select(Company.id).where(Company.contact_email.like(f"%@{BENCH_EMAIL_DOMAIN}"))
        )
    )


def wipe_bench_data() -> int:
    """Delete the bench sellers and every listing of theirs; returns how many listings went."""
    seller_ids = bench_seller_ids()
    if not seller_ids:
        return 0
    connection = db.session.connection()
    product_ids = select(Product.id).where(Product.seller_id.in_(seller_ids))
    count = db.session.scalar(select(func.count()).select_from(product_ids.subquery())) or 0
    if connection.dialect.name == "sqlite":
        # The FTS5 table has no foreign key to cascade from.
        connection.execute(
            text(
                "DELETE FROM product_search WHERE rowid IN (SELECT p.id FROM products p"
                " JOIN companies c ON c.id = p.seller_id WHERE c.contact_email LIKE :pattern)"
            ),
            {"pattern": f"%@{BENCH_EMAIL_DOMAIN}"},
        )
    for table in (PriceTier, ProductIncoterm, Specification, ProductImage):
        connection.execute(delete(table).where(table.product_id.in_(product_ids)))
    connection.execute(delete(Product).where(Product.seller_id.in_(seller_ids)))
    connection.execute(delete(Company).where(Company.id.in_(seller_ids)))
    db.session.expire_all()
    return count


def create_sellers(rng: random.Random, count: int) -> list[Seller]:
    """``count`` verified sellers, flushed so their ids are known."""
    trades_all = tuple(TRADES)
    sellers: list[Company] = []
    specialities: list[tuple[str, ...]] = []
    used: set[str] = set()
    for number in range(1, count + 1):
        country = rng.choice(SELLER_COUNTRIES)
        trades = tuple(sorted(rng.sample(trades_all, rng.choice((1, 1, 2, 3)))))
        stem = rng.choice(NAME_STEMS[country])
        trade = rng.choice(TRADES[trades[0]])
        name = f"{stem} {trade} {SUFFIX[country]}"
        if name in used:
            name = f"{stem} {trade} {number} {SUFFIX[country]}"
        used.add(name)
        local = None
        if country == "CN":
            local = f"{CN_LOCAL[stem]}{TRADES_ZH[trades[0]]}有限公司"
        city = rng.choice(CITIES[country])
        sellers.append(
            Company(
                legal_name=name,
                legal_name_local=local,
                country=country,
                sells=True,
                buys=rng.random() < 0.2,
                address=f"Plot {rng.randint(1, 400)}, Industrial Area",
                city=city,
                tax_id=f"BENCH-{number:05d}",
                contact_email=f"seller{number:05d}@{BENCH_EMAIL_DOMAIN}",
                reporting_currency=REPORTING.get(country, "USD"),
                verification_status=VerificationStatus.VERIFIED,
                verification_decided_at=BASE_TIME - timedelta(days=rng.randint(800, 1500)),
                created_at=BASE_TIME - timedelta(days=rng.randint(1500, 2000)),
            )
        )
        specialities.append(trades)
    db.session.add_all(sellers)
    db.session.flush()
    return [
        Seller(company.id, company.country, trades)
        for company, trades in zip(sellers, specialities, strict=True)
    ]
