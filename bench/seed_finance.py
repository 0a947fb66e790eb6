"""The finance bench's seeding script, run in a fresh process by ``bench/finance.py``: one
invoice through the services, then the books bulk-inserted to mirror it (see the
docstring of ``bench/finance.py``)."""

from __future__ import annotations

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
