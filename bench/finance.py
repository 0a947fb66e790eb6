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
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.finance_scripts import (
    BASELINE,
    BUILD_EXPORT,
    QUERIES,
    START_EXPORT,
    WORKER_BASELINE,
)
from bench.seed_finance import SEED

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

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _plain(url: str) -> str:
    return url.replace("+psycopg", "")


def _json(output: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def _python(script: str, params: dict[str, Any], env: dict[str, str], step: str) -> dict[str, Any]:
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


def register_paths(seeded: dict[str, Any]) -> list[str]:
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
