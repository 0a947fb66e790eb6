"""The scripts ``bench/documents.py`` runs in processes of their own: rendering in one
long-lived process as a worker does, and issuing invoices whose render jobs it times."""

from __future__ import annotations

RENDER = """
import copy, io, json, resource, statistics, time
import pypdf, weasyprint
from weasyprint.text.ffi import harfbuzz_subset

from app import create_app, settle_for_serving
from app.documents.layout import document_html
from app.documents.pdf import document_pdf
from app.documents.render import STATIC_ROOT, STATIC_SCHEME
from app.extensions import db
from app.models import Document

RENDERS, LONG_LINES = %(renders)d, %(long_lines)d
app = create_app()
with app.app_context():
    snapshot = db.session.get(Document, %(invoice_id)d).data
    db.session.rollback()

    def full():
        return document_pdf(snapshot)

    html = document_html(snapshot)
    # Bare WeasyPrint gets the same fonts: our scheme for static files becomes file URLs,
    # which its default fetcher reads.
    bare_html = html.replace(STATIC_SCHEME + "/", STATIC_ROOT.as_uri() + "/")

    def bare():
        return weasyprint.HTML(string=bare_html).write_pdf()

    def cpu():
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    cpus = {"full": [], "bare": []}

    def timed(work):
        started, cpu_started = time.perf_counter(), cpu()
        pdf = work()
        cpus[work.__name__].append((cpu() - cpu_started) * 1000)
        return (time.perf_counter() - started) * 1000, pdf

    full(), bare()  # warm-up: fonts, Pango, Jinja, the fork path
    # Then settled as app.worker settles a job worker: what exists is frozen out of the
    # collector, whose full walks of it otherwise cost ~130 ms every third render.
    settle_for_serving()
    fulls, bares = [], []
    for n in range(RENDERS):
        pair = (full, bare) if n %% 2 == 0 else (bare, full)
        for work in pair:
            ms, pdf = timed(work)
            (fulls if work is full else bares).append(ms)
    full_pdf, bare_pdf = full(), bare()

    long = copy.deepcopy(snapshot)
    lines = snapshot["lines"]
    long["lines"] = []
    for n in range(LONG_LINES):
        line = dict(lines[n %% len(lines)])
        line["no"] = n + 1
        line["title"] = f"{line['title']} (lot {n + 1})"
        long["lines"].append(line)
    goods = sum(line["line_total_minor"] for line in long["lines"])
    amounts = long["amounts"]
    amounts["total_minor"] += goods - amounts["goods_minor"]
    amounts["goods_minor"] = goods
    longs = []
    for _ in range(2):
        started = time.perf_counter()
        long_pdf = document_pdf(long)
        longs.append((time.perf_counter() - started) * 1000)

    def pages(pdf):
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)

    print(json.dumps({
        "full_ms": fulls, "bare_ms": bares, "long_ms": longs,
        "full_cpu_ms": cpus["full"], "bare_cpu_ms": cpus["bare"],
        "full_pages": pages(full_pdf), "full_bytes": len(full_pdf),
        "bare_pages": pages(bare_pdf), "bare_bytes": len(bare_pdf),
        "long_pages": pages(long_pdf), "long_bytes": len(long_pdf),
        "harfbuzz_subset": harfbuzz_subset is not None,
        "weasyprint": weasyprint.__version__,
        "html_chars": len(html),
    }))
"""


# Issue commercial invoices for the bench order in one transaction; the commit queues one
# render job each. Prints their ids and the wall-clock time of the commit.
ENQUEUE = """
import json, time
from sqlalchemy import select
from app import create_app
from app.database import commit
from app.extensions import db
from app.models import DocumentKind, Order, User
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_document

app = create_app()
with app.app_context():
    order = db.session.get(Order, %(order_id)d)
    sales = db.session.scalar(select(User).where(User.email == "sales@docbench.example"))
    ids = [issue_document(Actor(sales), order, DocumentKind.COMMERCIAL_INVOICE).id
           for _ in range(%(count)d)]
    commit()
    print(json.dumps({"ids": ids, "committed_at": time.time()}))
"""
