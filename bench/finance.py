"""Finance benchmark: the invoice register page and the ZIP of 1,000 PDFs, on PostgreSQL.

A fresh PostgreSQL database (``corridor_finbench_<hex>``, dropped at the end), migrated. One
commercial invoice goes through the services (an order shipped with its milestones,
``issue_document`` numbering it, freezing both parties' rates and its snapshot,
``store_rendered_pdf`` storing its bytes); the rest of the books are bulk-inserted with
SQLAlchemy core inserts that mirror that invoice's rows: ``BENCH_FIN_INVOICES`` commercial
invoices (default 10,000; 97 % issued by the seller to 300 buyers of skewed sizes, 3 %
received from 10 suppliers), each on its own order, over the last 24 months, in USD, CNY and
EUR, paid, partly paid or unpaid by age (so some are overdue), with 500 credit notes, the
two ``DocumentRate`` rows each document freezes, and stored PDF bytes: a ``%PDF-1.7``
header, ``BENCH_FIN_PDF_KB`` (30-60) KB of random, incompressible bytes and ``%%EOF``, with
their SHA-256 (not rendered: WeasyPrint's 1-page invoice is about 180 KB, mostly
compressed font subsets, which a ZIP cannot shrink either). Each order also gets the other
papers a shipped order has (proforma, packing list, certificate of origin, shipping marks,
with a 3 KB placeholder PDF), since they share the table the register reads. Exactly
``BENCH_FIN_ZIP`` (1,000) of the seller's invoices are in EUR. Then, in one run:

- ``register_page_p50_ms`` / ``register_page_p99_ms``: ``BENCH_FIN_REQUESTS`` (300)
  sequential requests (one at a time: the latency one person sees, no queueing) to
  ``/finance/invoices`` with a mix of 12 filter sets (none, overdue, one counterparty, a date
  range, a number search, largest first, page 20, ...), through gunicorn serving
  ``bench.wsgi_bench:app``, signed in as the seller's finance user; each is followed by a
  request to ``/bench/hello`` (same session cookie, same server), which gives
  ``hello_p99_ms_finance`` and ``register_page_to_hello_p99_ratio``;
- ``register_page_queries``: the most SQL statements one register request sends (each URL of
  the mix, warm, in-process through the Flask test client, counted with a
  ``before_cursor_execute`` listener on the engine); in the same pass
  ``register_page_cpu_ms`` (mean over the mix) and ``register_page_cpu_max_ms`` (the
  costliest URL): CPU time a request, this process's plus its PostgreSQL backend's (parallel
  query off for that session), which busy neighbours hardly inflate: about what the latency
  would be on an idle machine;
- ``export_zip_1000_s``: ``start_export`` for the EUR filter (as the register's button does,
  in its own process), then the job ``build_register_zip.call_local(export_id)`` in a fresh
  process, as a worker runs it; timed from the call to its return, status checked ``done``;
  the ZIP is opened: 1,000 PDFs and ``manifest.csv``, every digest matching;
- ``export_zip_1000_peak_mb``: that job process's peak RSS (``ru_maxrss``), beside
  ``export_zip_baseline_peak_mb`` (a process that creates the app and does nothing else),
  the difference, and ``export_zip_worker_baseline_peak_mb`` (a process that imports
  ``app.worker``, as the consumer does, which warms WeasyPrint up with a sample invoice).

Exit status: 0 all well; 1 a step failed or answers were not 2xx; 2 a target missed.
Environment: BENCH_FIN_INVOICES (10000), BENCH_FIN_ZIP (1000), BENCH_FIN_REQUESTS (300),
BENCH_FIN_PDF_KB (30-60), BENCH_PG_URL, BENCH_WORKERS as for bench/catalog.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import sys
import time
import zipfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import catalog as common

INVOICES = int(os.environ.get("BENCH_FIN_INVOICES", "10000"))
ZIP_INVOICES = int(os.environ.get("BENCH_FIN_ZIP", "1000"))
REQUESTS = int(os.environ.get("BENCH_FIN_REQUESTS", "300"))
IN_PROCESS_REPEATS = 5
PDF_KB = [int(v) for v in os.environ.get("BENCH_FIN_PDF_KB", "30-60").split("-", 1)]
CREDIT_NOTES = max(1, INVOICES // 20)
BUYERS = 300
SUPPLIERS = 10
PASSWORD = "Finance bench passphrase 2026"  # noqa: S105 (throwaway bench database)
FINANCE_EMAIL = "finance@finbench.example"

TARGETS = {
    "register_page_p99_ms": ("<", 150.0),
    "register_page_queries": ("<=", 5),
    "export_zip_1000_s": ("<", 10.0),
    "export_zip_1000_peak_mb": ("<", 200.0),
}

# Parameters come in sys.argv[1] as JSON; the result is the last line printed, as JSON.
SEED = r"""
import hashlib, json, random, sys, time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select, text

