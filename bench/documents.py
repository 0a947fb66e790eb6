"""Trade-document benchmark: rendering invoices, the job workers, downloads; on PostgreSQL.

A fresh PostgreSQL database, migrated and seeded through the services: a verified seller
(with bank details) and a verified importer, an order of three listings accepted, put in
production and shipped, which issues the proforma and the shipment documents; each is
rendered by the real job (``render_document.call_local``). Then, in one run:

- ``invoice_render_ms``: our full path, ``document_pdf(snapshot)`` in an app context
  (Jinja layout, WeasyPrint PDF/A-3b within its time and memory bounds, Factur-X
  embedding), for the 3-line commercial invoice (1 page), in one process warmed up and
  settled as ``app.worker`` settles a job worker; median over ``BENCH_DOC_RENDERS`` runs;
- ``invoice_render_bare_ms``: bare ``weasyprint.HTML(string=html).write_pdf()`` on the same
  HTML, interleaved with the full path (alternating which goes first) so drift cancels;
- ``invoice_render_overhead_ratio``: full / bare, the median over the interleaved pairs
  (a render that a noisy stretch of the machine slows moves its own pair only; the ratio
  of the two medians is printed beside it);
- ``invoice_render_200_lines_ms``: the full path on a 200-line commercial invoice (the
  same snapshot with its lines repeated to 200 and the totals made to add up again);
- ``documents_per_s_2_workers``: the real consumer (``python -m app.worker
  --workers 2 --worker-type process``), warmed up, then ``BENCH_DOC_JOBS`` commercial
  invoices issued in one transaction; timed from that commit to the last one ISSUED;
- ``invoice_download_rps`` and ``hello_rps_documents``: wrk on ``/bench/hello`` then on
  ``/documents/<id>.pdf`` with the importer's session cookie, same gunicorn, in
  ``BENCH_DOWNLOAD_ROUNDS`` rounds of BENCH_SECONDS / 2 each; the round with the median
  ``invoice_download_to_hello_ratio`` gives all three figures.

Exit status: 0 all well; 1 a step failed or answers were not 2xx; 2 a target missed.
Environment: BENCH_SECONDS (10), BENCH_DOWNLOAD_ROUNDS (3), BENCH_DOC_RENDERS (9),
BENCH_DOC_JOBS (30), BENCH_PG_URL, BENCH_CONNECTIONS, BENCH_WORKERS as for bench/catalog.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.documents_scripts import ENQUEUE, RENDER
from bench.seed_documents import SEED

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
DOWNLOAD_ROUNDS = int(os.environ.get("BENCH_DOWNLOAD_ROUNDS", "3"))
ROUND_SECONDS = max(3, SECONDS // 2)
RENDERS = int(os.environ.get("BENCH_DOC_RENDERS", "9"))
JOBS = int(os.environ.get("BENCH_DOC_JOBS", "30"))
LONG_LINES = 200
PASSWORD = "Document bench passphrase 2026"  # noqa: S105 (throwaway bench database)
BUYER_EMAIL = "purchaser@docbench.example"

TARGETS = {
    "invoice_render_ms": ("<", 800.0),
    "invoice_render_overhead_ratio": ("<=", 1.15),
    "documents_per_s_2_workers": (">=", 2.5),
    "invoice_download_to_hello_ratio": (">=", 0.25),
}

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _plain(url: str) -> str:
    return url.replace("+psycopg", "")


def _sign_in(base: str) -> str:
    """The importer's session cookie, signed in through the login form."""
    session = requests.Session()
    session.headers["User-Agent"] = "corridor-bench"
    page = session.get(base + "/login", timeout=30)
    match = _TOKEN.search(page.text)
    if match is None:
        raise common.BenchError(f"no CSRF token on /login ({page.status_code})")
    response = session.post(
        base + "/login",
        data={"email": BUYER_EMAIL, "password": PASSWORD, "csrf_token": match.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise common.BenchError(f"sign-in failed: {response.status_code}")
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def _wrk_download(base: str, path: str, cookie: str, workdir: Path) -> common.WrkResult:
    """wrk on one path with the session cookie (the shared script counts non-2xx)."""
    script = workdir / f"download-{secrets.token_hex(4)}.lua"
    script.write_text(
        common.WRK_SCRIPT % {"paths": f'"{path}"', "cold": "false", "threads": common.WRK_THREADS}
    )
    args = ["wrk", f"-t{common.WRK_THREADS}", f"-c{common.CONNECTIONS}", f"-d{ROUND_SECONDS}s"]
    args += ["--timeout", "10s", "--latency", "-s", str(script)]
    args += ["-H", f"Cookie: {cookie}", "-H", "User-Agent: corridor-bench", base + "/"]
    output = common.run(args, dict(os.environ), "wrk download", timeout=ROUND_SECONDS + 30)
    result = common.parse_wrk(output)
    transfer = re.search(r"Transfer/sec:\s+(\S+)", output)
    drained = common.drain(base)
    common.note(
        f"wrk download: {result.rps:.1f} req/s, p50 {result.p50_ms:.1f} ms, p99"
        f" {result.p99_ms:.1f} ms, {result.requests} requests, {result.non_2xx} non-2xx"
        f" (first {result.first_bad_status}), {result.socket_errors} socket errors,"
        f" {transfer.group(1) if transfer else '?'}/s; server idle again after {drained:.1f} s"
    )
    return result


def _statuses(database_url: str, ids: list[int]) -> dict[str, int]:
    with psycopg.connect(_plain(database_url)) as connection:
        rows = connection.execute(
            "SELECT status, count(*) FROM documents WHERE id = ANY(%s) GROUP BY status", (ids,)
        ).fetchall()
    return {str(status): int(count) for status, count in rows}


def _wait_issued(database_url: str, ids: list[int], limit: float) -> float:
    """Poll until every id is ISSUED; returns the wall-clock time it was first seen so."""
    deadline = time.monotonic() + min(limit, common.remaining("render jobs"))
    while True:
        statuses = _statuses(database_url, ids)
        now = time.time()
        if statuses.get("issued", 0) == len(ids):
            return now
        if statuses.get("failed"):
            raise common.BenchError(f"render jobs failed: {statuses}")
        if time.monotonic() > deadline:
            raise common.BenchError(f"render jobs not done within {limit:.0f} s: {statuses}")
        time.sleep(0.02)


def _enqueue(env: dict[str, str], order_id: int, count: int) -> tuple[list[int], float]:
    output = common.run(
        [sys.executable, "-c", ENQUEUE % {"order_id": order_id, "count": count}],
        env,
        "issue documents",
    )
    data = json.loads(output.strip().splitlines()[-1])
    return list(data["ids"]), float(data["committed_at"])


def _worker_rate(database_url: str, workdir: Path, order_id: int) -> tuple[float, float]:
    """Documents/s of two consumer processes: (rate, seconds) for JOBS documents."""
    instance = workdir / "worker-instance"
    env = common.flask_env(database_url, instance)
    # The consumer's own queue, polled every 50-250 ms (the default backs off to 10 s when
    # idle, which would time the poll, not the rendering).
    env["HUEY_SQLITE_PATH"] = str(workdir / "worker-queue.sqlite3")
    log = workdir / "huey.log"
    args = [str(common.BIN / "python"), "-m", "app.worker", "--workers", "2"]
    args += ["--worker-type", "process", "--delay", "0.05", "--max-delay", "0.25"]
    args += ["--backoff", "1.1", "--no-periodic"]
    with log.open("w") as log_file:
        process = subprocess.Popen(
            args,
            cwd=common.ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            # Warm-up: each worker process renders its first document (fonts, Pango caches).
            ids, _ = _enqueue(env, order_id, 4)
            _wait_issued(database_url, ids, 120)
            ids, committed_at = _enqueue(env, order_id, JOBS)
            done_at = _wait_issued(database_url, ids, 300)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
    errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
    if errors:
        raise common.BenchError(f"the consumer logged errors:\n{log.read_text()[-3000:]}")
    seconds = done_at - committed_at
    runs = sorted(
        float(v) for v in re.findall(r"render_document: \S+ executed in ([\d.]+)s", log.read_text())
    )
    if runs:
        common.note(
            "consumer: render jobs (warm-up included) took"
            f" {runs[len(runs) // 2] * 1000:.0f} ms median, {runs[-1] * 1000:.0f} ms slowest"
        )
    return JOBS / seconds, seconds


def main() -> int:
    started = time.monotonic()
    machine = common.machine()
    common.note(f"machine: {machine['cpus']} CPUs, {machine['cpu']}, {machine['memory']}")
    common.note("load average before: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    figures: dict[str, float] = {}
    try:
        with common.migrated_scratch("docbench") as (database_url, workdir, instance, env):
            output = common.run(
                [
                    sys.executable,
                    "-c",
                    SEED % {"password": PASSWORD, "buyer_email": BUYER_EMAIL},
                ],
                env,
                "seed",
            )
            seeded = json.loads(output.strip().splitlines()[-1])
            common.note(
                f"seeded order of {seeded['lines']} lines; documents {', '.join(seeded['kinds'])};"
                f" commercial invoice {seeded['invoice_bytes']} bytes"
            )
            if seeded["not_issued"]:
                raise common.BenchError(f"documents not rendered: {seeded['not_issued']}")
            common.checkpoint(database_url)

            # 1. Rendering, in one long-lived process like a job worker.
            output = common.run(
                [
                    sys.executable,
                    "-c",
                    RENDER
                    % {
                        "invoice_id": seeded["invoice_id"],
                        "renders": RENDERS,
                        "long_lines": LONG_LINES,
                    },
                ],
                env,
                "render timings",
            )
            render = json.loads(output.strip().splitlines()[-1])
            full = sorted(render["full_ms"])
            bare = sorted(render["bare_ms"])
            pairs = sorted(f / b for f, b in zip(render["full_ms"], render["bare_ms"], strict=True))
            full_ms = full[len(full) // 2]
            bare_ms = bare[len(bare) // 2]
            long_ms = sorted(render["long_ms"])[len(render["long_ms"]) // 2]
            common.note(
                f"WeasyPrint {render['weasyprint']}, HarfBuzz subsetting"
                f" {'available' if render['harfbuzz_subset'] else 'MISSING (fontTools fallback)'}"
                f" (weasyprint.text.ffi.harfbuzz_subset is"
                f" {'not ' if render['harfbuzz_subset'] else ''}None)"
            )
            common.note(
                "full path ms: "
                + ", ".join(f"{v:.0f}" for v in render["full_ms"])
                + f"; {render['full_pages']} page(s), {render['full_bytes']} bytes (PDF/A-3b +"
                f" factur-x.xml); HTML {render['html_chars']} characters"
            )
            common.note(
                "bare WeasyPrint ms: "
                + ", ".join(f"{v:.0f}" for v in render["bare_ms"])
                + f"; {render['bare_pages']} page(s), {render['bare_bytes']} bytes"
            )
            common.note(
                f"{LONG_LINES}-line invoice ms: "
                + ", ".join(f"{v:.0f}" for v in render["long_ms"])
                + f"; {render['long_pages']} pages read back with pypdf,"
                f" {render['long_bytes']} bytes"
            )
            full_cpu = sorted(render["full_cpu_ms"])[len(full) // 2]
            bare_cpu = sorted(render["bare_cpu_ms"])[len(bare) // 2]
            common.note(
                f"CPU time (process + forked child), median: full path {full_cpu:.0f} ms,"
                f" bare {bare_cpu:.0f} ms, ratio {full_cpu / bare_cpu:.3f}"
            )
            common.note(
                f"full/bare per interleaved pair: median {pairs[len(pairs) // 2]:.3f},"
                f" range {pairs[0]:.2f}-{pairs[-1]:.2f}"
            )
            figures["invoice_render_ms"] = full_ms
            figures["invoice_render_bare_ms"] = bare_ms
            overhead = pairs[len(pairs) // 2]
            common.note(f"median full / median bare: {full_ms / bare_ms:.3f}")
            figures["invoice_render_overhead_ratio"] = overhead
            figures["invoice_render_200_lines_ms"] = long_ms
            common.emit("invoice_render_ms", full_ms, "ms")
            common.emit("invoice_render_bare_ms", bare_ms, "ms")
            common.emit("invoice_render_overhead_ratio", overhead, "ratio")
            common.emit("invoice_render_200_lines_ms", long_ms, "ms")

            # 2. Downloads beside hello, same gunicorn, same run.
            path = f"/documents/{seeded['invoice_public_id']}.pdf"
            with common.gunicorn(database_url, instance, workdir / "gunicorn.log") as base:
                cookie = _sign_in(base)
                check = requests.get(
                    base + path,
                    headers={"Cookie": cookie, "User-Agent": "corridor-bench"},
                    allow_redirects=False,
                    timeout=30,
                )
                if check.status_code != 200 or not check.content.startswith(b"%PDF"):
                    raise common.BenchError(
                        f"download answered {check.status_code} {check.headers}"
                    )
                # Rounds of hello then download; the figures are the middle round's by
                # ratio, so a noisy stretch of the machine moves one round, not the result.
                rounds = []
                for _ in range(DOWNLOAD_ROUNDS):
                    hello = common.wrk(base, ["/bench/hello"], ROUND_SECONDS, workdir)
                    download = _wrk_download(base, path, cookie, workdir)
                    rounds.append((download.rps / hello.rps if hello.rps else 0.0, hello, download))
            errors = common.server_errors(workdir / "gunicorn.log")
            rounds.sort(key=lambda item: item[0])
            ratio, hello, download = rounds[len(rounds) // 2]
            common.note(
                "download/hello by round: " + ", ".join(f"{item[0]:.3f}" for item in rounds)
            )
            figures["invoice_download_to_hello_ratio"] = ratio
            common.emit("hello_rps_documents", hello.rps, "req/s")
            common.emit("invoice_download_rps", download.rps, "req/s")
            common.emit("invoice_download_to_hello_ratio", ratio, "ratio")
            common.note(f"download: {len(check.content)} bytes a request (the stored PDF)")

            # 3. Two job worker processes, the real consumer.
            rate, seconds = _worker_rate(database_url, workdir, seeded["order_id"])
            figures["documents_per_s_2_workers"] = rate
            common.emit("documents_per_s_2_workers", rate, "documents/s")
            common.note(
                f"{JOBS} commercial invoices issued in one commit, all ISSUED {seconds:.2f} s"
                " later (python -m app.worker --workers 2 --worker-type process, warmed up)"
            )
            bad = sum(
                result.non_2xx + result.socket_errors
                for _, *results in rounds
                for result in results
            )
            if bad or errors:
                common.note(f"ERROR: {bad} non-2xx or socket errors; server errors: {errors[:3]}")
                return 1
    except common.BenchError as error:
        common.note(f"ERROR: {error}")
        return 1
    finally:
        common.note("load average after: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
        common.note(f"documents bench took {time.monotonic() - started:.0f} s")
    missed = common.missed_targets(TARGETS, figures)
    for line in missed:
        common.note(f"target missed: {line}")
    return 2 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
