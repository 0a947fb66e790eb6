"""Generated corridor trade for the public statistics page (``flask demo seed``).

Nineteen trading firms of the demo world (PK and CN; no one signs in as them) with fifteen
months of shipped, invoiced orders, generated from a fixed seed so every run builds the
same history relative to today. Most cells are broad enough to publish; a few are thin
(marble from two quarries) or dominated (copper concentrate, mostly one miner), so the
page shows the disclosure rules at work. The orders are bulk-inserted, mirroring what
shipping one through the services leaves (order, line, shipment, a numbered commercial
invoice with its frozen rates and a one-page placeholder PDF); the cube is then refreshed
from them by the same code the job runs. Seeded once: if the firms have orders, nothing
is added.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select, text

from app.demo.rates import DEMO_RATES, DEMO_SOURCE
from app.extensions import db
from app.models import (
    Company,
    CompanyRole,
    Document,
    DocumentCounter,
    DocumentKind,
    DocumentRate,
    DocumentStatus,
    Incoterm,
    Order,
    OrderLine,
    OrderStatus,
    PaymentStatus,
    PaymentTerms,
    Shipment,
    ShipmentMode,
    ShipmentStatus,
    User,
    VerificationStatus,
)
from app.models.base import new_public_id, utcnow
from app.models.company import default_timezone
from app.models.document import new_verification_token
from app.services.accounts.passwords import hash_password
from app.services.statistics import cube
from app.services.statistics.disclosure import add_months, first_of_month

SEED = 2023
MONTHS = 15
ORDERS_PER_MONTH = 60
NAME_SUFFIX = "(corridor statistics demo)"


@dataclass(frozen=True)
class Goods:
    hs_code: str
    title: str
    unit_price_minor: int  # US cents per tonne
    sellers: tuple[int, ...]  # indexes into the sellers of the goods' origin
    weights: tuple[int, ...]  # how often each of those sellers ships them


# PK → CN: ores, salt, stone, fertiliser, explosives; CN → PK: chemicals, steel, machinery.
PK_GOODS = (
    Goods("2610.00", "Chromite ore lumps Cr2O3 40 %", 23_500, (0, 1, 2, 3, 4), (3, 3, 2, 2, 2)),
    Goods("2501.00", "Rock salt, industrial grade", 6_500, (0, 1, 2, 3, 5), (2, 2, 2, 2, 2)),
    Goods("2603.00", "Copper concentrate Cu 24 %", 52_000, (4, 5, 1), (12, 1, 1)),
    Goods("2515.11", "Marble blocks", 12_000, (2, 3), (1, 1)),
    Goods("3102.30", "Ammonium nitrate, porous prilled", 39_000, (0, 1, 2, 5), (1, 1, 1, 1)),
    Goods("3602.00", "Emulsion explosive cartridges", 180_000, (0, 1, 5), (2, 1, 1)),
)
CN_GOODS = (
    Goods("2815.11", "Caustic soda flakes", 42_000, (0, 1, 2, 3), (1, 1, 1, 1)),
    Goods("7308.90", "Steel structures for conveyors", 125_000, (0, 1, 2, 3), (1, 1, 1, 1)),
    Goods("8430.41", "Rock drilling rigs", 1_900_000, (1, 2, 3), (1, 1, 1)),
)
# How often each kind of goods ships: chromite and salt are the corridor's bulk trade.
PK_FREQUENCY = (6, 5, 1, 2, 3, 2)
PK_PORTS = ("Karachi", "Port Qasim")
CN_PORTS = ("Shanghai", "Tianjin", "Qingdao")
INCOTERMS = (Incoterm.FOB, Incoterm.CFR, Incoterm.CIF, Incoterm.FCA, Incoterm.DAP)


def _firm(name: str, country: str, sells: bool, n: int) -> Company:
    company = Company(
        legal_name=f"{name} {NAME_SUFFIX}",
        country=country,
        sells=sells,
        buys=not sells,
        address="Generated for the statistics demo",
        city="Karachi" if country == "PK" else "Shanghai",
        tax_id=f"{7000000 + n}-{n % 10}" if country == "PK" else f"91310000DEMO{n:06d}",
        contact_email=f"statistics-demo-{n}@corridor.example",
        reporting_currency="PKR" if country == "PK" else "CNY",
        timezone=default_timezone(country),
        verification_status=VerificationStatus.VERIFIED,
        # Joined over the past years, verified two weeks later (the profile prints both).
        created_at=utcnow() - timedelta(days=400 + 53 * n),
        verification_decided_at=utcnow() - timedelta(days=386 + 53 * n),
    )
    db.session.add(company)
    return company


def _placeholder_pdf(number: str) -> bytes:
    """A valid one-page PDF naming the invoice (generated trade has no printed papers)."""
    text = f"Generated demo invoice {number} (Corridor statistics demo)"
    stream = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number_, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number_ + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _rate_into(currency: str) -> tuple[str, object]:
    return currency, DEMO_RATES[("USD", currency)]


def seed_statistics(today: date | None = None) -> int:
    """Generate the trade once; the number of orders written (0 when already there)."""
    existing = db.session.scalar(
        select(func.count(Order.id))
        .join(Company, Company.id == Order.seller_id)
        .where(Company.legal_name.like(f"%{NAME_SUFFIX}"))
    )
    if existing:
        return 0
    today = today or utcnow().date()
    rng = random.Random(SEED)  # noqa: S311 (a reproducible demo, not a secret)
    pk_sellers = [_firm(f"Indus Trading House {n + 1}", "PK", True, n) for n in range(6)]
    cn_sellers = [_firm(f"Huaxia Industrial Supply {n + 1}", "CN", True, 10 + n) for n in range(4)]
    cn_buyers = [_firm(f"Yangtze Import Co. {n + 1}", "CN", False, 20 + n) for n in range(5)]
    pk_buyers = [_firm(f"Punjab Works Buyer {n + 1}", "PK", False, 30 + n) for n in range(4)]
    db.session.flush()
    placers = {}
    # A random password nobody knows: nobody signs in as a generated firm.
    unknown_password = hash_password(secrets.token_urlsafe(32))
    for buyer in cn_buyers + pk_buyers:
        placers[buyer.id] = User(
            email=f"buyer-{buyer.id}@statistics-demo.corridor.example",
            password_hash=unknown_password,
            full_name="Generated buyer",
            company_role=CompanyRole.PURCHASER,
            company=buyer,
            active=False,
        )
        db.session.add(placers[buyer.id])
    db.session.flush()
    first = add_months(first_of_month(today), -(MONTHS - 1))
    rows = _Rows(
        next_order=(db.session.scalar(select(func.max(Order.id))) or 0) + 1,
        next_document=(db.session.scalar(select(func.max(Document.id))) or 0) + 1,
    )
    for index in range(MONTHS):
        month = add_months(first, index)
        for _ in range(ORDERS_PER_MONTH):
            day = month + timedelta(days=rng.randrange(0, 27))
            if day > today:
                continue
            if rng.random() < 0.6:
                goods = rng.choices(PK_GOODS, PK_FREQUENCY)[0]
                seller = pk_sellers[rng.choices(goods.sellers, goods.weights)[0]]
                # A few Pakistani shipments go to buyers beyond China (direction "other").
                abroad = rng.random() < 0.08
                buyer = rng.choice(cn_buyers)
                loading, discharge = rng.choice(PK_PORTS), rng.choice(CN_PORTS)
                destination = "AE" if abroad else "CN"
                if abroad:
                    discharge = "Jebel Ali"
            else:
                goods = rng.choice(CN_GOODS)
                seller = cn_sellers[rng.choices(goods.sellers, goods.weights)[0]]
                buyer = rng.choice(pk_buyers)
                loading, discharge = rng.choice(CN_PORTS), rng.choice(PK_PORTS)
                destination = "PK"
            tonnes = (
                rng.choice((20, 25, 40, 50, 60))
                if goods.unit_price_minor < 10**6
                else rng.choice((2, 3))
            )
            rows.shipped_order(
                seller,
                buyer,
                placers[buyer.id],
                goods,
                tonnes,
                day,
                (loading, discharge, destination),
                rng,
            )
    rows.insert()
    cube.refresh_orders(cube.orders_touched_since(None))
    cube.bump_version()
    return len(rows.orders)


@dataclass
class _Rows:
    """The generated rows, inserted table by table at the end (one statement per table:
    the seed stays fast); ids are handed out here, after the highest ones stored."""

    next_order: int
    next_document: int
    orders: list[dict[str, object]] = field(default_factory=list)
    lines: list[dict[str, object]] = field(default_factory=list)
    shipments: list[dict[str, object]] = field(default_factory=list)
    documents: list[dict[str, object]] = field(default_factory=list)
    rates: list[dict[str, object]] = field(default_factory=list)
    # The invoice series of the new firms (no one else numbers in them).
    series: dict[tuple[int, int], int] = field(default_factory=dict)

    def shipped_order(
        self,
        seller: Company,
        buyer: Company,
        placer: User,
        goods: Goods,
        tonnes: int,
        day: date,
        route: tuple[str, str, str],
        rng: random.Random,
    ) -> None:
        loading, discharge, destination = route
        order_id, document_id = self.next_order, self.next_document
        self.next_order += 1
        self.next_document += 1
        total = goods.unit_price_minor * tonnes
        placed_at = datetime.combine(day - timedelta(days=30), time(9), tzinfo=UTC)
        shipped_at = datetime.combine(day, time(10), tzinfo=UTC)
        incoterm = rng.choice(INCOTERMS)
        self.orders.append(
            {
                "id": order_id,
                "public_id": new_public_id(),
                "buyer_id": buyer.id,
                "seller_id": seller.id,
                "placed_by_id": placer.id,
                "currency": "USD",
                "incoterm": incoterm,
                "incoterm_place": loading
                if incoterm in (Incoterm.FOB, Incoterm.FCA)
                else discharge,
                "destination_country": destination,
                "destination_port": discharge,
                "consignee": buyer.legal_name,
                "payment_terms": PaymentTerms.ADVANCE,
                "status": OrderStatus.COMPLETED,
                "payment_status": PaymentStatus.PAID,
                "shipment_status": ShipmentStatus.DELIVERED,
                "paid_minor": total,
                "goods_total_minor": total,
                "freight_minor": 0,
                "insurance_minor": 0,
                "total_minor": total,
                "confirmed_ship_date": day + timedelta(days=rng.choice((2, 2, 2, 0, -3))),
                "placed_at": placed_at,
                "updated_at": shipped_at,
            }
        )
        self.lines.append(
            {
                "order_id": order_id,
                "line_no": 1,
                "title": goods.title,
                "hs_code": goods.hs_code,
                "origin_country": seller.country,
                "unit": "TNE",
                "quantity": tonnes,
                "unit_price_minor": goods.unit_price_minor,
                "line_total_minor": total,
                "reserved_quantity": 0,
            }
        )
        self.shipments.append(
            {
                "order_id": order_id,
                "mode": ShipmentMode.SEA,
                "carrier": rng.choice(("COSCO", "PIL", "Maersk")),
                "transport_document_number": f"DEMO{order_id:08d}",
                "port_of_loading": loading,
                "port_of_discharge": discharge,
                "etd": day,
                "eta": day + timedelta(days=18),
                "net_weight_g": tonnes * 1_000_000,
                "gross_weight_g": tonnes * 1_020_000,
                "recorded_at": shipped_at,
            }
        )
        year = day.year
        sequence = self.series[(seller.id, year)] = self.series.get((seller.id, year), 0) + 1
        prefix = "IT" if seller.country == "PK" else "HX"
        number = f"{prefix}{seller.id}-CI-{year}-{sequence:06d}"
        pdf = _placeholder_pdf(number)
        self.documents.append(
            {
                "id": document_id,
                "public_id": new_public_id(),
                "order_id": order_id,
                "issuer_id": seller.id,
                "recipient_id": buyer.id,
                "kind": DocumentKind.COMMERCIAL_INVOICE,
                "year": year,
                "sequence": sequence,
                "number": number,
                "issued_at": shipped_at,
                "issued_on": day,
                "currency": "USD",
                "total_minor": total,
                "data": {"generated": "corridor statistics demo"},
                "verification_token": new_verification_token(),
                "status": DocumentStatus.ISSUED,
                "render_attempts": 0,
                "pdf": pdf,
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "byte_size": len(pdf),
                "rendered_at": shipped_at,
            }
        )
        for party in (seller, buyer):
            currency, rate = _rate_into(party.reporting_currency)
            self.rates.append(
                {
                    "document_id": document_id,
                    "company_id": party.id,
                    "currency": currency,
                    "rate": rate,
                    "rate_date": day,
                    "source": DEMO_SOURCE,
                }
            )

    def insert(self) -> None:
        for model, rows in (
            (Order, self.orders),
            (OrderLine, self.lines),
            (Shipment, self.shipments),
            (Document, self.documents),
            (DocumentRate, self.rates),
        ):
            if rows:
                db.session.execute(insert(model), rows)
        counters = [
            {
                "issuer_id": issuer_id,
                "kind": DocumentKind.COMMERCIAL_INVOICE,
                "year": year,
                "last_number": last,
            }
            for (issuer_id, year), last in self.series.items()
        ]
        if counters:
            db.session.execute(insert(DocumentCounter), counters)
        # PostgreSQL's sequences did not hand out the ids given here: move them past.
        if db.session.get_bind().dialect.name == "postgresql":
            for table in ("orders", "documents"):
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