from app import create_app
from app.database import commit
from app.demo.rates import DEMO_RATES, DEMO_SOURCE, add_daily_rates
from app.extensions import db
from app.models import (Company, CompanyRole, Document, DocumentCounter, DocumentKind,
                        DocumentRate, DocumentStatus, Incoterm, Order, OrderLine, OrderStatus,
                        PaymentStatus, PaymentTerms, ShipmentStatus, User)
from app.models.base import new_public_id, utcnow
from app.models.document import new_verification_token
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_document, store_rendered_pdf
from app.services.accounts.passwords import hash_password
from app.services.payments.milestones import create_milestones, on_shipment

params = json.loads(sys.argv[1])
INVOICES, ZIP_INVOICES = params["invoices"] - 1, params["zip_invoices"]  # + the model
CREDIT_NOTES, BUYERS, SUPPLIERS = params["credit_notes"], params["buyers"], params["suppliers"]
rng = random.Random(20261127)
started = time.perf_counter()
timings = {}


def fake_pdf():
    # Stored PDFs are compressed streams already: random bytes behave alike in a ZIP.
    body = rng.randbytes(rng.randint(params["pdf_kb"][0] * 1024, params["pdf_kb"][-1] * 1024))
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + body + b"\n%%EOF\n"


def rate(base, quote):
    if base == quote:
        return Decimal(1), "same currency"
    if (base, quote) in DEMO_RATES:
        return DEMO_RATES[(base, quote)], DEMO_SOURCE
    inverse = (Decimal(1) / DEMO_RATES[(quote, base)]).quantize(Decimal("1e-12"))
    return inverse, DEMO_SOURCE + " (inverse)"


