"""The statistics bench's seeding script, run in a fresh process by ``bench/trade_statistics.py``.

Shipped orders with their line, shipment, commercial invoice and frozen rates are
bulk-inserted (mirroring what ``app/demo/statistics.py`` writes through the ORM), then the
cube is built from them by the code the refresh job runs (``cube.refresh_orders``), timed.
Parameters come in sys.argv[1] as JSON; the result is the last line printed, as JSON.
"""

from __future__ import annotations

SEED = r"""
import hashlib, json, random, sys, time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from app import create_app
from app.database import commit
from app.demo.rates import DEMO_RATES, DEMO_SOURCE
from app.extensions import db
from app.models import (Company, CompanyRole, Document, DocumentKind, DocumentRate,
                        DocumentStatus, Order, OrderLine, OrderStatus, PaymentStatus,
                        PaymentTerms, Shipment, ShipmentStatus, User, VerificationStatus)
from app.models.base import new_public_id, utcnow
from app.models.document import new_verification_token
from app.services.statistics import cube

params = json.loads(sys.argv[1])
INVOICES, SELLERS, BUYERS = params["invoices"], params["sellers"], params["buyers"]
rng = random.Random(20261207)
HEADINGS = ["2610", "2501", "2603", "2515", "3102", "3602", "2815", "7308", "8430", "2841",
            "2804", "3824", "6802", "7202", "7318", "8474"]
PORTS = [("Karachi", "Shanghai"), ("Port Qasim", "Tianjin"), ("Karachi", "Qingdao"),
         ("Shanghai", "Karachi"), ("Tianjin", "Port Qasim"), ("Karachi", "Jebel Ali")]
INCOTERMS = ["FOB", "CFR", "CIF", "FCA", "DAP", "EXW", "DDP"]

app = create_app()
with app.app_context():
    started = time.perf_counter()
    now = utcnow()
    firms = []
    for n in range(SELLERS + BUYERS):
        sells = n < SELLERS
        country = "PK" if n % 3 else "CN"
        firms.append(dict(public_id=new_public_id(), legal_name=f"Bench firm {n}", country=country,
                          sells=sells, buys=not sells, address="Bench", city="Karachi",
                          tax_id=f"{5000000 + n}-1", contact_email=f"bench{n}@example.com",
                          reporting_currency="PKR" if country == "PK" else "CNY",
                          timezone="Asia/Karachi" if country == "PK" else "Asia/Shanghai",
                          verification_status=VerificationStatus.VERIFIED.value, created_at=now))
    db.session.execute(insert(Company), firms)
    ids = db.session.execute(select(Company.id, Company.country, Company.sells)
                             .order_by(Company.id)).all()
    sellers = [(i, c) for i, c, s in ids if s]
    buyers = [(i, c) for i, c, s in ids if not s]
    users = [dict(public_id=new_public_id(), email=f"bench-buyer-{i}@example.com",
                  password_hash="x", full_name="Bench buyer", company_id=i,
                  company_role=CompanyRole.PURCHASER.value, is_operator=False, active=False,
                  session_version=1, created_at=now) for i, _ in buyers]
    db.session.execute(insert(User), users)
    placer = dict(db.session.execute(select(User.company_id, User.id)
                                     .where(User.company_id.in_([i for i, _ in buyers]))).all())
    first_order = (db.session.scalar(select(Order.id).order_by(Order.id.desc()).limit(1)) or 0) + 1
    first_doc = (db.session.scalar(select(Document.id).order_by(Document.id.desc()).limit(1)) or 0) + 1
    today = now.date()
    batch = 5000
    for start in range(0, INVOICES, batch):
        orders, lines, shipments, documents, rates = [], [], [], [], []
        for k in range(start, min(start + batch, INVOICES)):
            order_id, doc_id = first_order + k, first_doc + k
            seller, seller_country = sellers[int(rng.paretovariate(1.2)) % len(sellers)]
            buyer, buyer_country = buyers[rng.randrange(len(buyers))]
            day = today - timedelta(days=rng.randrange(0, 730))
            tonnes = rng.choice((10, 20, 25, 40, 60))
            price = rng.choice((6_500, 23_500, 39_000, 52_000, 125_000))
            total = tonnes * price
            loading, discharge = rng.choice(PORTS)
            orders.append(dict(id=order_id, public_id=new_public_id(), buyer_id=buyer, seller_id=seller,
                placed_by_id=placer[buyer], currency="USD", incoterm=rng.choice(INCOTERMS),
                incoterm_place=loading, destination_country=buyer_country, destination_port=discharge,
                consignee="Bench consignee", payment_terms=PaymentTerms.ADVANCE.value,
                status=OrderStatus.COMPLETED.value, payment_status=PaymentStatus.PAID.value,
                shipment_status=ShipmentStatus.DELIVERED.value, paid_minor=total,
                goods_total_minor=total, freight_minor=0, insurance_minor=0, total_minor=total,
                confirmed_ship_date=day, placed_at=now, updated_at=now))
            lines.append(dict(order_id=order_id, line_no=1, title="Bench goods",
                hs_code=rng.choice(HEADINGS) + "00", origin_country=seller_country, unit="TNE",
                quantity=tonnes, unit_price_minor=price, line_total_minor=total, reserved_quantity=0))
            shipments.append(dict(order_id=order_id, mode="sea", carrier="COSCO",
                transport_document_number=f"B{order_id}", port_of_loading=loading,
                port_of_discharge=discharge, etd=day, eta=day + timedelta(days=18),
                net_weight_g=tonnes * 1_000_000, gross_weight_g=tonnes * 1_020_000, recorded_at=now))
            documents.append(dict(id=doc_id, public_id=new_public_id(), order_id=order_id,
                issuer_id=seller, recipient_id=buyer, kind=DocumentKind.COMMERCIAL_INVOICE.value,
                year=day.year, sequence=k + 1, number=f"BENCH-CI-{k + 1:07d}",
                issued_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC), issued_on=day,
                currency="USD", total_minor=total, data={}, verification_token=new_verification_token(),
                status=DocumentStatus.ISSUED.value, render_attempts=0))
            for company, country in ((seller, seller_country), (buyer, buyer_country)):
                quote = "PKR" if country == "PK" else "CNY"
                rates.append(dict(document_id=doc_id, company_id=company, currency=quote,
                                  rate=DEMO_RATES[("USD", quote)], rate_date=day, source=DEMO_SOURCE))
        for model, rows in ((Order, orders), (OrderLine, lines), (Shipment, shipments),
                            (Document, documents), (DocumentRate, rates)):
            db.session.execute(insert(model), rows)
        commit()
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    order_ids = list(db.session.scalars(select(Order.id)))
    facts = 0
    for start in range(0, len(order_ids), 5000):
        facts += cube.refresh_orders(order_ids[start:start + 5000])
        commit()
    cube.bump_version()
    commit()
    built = time.perf_counter() - started
    print(json.dumps({"seed_s": seeded, "cube_build_s": built, "facts": facts}))
"""
