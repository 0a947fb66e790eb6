"""Statistics benchmark: the public trade statistics page on a cube of 100,000 shipped invoices.

A fresh SQLite database in a temporary folder, migrated; ``BENCH_STAT_INVOICES`` (100,000)
shipped orders with their commercial invoice, shipment and frozen rates bulk-inserted by
``bench/seed_statistics.py`` (120 sellers of skewed sizes, 300 buyers, 16 headings, six
port pairs, seven Incoterms, over the last 24 months); the cube is then built from those
invoices by ``cube.refresh_orders``, the code the refresh job runs (``statistics_cube_build_s``).

gunicorn serves ``bench.wsgi_bench:app`` (``--workers`` CPUs, ``--threads 1``). Each of 12
statistics URLs (the default page, rows by heading, port pair, direction and Incoterm
group, filters by direction, chapter and port, each measure, an earlier year, the CSV and
the JSON download) is asked once first: ``statistics_first_view_ms`` is the slowest of
those first answers (the cube aggregated and disclosure control run for a filter set no
worker has cached). The clients then ask for them until no answer takes a second (every
worker has every filter set: a filter set is computed once per process and cube version,
and the day's shipments do not change the version, since their month is not published).
Then ``BENCH_CLIENTS`` (8) Python clients ask for the URLs in turn for ``BENCH_SECONDS``
(10), and the same clients ask ``/bench/hello`` for as long:

- ``statistics_page_rps``: statistics answers a second;
- ``hello_rps_statistics``: hello answers a second, same server, same clients;
- ``statistics_to_hello_ratio``: their ratio (target >= 0.10, issue #23).

A Python client rather than wrk: the ratio compares two loads made the same way.
Exit status 0 (target met), 1 (errors), 2 (target missed).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    BIN,
    WORKERS,
    BenchError,
    emit,
    flask_env,
    get,
    gunicorn,
    load,
    machine,
    note,
    run,
    server_errors,
)
from bench.seed_statistics import SEED

INVOICES = int(os.environ.get("BENCH_STAT_INVOICES", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
TARGET_RATIO = 0.10

URLS = (
    "/statistics",
    "/statistics?by=heading",
    "/statistics?by=ports",
    "/statistics?by=direction&measure=weight",
    "/statistics?by=incoterm&measure=shipments",
    "/statistics?direction=pk_cn&by=heading",
    "/statistics?chapter=26&by=heading",
    "/statistics?loading=Karachi&by=ports",
    "/statistics?incoterm=F",
    "/statistics/download.csv?by=heading",
    "/statistics/download.json",
    "/statistics?direction=cn_pk&by=incoterm",
)


def _load(base: str, paths: tuple[str, ...], seconds: int) -> tuple[int, int, float]:
    """(answers, failures, slowest ms) from CLIENTS clients asking ``paths`` in turn for
    ``seconds``."""
    stop = time.monotonic() + seconds
    counts = [0] * CLIENTS
    failures = [0] * CLIENTS
    slowest = [0.0] * CLIENTS

    def client(index: int) -> None:
        n = index
        while time.monotonic() < stop:
            url = base + paths[n % len(paths)]
            n += 1
            asked = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
                    response.read()
                    counts[index] += 1
                    slowest[index] = max(slowest[index], (time.perf_counter() - asked) * 1000)
            except OSError:
                failures[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), sum(failures), max(slowest)


def _warm(base: str) -> None:
    """Until every worker has every filter set cached: each process computes a filter set
    once per cube version, which is the cold figure above, not the steady state."""
    for _ in range(30):
        _, _, slowest = _load(base, URLS, 5)
        if slowest < 1000:
            return
    note("still cold requests after 150 s of warming")


def main() -> int:
    info = machine()
    note(
        f"machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']}; invoices {INVOICES};"
        f" {CLIENTS} clients x {SECONDS}s; gunicorn -w {WORKERS} --threads 1; load {load()}"
    )
    with tempfile.TemporaryDirectory(prefix="corridor-statbench-") as tmp:
        workdir = Path(tmp)
        instance = workdir / "instance"
        instance.mkdir()
        database = f"sqlite:///{workdir / 'statistics.sqlite3'}"
        env = flask_env(database, instance)
        try:
            run([str(BIN / "flask"), "db", "upgrade"], env, "migrate", timeout=300)
            params = json.dumps({"invoices": INVOICES, "sellers": 120, "buyers": 300})
            output = run([str(BIN / "python"), "-c", SEED, params], env, "seed", timeout=3000)
            seeded = json.loads(output.strip().splitlines()[-1])
            note(f"seeded {INVOICES} invoices in {seeded['seed_s']:.1f} s; {seeded['facts']} facts")
            emit("statistics_cube_build_s", float(seeded["cube_build_s"]), "s")
            log = workdir / "gunicorn.log"
            with gunicorn(database, instance, log) as base:
                first = []
                for path in URLS:
                    asked = time.perf_counter()
                    status, _ = get(base + path, timeout=120)
                    first.append((time.perf_counter() - asked) * 1000)
                    if status != 200:
                        raise BenchError(f"{path} answered {status}")
                emit("statistics_first_view_ms", max(first), "ms")
                _warm(base)
                pages, page_failures, _ = _load(base, URLS, SECONDS)
                hellos, hello_failures, _ = _load(base, ("/bench/hello",), SECONDS)
                errors = server_errors(log)
            if page_failures or hello_failures or errors:
                raise BenchError(
                    f"failures: {page_failures} pages, {hello_failures} hello; {errors[:3]}"
                )
        except BenchError as error:
            print(f"!!! BENCHMARK FAILED: {error}", flush=True)
            return 1
    page_rps, hello_rps = pages / SECONDS, hellos / SECONDS
    ratio = page_rps / hello_rps if hello_rps else 0.0
    emit("statistics_page_rps", page_rps, "req/s")
    emit("hello_rps_statistics", hello_rps, "req/s")
    emit("statistics_to_hello_ratio", ratio, "ratio")
    note(f"target statistics_to_hello_ratio >= {TARGET_RATIO}; load {load()}")
    return 0 if ratio >= TARGET_RATIO else 2


if __name__ == "__main__":
    sys.exit(main())