app = create_app()
with app.app_context():
    db.session.execute(text("SET synchronous_commit = off"))
    today = utcnow().date()
    password = hash_password(params["password"])
    seller = Company(legal_name="Bench Minerals (Pvt) Ltd", country="PK", sells=True, buys=True,
                     address="Plot 7, SITE Industrial Area", city="Karachi", postal_code="75700",
                     tax_id="1234567-8", sales_tax_registration="0301987654321",
                     contact_email="exports@finbench.example", reporting_currency="PKR",
                     verification_status="verified", bank_beneficiary="Bench Minerals (Pvt) Ltd",
                     bank_name="Habib Bank Limited", bank_account="PK36HABB0000001123456702",
                     bank_swift="HABBPKKA", bank_address="I.I. Chundrigar Road, Karachi")
    db.session.add(seller)
    finance = User(email=params["finance_email"], full_name="Farah Finance",
                   password_hash=password, company=seller, company_role=CompanyRole.FINANCE)
    sales = User(email="sales@finbench.example", full_name="Sana Sales", password_hash=password,
                 company=seller, company_role=CompanyRole.SALES)
    db.session.add_all([finance, sales])
    buyers, purchasers = [], []
    for n in range(BUYERS):
        chinese = n % 5 != 4
        buyer = Company(
            legal_name=f"{'Shanghai' if chinese else 'Gulf'} Bench Trading {n:03d} Co Ltd",
            country="CN" if chinese else "AE", sells=False, buys=True,
            address=f"Room {1000 + n}, Trade Tower", city="Shanghai" if chinese else "Dubai",
            tax_id=f"9131{n:014d}", contact_email=f"import{n}@finbench.example",
            reporting_currency="CNY" if chinese else "USD", verification_status="verified",
            document_prefix=None)
        purchaser = User(email=f"buyer{n}@finbench.example", full_name=f"Buyer {n}",
                         password_hash=password, company=buyer,
                         company_role=CompanyRole.PURCHASER)
        buyers.append(buyer)
        purchasers.append(purchaser)
    suppliers = []
    for n in range(SUPPLIERS):
        suppliers.append(Company(
            legal_name=f"Karachi Supply {n:02d} (Pvt) Ltd", country="PK", sells=True,
            buys=False, address="Korangi Industrial Area", city="Karachi",
            tax_id=f"{7000000 + n}-{n}", contact_email=f"supply{n}@finbench.example",
            reporting_currency="PKR", verification_status="verified",
            document_prefix=f"KS{n:02d}"))
    db.session.add_all(buyers + purchasers + suppliers)
    db.session.flush()

    # One invoice through the services: the rows the bulk insert mirrors.
    issued_on = today - timedelta(days=10)
    add_daily_rates(issued_on - timedelta(days=7), today)
    model = Order(
        seller=seller, buyer=buyers[0], placed_by=purchasers[0], currency="USD",
        incoterm=Incoterm.FOB, incoterm_place="Karachi", destination_country="CN",
        destination_port="Shanghai", consignee="Shanghai Bench Trading 000, Pudong, Shanghai",
        payment_terms=PaymentTerms.DEPOSIT_BALANCE_BL, status=OrderStatus.SHIPPED,
        shipment_status=ShipmentStatus.SHIPPED, buyer_po_number="PO-MODEL-1",
        goods_total_minor=2_650_000, total_minor=2_650_000,
        placed_at=datetime.combine(issued_on - timedelta(days=30), datetime.min.time(), UTC),
        lines=[OrderLine(line_no=1, title="Chromite ore lumps Cr2O3 40 %", hs_code="261000",
                         origin_country="PK", unit="TNE", quantity=100, unit_price_minor=26500,
                         line_total_minor=2_650_000, net_weight_g=1_000_000,
                         gross_weight_g=1_010_000)])
    db.session.add(model)
    db.session.flush()
    create_milestones(model, issued_on - timedelta(days=25))
    on_shipment(model, issued_on)
    issued_at = datetime.combine(issued_on, datetime.min.time(), UTC) + timedelta(hours=9)
    invoice = issue_document(Actor(sales), model, DocumentKind.COMMERCIAL_INVOICE,
                             issued_at=issued_at)
    db.session.flush()
    store_rendered_pdf(invoice.id, fake_pdf())
    commit()
    model_id, model_invoice_id = model.id, invoice.id
    documents, orders, lines = Document.__table__, Order.__table__, OrderLine.__table__
    conn = db.session.connection()
    template_doc = dict(conn.execute(select(documents).where(documents.c.id == model_invoice_id)).mappings().one())
    template_order = dict(conn.execute(select(orders).where(orders.c.id == model_id)).mappings().one())
    template_line = dict(conn.execute(select(lines).where(lines.c.order_id == model_id)).mappings().one())
    for row in (template_doc, template_order, template_line):
        row.pop("id")
    snapshot = template_doc["data"]
    timings["companies_and_model_s"] = time.perf_counter() - started

    # The books: who, when, what currency, how paid.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(BUYERS)]
    received = INVOICES * 3 // 100
    issued_count = INVOICES - received
    eur = set(rng.sample(range(issued_count), min(ZIP_INVOICES, issued_count)))
    specs = []
    for n in range(INVOICES):
        issued_here = n < issued_count
        if issued_here:
            buyer_index = rng.choices(range(BUYERS), weights)[0]
            issuer, recipient = seller, buyers[buyer_index]
            placed_by = purchasers[buyer_index]
            currency = "EUR" if n in eur else ("CNY" if rng.random() < 0.18 else "USD")
        else:
            issuer, recipient, placed_by = rng.choice(suppliers), seller, finance
            currency = "USD"
        age = rng.randint(1, 730)
        issued = (datetime.combine(today - timedelta(days=age), datetime.min.time(), UTC)
                  + timedelta(hours=rng.randint(5, 17), minutes=rng.randint(0, 59)))
        specs.append((issuer, recipient, placed_by, currency, age, issued))
    specs.sort(key=lambda spec: spec[5])

    counters = {}
    for issuer_id, kind, year, last in conn.execute(select(
            DocumentCounter.issuer_id, DocumentCounter.kind, DocumentCounter.year,
            DocumentCounter.last_number)):
        counters[(issuer_id, DocumentKind(kind), year)] = last

    def number_for(issuer, kind, year):
        key = (issuer.id, kind, year)
        counters[key] = counters.get(key, 0) + 1
        prefix = issuer.document_prefix or "BM"
        code = "CI" if kind is DocumentKind.COMMERCIAL_INVOICE else "CN"
        return counters[key], f"{prefix}-{code}-{year}-{counters[key]:06d}"

    seller.document_prefix = seller.document_prefix or "BM"
    now = utcnow()
    order_rows, line_rows, payment = [], [], []
    for n, (issuer, recipient, placed_by, currency, age, issued) in enumerate(specs):
        quantity = rng.randint(5, 600)
        unit_price = rng.choice([26500, 41000, 8800, 125000, 3300, 67000])
        total = quantity * unit_price
        # Older invoices are mostly paid; the rest owe a balance (30 % deposit paid) or all.
        roll = rng.random()
        paid_share, partly_share = (0.85, 0.08) if age > 120 else (0.30, 0.25)
        if roll < paid_share:
            paid, due, status = total, None, PaymentStatus.PAID
        elif roll < paid_share + partly_share:
            paid, status = total * 3 // 10, PaymentStatus.PARTLY_PAID
            due = (issued + timedelta(days=rng.choice([0, 30, 60]))).date()
        else:
            paid, status = 0, PaymentStatus.UNPAID
            due = (issued + timedelta(days=rng.choice([0, 30]))).date()
        payment.append((total, paid))
        order_rows.append({
            **template_order,
            "public_id": new_public_id(), "buyer_id": recipient.id, "seller_id": issuer.id,
            "placed_by_id": placed_by.id, "buyer_po_number": f"PO-{issued.year}-{n:05d}",
            "currency": currency, "consignee": f"{recipient.legal_name}, {recipient.city}",
            "status": OrderStatus.COMPLETED if status is PaymentStatus.PAID and age > 60 else OrderStatus.SHIPPED,
            "payment_status": status, "shipment_status": ShipmentStatus.SHIPPED,
            "paid_minor": paid, "next_due_on": due, "goods_total_minor": total,
            "freight_minor": 0, "insurance_minor": 0, "total_minor": total,
            "confirmed_ship_date": (issued - timedelta(days=3)).date(),
            "placed_at": issued - timedelta(days=rng.randint(20, 60)), "updated_at": issued,
        })
        line_rows.append({**template_line, "quantity": quantity, "unit_price_minor": unit_price,
                          "line_total_minor": total})
    order_ids = list(conn.execute(
        insert(orders).returning(orders.c.id, sort_by_parameter_order=True), order_rows).scalars())
    for line, order_id in zip(line_rows, order_ids, strict=True):
        line["order_id"] = order_id
    conn.execute(insert(lines), line_rows)
    timings["orders_s"] = time.perf_counter() - started

    by_id = {company.id: company for company in [seller, *buyers, *suppliers]}
    reporting = {company_id: company.reporting_currency for company_id, company in by_id.items()}
    pdf_bytes = 0

    def document_row(kind, issuer, recipient, order_id, currency, total, issued, corrects_id):
        global pdf_bytes
        sequence, number = number_for(issuer, kind, issued.year)
        pdf = fake_pdf()
        pdf_bytes += len(pdf)
        data = dict(snapshot)
        data["number"] = number
        data["kind"] = kind.value
        return {
            **template_doc,
            "public_id": new_public_id(), "order_id": order_id, "issuer_id": issuer.id,
            "recipient_id": recipient.id, "kind": kind, "year": issued.year,
            "sequence": sequence, "number": number, "issued_at": issued,
            "issued_by_id": (sales if kind is DocumentKind.COMMERCIAL_INVOICE else finance).id
            if issuer is seller else None,
            "corrects_id": corrects_id, "currency": currency, "total_minor": total,
            "data": data, "verification_token": new_verification_token(),
            "status": DocumentStatus.ISSUED, "render_attempts": 1, "render_error": None,
            "pdf": pdf, "sha256": hashlib.sha256(pdf).hexdigest(), "byte_size": len(pdf),
            "rendered_at": issued + timedelta(seconds=rng.randint(1, 30)),
        }

    def rate_rows(document_ids, rows):
        out = []
        for document_id, row in zip(document_ids, rows, strict=True):
            for company_id in (row["issuer_id"], row["recipient_id"]):
                value, source = rate(row["currency"], reporting[company_id])
                out.append({"document_id": document_id, "company_id": company_id,
                            "currency": reporting[company_id], "rate": value,
                            "rate_date": row["issued_at"].date(), "source": source})
        return out

    invoice_ids, invoice_rows = [], []
    batch = []

    def flush_documents():
        ids = list(conn.execute(
            insert(documents).returning(documents.c.id, sort_by_parameter_order=True),
            batch).scalars())
        conn.execute(insert(DocumentRate.__table__), rate_rows(ids, batch))
        for row in batch:
            row.pop("pdf")
            row.pop("data")
        invoice_rows.extend(batch)
        invoice_ids.extend(ids)
        batch.clear()

    for (issuer, recipient, _by, currency, _age, issued), order_id, (total, _paid) in zip(
            specs, order_ids, payment, strict=True):
        batch.append(document_row(DocumentKind.COMMERCIAL_INVOICE, issuer, recipient, order_id,
                                  currency, total, issued, None))
        if len(batch) == 250:
            flush_documents()
    if batch:
        flush_documents()
    timings["invoices_s"] = time.perf_counter() - started

    # Credit notes against some of the seller's invoices, a few days to two months later.
    credited = rng.sample([i for i, row in enumerate(invoice_rows) if row["issuer_id"] == seller.id],
                          CREDIT_NOTES)
    credit_rows = []
    for index in sorted(credited, key=lambda i: invoice_rows[i]["issued_at"]):
        row = invoice_rows[index]
        issued = min(row["issued_at"] + timedelta(days=rng.randint(3, 60)), now - timedelta(hours=1))
        amount = row["total_minor"] * rng.choice([5, 10, 20, 35]) // 100
        credit_rows.append(document_row(DocumentKind.CREDIT_NOTE, seller,
                                        by_id[row["recipient_id"]], row["order_id"],
                                        row["currency"], amount, issued, invoice_ids[index]))
    for start in range(0, len(credit_rows), 250):
        chunk = credit_rows[start:start + 250]
        ids = list(conn.execute(
            insert(documents).returning(documents.c.id, sort_by_parameter_order=True),
            chunk).scalars())
        # A credit note carries its invoice's rates.
        conn.execute(insert(DocumentRate.__table__), rate_rows(ids, chunk))
    timings["credit_notes_s"] = time.perf_counter() - started

    # The other papers of each shipped order (proforma, packing list, certificate of
    # origin, shipping marks) share the table the register scans. Their PDFs are outside
    # the register and the ZIP: a 3 KB incompressible placeholder stands in, which like a
    # real PDF is stored out of line (TOAST), so the table's rows are as wide as real ones.
    placeholder = rng.randbytes(3000)
    conn.execute(text(
        "INSERT INTO documents (order_id, issuer_id, recipient_id, kind, year, sequence,"
        " number, issued_at, issued_by_id, currency, total_minor, data, verification_token,"
        " status, render_attempts, pdf, sha256, byte_size, rendered_at, public_id)"
        " SELECT d.order_id, d.issuer_id, d.recipient_id, k.kind, d.year, d.sequence,"
        " replace(d.number, '-CI-', '-' || k.code || '-'), d.issued_at, d.issued_by_id,"
        " CASE WHEN k.kind = 'proforma_invoice' THEN d.currency END,"
        " CASE WHEN k.kind = 'proforma_invoice' THEN d.total_minor END, d.data,"
        " substr(md5(random()::text || d.id || k.code), 1, 22), 'issued', 1, :pdf, :sha,"
        " :size, d.rendered_at, substr(md5(random()::text || k.code || d.id), 1, 16)"
        " FROM documents d CROSS JOIN (VALUES ('proforma_invoice', 'PI'),"
        " ('packing_list', 'PL'), ('certificate_of_origin', 'CO'), ('shipping_marks', 'SM'))"
        " AS k(kind, code) WHERE d.kind = 'commercial_invoice'"),
        {"pdf": placeholder, "sha": hashlib.sha256(placeholder).hexdigest(),
         "size": len(placeholder)})
    conn.execute(text(
        "INSERT INTO document_counters (issuer_id, kind, year, last_number)"
        " SELECT issuer_id, kind, year, max(sequence) FROM documents"
        " GROUP BY issuer_id, kind, year ON CONFLICT (issuer_id, kind, year)"
        " DO UPDATE SET last_number = EXCLUDED.last_number"))
    commit()
    timings["other_documents_s"] = time.perf_counter() - started
    # VACUUM as well as ANALYZE: the state autovacuum leaves a table in. Without it the
    # first autovacuum of the bulk load runs during the measurements and competes with them.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as maintenance:
        maintenance.execute(text("VACUUM ANALYZE"))
        # And write the load out now: a checkpoint of ~800 MB during the measurements
        # would stall them on the disk.
        maintenance.execute(text("CHECKPOINT"))
    timings["analyze_s"] = time.perf_counter() - started

    register = db.session.execute(text(
        "SELECT count(*) FILTER (WHERE kind = 'commercial_invoice'),"
        " count(*) FILTER (WHERE kind = 'credit_note'),"
        " count(*) FILTER (WHERE kind = 'commercial_invoice' AND currency = 'EUR'"
        "   AND issuer_id = :s),"
        " count(*) FILTER (WHERE kind = 'commercial_invoice' AND issuer_id <> :s)"
        " FROM documents WHERE issuer_id = :s OR recipient_id = :s"), {"s": seller.id}).one()
    mix = db.session.execute(text(
        "SELECT count(*) FILTER (WHERE o.paid_minor >= d.total_minor),"
        " count(*) FILTER (WHERE o.paid_minor > 0 AND o.paid_minor < d.total_minor),"
        " count(*) FILTER (WHERE o.paid_minor = 0),"
        " count(*) FILTER (WHERE o.paid_minor < d.total_minor AND o.next_due_on < :t)"
        " FROM documents d JOIN orders o ON o.id = d.order_id"
        " WHERE d.kind = 'commercial_invoice'"), {"t": today}).one()
    per_buyer = db.session.execute(text(
        "SELECT c.public_id, count(*) FROM documents d JOIN companies c ON c.id = d.recipient_id"
        " WHERE d.issuer_id = :s AND d.kind = 'commercial_invoice'"
        " GROUP BY c.public_id ORDER BY count(*) DESC"), {"s": seller.id}).all()
    sizes = db.session.execute(text(
        "SELECT pg_size_pretty(pg_total_relation_size('documents')),"
        " pg_size_pretty(pg_database_size(current_database())),"
        " (SELECT count(*) FROM documents)")).one()
    print(json.dumps({
        "seller_id": seller.id,
        "finance_id": finance.id,
        "invoices": register[0], "credit_notes": register[1], "eur_issued": register[2],
        "received": register[3],
        "paid": mix[0], "partly": mix[1], "unpaid": mix[2], "overdue": mix[3],
        "top_counterparty": list(per_buyer[0]), "mid_counterparty": list(per_buyer[len(per_buyer) // 2]),
        "counterparties": len(per_buyer),
        "pdf_bytes": pdf_bytes, "documents_size": sizes[0], "database_size": sizes[1], "documents": sizes[2],
        "timings": timings,
    }))
"""

# Each URL of the mix, warm, in-process: statements per request, wall time, and CPU time:
# this process's plus that of the PostgreSQL backend serving it (from schedstat, in ns), with
# parallel query off for that session so no worker process's CPU goes uncounted. CPU time
# hardly grows when other processes compete for the cores, so it tells what an idle
# machine would give when wall times cannot.
QUERIES = r"""
import json, re, sys, time
from sqlalchemy import event, text

from app.extensions import db
from bench.wsgi_bench import app

params = json.loads(sys.argv[1])
client = app.test_client()
page = client.get("/login")
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
signed_in = client.post("/login", data={"email": params["email"], "password": params["password"],
                                        "csrf_token": token})
assert signed_in.status_code == 302, signed_in.status_code
for path in params["paths"]:
    client.get(path)  # warm: templates compiled, caches filled
with app.app_context():
    engine = db.engine
    db.session.execute(text("SET max_parallel_workers_per_gather = 0"))
    db.session.commit()  # a SET rolled back would be undone
    backends = list(db.session.scalars(text(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")))
    db.session.rollback()


def database_cpu():
    return sum(int(open(f"/proc/{pid}/schedstat").read().split()[0]) for pid in backends) / 1e9


statements = []


@event.listens_for(engine, "before_cursor_execute")
def record(conn, cursor, statement, parameters, context, executemany):
    statements.append(statement)


result = {}
for path in params["paths"]:
    walls, app_cpu, db_cpu = [], 0.0, 0.0
    for _ in range(params["repeats"]):
        statements.clear()
        started, cpu, database = time.perf_counter(), time.process_time(), database_cpu()
        response = client.get(path)
        walls.append((time.perf_counter() - started) * 1000)
        app_cpu += time.process_time() - cpu
        db_cpu += database_cpu() - database
        assert response.status_code == 200, (path, response.status_code)
    body = response.get_data(as_text=True)
    result[path] = {
        "statements": len(statements), "ms": sorted(walls)[len(walls) // 2],
        "app_cpu_ms": app_cpu * 1000 / params["repeats"],
        "db_cpu_ms": db_cpu * 1000 / params["repeats"],
        "rows": body.count("<tr data-number="),
        "first": [s.split()[0] + " " + " ".join(s.split()[1:6]) for s in statements]}
print(json.dumps({"paths": result, "backends": len(backends)}))
"""

# The register's ZIP button, as the web request runs it: prints the export's id and total.
START_EXPORT = r"""
import json, sys, time
from app import create_app
from app.database import commit
from app.extensions import db
from app.models import Company, User
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.finance.register import RegisterFilter
from app.services.finance.register_zip import start_export

params = json.loads(sys.argv[1])
app = create_app()
with app.app_context():
    user = db.session.get(User, params["finance_id"])
    company = db.session.get(Company, params["seller_id"])
    started = time.perf_counter()
    export = start_export(Actor(user), company, RegisterFilter.from_args(params["filter"]),
                          utcnow().date())
    export_id, total = export.id, export.total
    commit()
    print(json.dumps({"export_id": export_id, "total": total,
                      "ms": (time.perf_counter() - started) * 1000}))
"""

# The job as a worker runs it, in a process of its own so its peak RSS is the build's.
BUILD_EXPORT = r"""
import json, resource, sys, time
from app import create_app
from app.extensions import db
from app.models import RegisterExport
from app.services.finance.register_zip import zip_path
from app.tasks.exports import build_register_zip

params = json.loads(sys.argv[1])
app = create_app()
with app.app_context():
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    cpu = time.process_time()
    build_register_zip.call_local(params["export_id"])
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    db.session.expire_all()
    export = db.session.get(RegisterExport, params["export_id"])
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_kb": peak_kb,
                      "before_kb": before_kb, "status": export.status.value,
                      "done": export.done, "total": export.total,
                      "byte_size": export.byte_size, "error": export.error,
                      "path": str(zip_path(export))}))
"""

# What a process costs before it does anything: the app imported and created, the job
# module imported (the same imports as BUILD_EXPORT), an app context opened.
BASELINE = r"""
import json, resource
from app import create_app
from app.extensions import db
from app.models import RegisterExport
from app.services.finance.register_zip import zip_path
from app.tasks.exports import build_register_zip

app = create_app()
with app.app_context():
    print(json.dumps({"peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

# A job worker as the consumer starts it: app.worker renders a sample invoice to warm the
# caches (WeasyPrint, fonts), so a ZIP job run there starts from this peak, not BASELINE's.
WORKER_BASELINE = r"""
import json, resource
import app.worker

print(json.dumps({"peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _plain(url: str) -> str:
    return url.replace("+psycopg", "")


def _json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def _python(script: str, params: dict, env: dict[str, str], step: str) -> dict:
    return _json(common.run([sys.executable, "-c", script, json.dumps(params)], env, step))


def _sign_in(base: str) -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = "corridor-bench"
    page = session.get(base + "/login", timeout=30)
    match = _TOKEN.search(page.text)
    if match is None:
        raise common.BenchError(f"no CSRF token on /login ({page.status_code})")
    response = session.post(
        base + "/login",
        data={"email": FINANCE_EMAIL, "password": PASSWORD, "csrf_token": match.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise common.BenchError(f"sign-in failed: {response.status_code}")
    return session


def register_paths(seeded: dict) -> list[str]:
    """The filter mix: what finance staff look at, most often the plain register."""
    today = time.strftime("%Y-%m-%d", time.gmtime())
    quarter = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 91 * 86400))
    year = time.gmtime().tm_year - 1
    top, mid = seeded["top_counterparty"][0], seeded["mid_counterparty"][0]
    base = "/finance/invoices"
    return [
        base,
        f"{base}?status=overdue",
        f"{base}?counterparty={top}",
        f"{base}?date_from={quarter}&date_to={today}",
        f"{base}?q=CI-{year}-0001",
        f"{base}?sort=-amount",
        f"{base}?page=20",
        f"{base}?direction=received&status=unpaid",
        f"{base}?currency=EUR&amount_min=5000&amount_max=50000&sort=due",
        f"{base}?aging=31-60",
        f"{base}?kind=credit_note&sort=counterparty&q=po-{year}-004",
        f"{base}?counterparty={mid}&status=partly_paid",
    ]


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with 300 samples, p99 is the 297th fastest."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


def _latency(base: str, paths: list[str]) -> tuple[list[float], list[float], dict[str, float]]:
    """REQUESTS register pages one at a time, each followed by a hello; client-side ms."""
    session = _sign_in(base)
    for path in paths * 2:  # warm both workers: templates compiled, caches filled
        response = session.get(base + path, timeout=30)
        if response.status_code != 200:
            raise common.BenchError(f"{path} answered {response.status_code}")
    register: list[float] = []
    hello: list[float] = []
    slowest: dict[str, float] = {}
    for n in range(REQUESTS):
        path = paths[n % len(paths)]
        started = time.perf_counter()
        response = session.get(base + path, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise common.BenchError(f"{path} answered {response.status_code}")
        register.append(elapsed)
        slowest[path] = max(slowest.get(path, 0.0), elapsed)
        if elapsed > 200:
            common.note(f"slow request {n}: {elapsed:.0f} ms {path}")
        started = time.perf_counter()
        response = session.get(base + "/bench/hello", timeout=30)
        hello.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise common.BenchError(f"/bench/hello answered {response.status_code}")
    return register, hello, slowest


def _check_zip(path: Path, expected: int) -> tuple[int, int]:
    """Every PDF of the ZIP is listed in the manifest with its digest: (PDFs, bytes)."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if names[-1] != "manifest.csv":
            raise common.BenchError(f"the ZIP's last entry is {names[-1]!r}, not manifest.csv")
        manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
        pdfs = [name for name in names if name.endswith(".pdf")]
        if len(pdfs) != expected or len(manifest) != expected or len(names) != expected + 1:
            raise common.BenchError(
                f"the ZIP holds {len(pdfs)} PDFs, {len(manifest)} manifest rows,"
                f" {len(names)} entries; expected {expected} + manifest"
            )
        listed = {row["file"]: row for row in manifest}
        total = 0
        for name in pdfs:
            content = archive.read(name)
            total += len(content)
            row = listed.get(name)
            if (
                row is None
                or hashlib.sha256(content).hexdigest() != row["sha256"]
                or not content.startswith(b"%PDF")
            ):
                raise common.BenchError(f"{name} is not what the manifest lists")
    return len(pdfs), total


def main() -> int:
    started = time.monotonic()
    machine = common.machine()
    common.note(f"machine: {machine['cpus']} CPUs, {machine['cpu']}, {machine['memory']}")
    common.note("load average before: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    figures: dict[str, float] = {}
    try:
        with common.migrated_scratch("finbench") as (database_url, workdir, instance, env):
            seed_started = time.perf_counter()
            seeded = _python(
                SEED,
                {
                    "invoices": INVOICES,
                    "zip_invoices": ZIP_INVOICES,
                    "credit_notes": CREDIT_NOTES,
                    "buyers": BUYERS,
                    "suppliers": SUPPLIERS,
                    "password": PASSWORD,
                    "finance_email": FINANCE_EMAIL,
                    "pdf_kb": PDF_KB,
                },
                env,
                "seed",
            )
            common.note(
                f"seeded in {time.perf_counter() - seed_started:.1f} s: {seeded['invoices']}"
                f" commercial invoices ({seeded['received']} received) and"
                f" {seeded['credit_notes']} credit notes with {seeded['counterparties']} buyers;"
                f" invoices paid {seeded['paid']}, partly paid {seeded['partly']}, unpaid"
                f" {seeded['unpaid']}, overdue {seeded['overdue']}; largest buyer"
                f" {seeded['top_counterparty'][1]} invoices; PDFs"
                f" {seeded['pdf_bytes'] / 1e6:.0f} MB; {seeded['documents']} documents of all kinds"
                f" (table {seeded['documents_size']},"
                f" database {seeded['database_size']}); steps (cumulative s): "
                + ", ".join(f"{k} {v:.1f}" for k, v in seeded["timings"].items())
            )
            if seeded["eur_issued"] != ZIP_INVOICES:
                raise common.BenchError(f"{seeded['eur_issued']} EUR invoices, not {ZIP_INVOICES}")

            # 1. The register page: queries in-process, latency through gunicorn.
            paths = register_paths(seeded)
            measured = _python(
                QUERIES,
                {
                    "email": FINANCE_EMAIL,
                    "password": PASSWORD,
                    "paths": paths,
                    "repeats": IN_PROCESS_REPEATS,
                },
                env,
                "count statements",
            )
            counted = measured["paths"]
            for path, found in counted.items():
                common.note(
                    f"in-process median {found['ms']:.1f} ms; CPU app {found['app_cpu_ms']:.1f}"
                    f" + database {found['db_cpu_ms']:.1f} ms; {found['statements']} statements,"
                    f" {found['rows']} rows: {path}"
                )
            worst = max(counted.values(), key=lambda found: found["statements"])
            common.note("statements of the busiest request: " + " | ".join(worst["first"]))
            queries = max(found["statements"] for found in counted.values())
            cpu = {path: f["app_cpu_ms"] + f["db_cpu_ms"] for path, f in counted.items()}
            app_cpu = sum(f["app_cpu_ms"] for f in counted.values()) / len(counted)
            db_cpu = sum(f["db_cpu_ms"] for f in counted.values()) / len(counted)
            with common.gunicorn(database_url, instance, workdir / "gunicorn.log") as base:
                register, hello, slowest = _latency(base, paths)
            errors = common.server_errors(workdir / "gunicorn.log")
            if errors:
                raise common.BenchError(f"server errors: {errors[:3]}")
            p50, p99 = _percentile(register, 0.5), _percentile(register, 0.99)
            hello_p50, hello_p99 = _percentile(hello, 0.5), _percentile(hello, 0.99)
            common.note(
                "slowest of each URL (ms): "
                + ", ".join(
                    f"{v:.0f} {k.removeprefix('/finance/invoices')}"
                    for k, v in sorted(slowest.items(), key=lambda item: -item[1])
                )
            )
            figures["register_page_p99_ms"] = p99
            figures["register_page_queries"] = queries
            common.emit("register_page_p50_ms", p50, "ms")
            common.emit("register_page_p99_ms", p99, "ms")
            common.emit("register_page_queries", queries, "statements")
            common.emit("hello_p50_ms_finance", hello_p50, "ms")
            common.emit("hello_p99_ms_finance", hello_p99, "ms")
            common.emit("register_page_to_hello_p99_ratio", p99 / hello_p99, "ratio")
            common.emit("register_page_cpu_ms", app_cpu + db_cpu, "ms")
            common.emit("register_page_cpu_max_ms", max(cpu.values()), "ms")
            common.note(
                f"CPU a request, mean over the mix: app {app_cpu:.1f} ms + database"
                f" {db_cpu:.1f} ms ({measured['backends']} backend(s)); the costliest URL"
                f" {max(cpu, key=cpu.__getitem__).removeprefix('/finance/invoices') or '(none)'}"
            )

            # 2. The ZIP of the seller's EUR invoices, exactly ZIP_INVOICES of them.
            chosen = {"kind": "commercial_invoice", "direction": "issued", "currency": "EUR"}
            asked = _python(
                START_EXPORT,
                {
                    "finance_id": seeded["finance_id"],
                    "seller_id": seeded["seller_id"],
                    "filter": chosen,
                },
                env,
                "start export",
            )
            if asked["total"] != ZIP_INVOICES:
                raise common.BenchError(f"the export holds {asked['total']}, not {ZIP_INVOICES}")
            baseline = _python(BASELINE, {}, env, "baseline process")
            worker = _python(WORKER_BASELINE, {}, env, "worker baseline process")
            built = _python(BUILD_EXPORT, {"export_id": asked["export_id"]}, env, "build ZIP")
            if built["status"] != "done":
                raise common.BenchError(f"the export ended {built['status']}: {built['error']}")
            pdfs, pdf_bytes = _check_zip(Path(built["path"]), ZIP_INVOICES)
            peak_mb = built["peak_kb"] / 1024
            baseline_mb = baseline["peak_kb"] / 1024
            common.note(
                f"start_export (the request's part) {asked['ms']:.0f} ms; the job: wall"
                f" {built['seconds']:.2f} s, CPU {built['cpu_s']:.2f} s; ZIP"
                f" {built['byte_size'] / 1e6:.1f} MB, {pdfs} PDFs ({pdf_bytes / 1e6:.1f} MB)"
                f" + manifest.csv, every digest checked; peak RSS before the job"
                f" {built['before_kb'] / 1024:.1f} MB"
            )
            figures["export_zip_1000_s"] = built["seconds"]
            figures["export_zip_1000_peak_mb"] = peak_mb
            common.emit("export_zip_1000_s", built["seconds"], "s")
            common.emit("export_zip_1000_peak_mb", peak_mb, "MB")
            common.emit("export_zip_baseline_peak_mb", baseline_mb, "MB")
            common.emit("export_zip_1000_peak_delta_mb", peak_mb - baseline_mb, "MB")
            common.emit("export_zip_worker_baseline_peak_mb", worker["peak_kb"] / 1024, "MB")
    except common.BenchError as error:
        common.note(f"ERROR: {error}")
        return 1
    finally:
        common.note("load average after: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
        common.note(f"finance bench took {time.monotonic() - started:.0f} s")
    missed = common.missed_targets(TARGETS, figures)
    for line in missed:
        common.note(f"target missed: {line}")
    return 2 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
