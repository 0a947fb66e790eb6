"""Catalogue benchmark: gunicorn + wrk on a seeded catalogue, SQLite then PostgreSQL.

Run by ``make bench``. For each database it seeds ``BENCH_PRODUCTS`` listings (default
100,000) with ``flask bench seed-catalog``, serves ``bench.wsgi_bench:app`` with gunicorn on
a free loopback port and loads it with wrk at 32 connections:

- ``catalog_search``: a fixed list of catalogue URLs, browse pages (category, origin, stock,
  Incoterm, price and sort filters, later pages) and search pages (words, with and without
  filters) alternating 50/50; every page carries its facet counts;
- ``catalog_cold``: the same pages, each request with a price ceiling never asked before, so
  no process can answer from its facet cache (the worst case, for information);
- ``product_page``: listing pages of published products spread over the id range;
- ``hello``: ``/bench/hello`` of the same app and server, the baseline of the ratios.

The four run in turn, ``BENCH_ROUNDS`` times, with one more hello at the end; a ratio is
taken per round against the mean of the hello runs before and after it, and every figure
printed is the median over the rounds.

Prints ``BENCH <name> <value> <unit>`` lines (names suffixed ``_pg`` for PostgreSQL).
Exit status: 0 all well; 1 errors (non-2xx answers, socket errors, server tracebacks, a
step that failed or ran out of time); 2 a speed target missed.

Environment: BENCH_PRODUCTS (100000), BENCH_SECONDS per wrk run (10), BENCH_ROUNDS (3),
BENCH_WARMUP seconds per workload (10), BENCH_CONNECTIONS (32), BENCH_WORKERS gunicorn
workers (the number of CPUs), BENCH_PG=0 or BENCH_SQLITE=0 to skip a database,
BENCH_SETUP_SQL to run SQL on each seeded database before serving (what-if runs, e.g.
"CREATE INDEX ...; ANALYZE"), BENCH_PG_URL (postgresql+psycopg://postgres@127.0.0.1:5432/),
BENCH_DEADLINE for the whole run in seconds (3600). The seeded SQLite file is cached in
instance/bench/, keyed by the product count, the migration head and the seeding code.
After every wrk run the script waits until the server has finished the requests wrk left
in flight, so no run inherits another's backlog.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CACHE_DIR = ROOT / "instance" / "bench"

PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
WITH_PG = os.environ.get("BENCH_PG", "1") != "0"
WITH_SQLITE = os.environ.get("BENCH_SQLITE", "1") != "0"
# What-if only: SQL run on each seeded database before serving (e.g. an index the
# catalogue might want, or ANALYZE). Figures then describe a schema the app does not have.
SETUP_SQL = os.environ.get("BENCH_SETUP_SQL", "").strip()
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/")
DEADLINE = time.monotonic() + int(os.environ.get("BENCH_DEADLINE", "3600"))
WARMUP_SECONDS = int(os.environ.get("BENCH_WARMUP", "10"))
# A page that takes longer than this alone is reported as failed before any load.
PAGE_TIMEOUT = 30
# Longest wait for the server to finish what a wrk run left behind (gunicorn's timeout is 60).
DRAIN_SECONDS = 120
WRK_THREADS = 2

# Targets, checked in this run against this run's baseline.
TARGETS = {"catalog_to_hello_ratio": 0.10}

# Browse pages (no words) and search pages (words), alternated: a 50/50 mix.
BROWSE = (
    "/catalog",
    "/catalog?page=2",
    "/catalog?category=minerals&page=2",
    "/catalog?origin=PK&in_stock=1&sort=price_asc",
    "/catalog?category=explosives",
    "/catalog?category=chromite&sort=price_asc",
    "/catalog?origin=CN&category=metals",
    "/catalog?currency=USD&price_max=500&category=chemicals",
    "/catalog?incoterm=FOB&category=construction",
    "/catalog?dangerous=1&category=chemicals&page=3",
    "/catalog?dangerous=0&sort=newest&page=5",
    "/catalog?category=machinery&sort=price_desc",
    "/catalog?category=nitrates&origin=PK&in_stock=1",
    "/catalog?currency=PKR&sort=price_asc&page=2",
    "/catalog?category=steel&incoterm=CIF",
    "/catalog?origin=TR",
)
SEARCH = (
    "/catalog?q=emulsion",
    "/catalog?q=chromite+ore&currency=USD",
    "/catalog?q=detonators&in_stock=1",
    "/catalog?q=ammonium+nitrate&origin=PK",
    "/catalog?q=copper+cathodes&sort=price_asc",
    "/catalog?q=rebar",
    "/catalog?q=261000",
    "/catalog?q=barite+api&page=2",
    "/catalog?q=himalayan+salt",
    "/catalog?q=karakoram",
    "/catalog?q=granite&category=construction",
    "/catalog?q=jaw+crusher",
    "/catalog?q=sulphuric+acid&incoterm=CIF",
    "/catalog?q=toluene&dangerous=1",
    "/catalog?q=portland+cement",
    "/catalog?q=button+bits&sort=price_desc",
)
PRODUCT_PATH = "/products/{}"
CATALOG_MIX = tuple(path for pair in zip(BROWSE, SEARCH, strict=True) for path in pair)

WRK_SCRIPT = """
local paths = {%(paths)s}
local cold = %(cold)s
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  first_bad = 0
  counter = id * 7919
end

function request()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  if cold then
    -- A price ceiling no request asked before: a new filter set, a facet cache miss.
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. sep .. "currency=USD&price_max=" .. (1000000 + counter * %(threads)d + id)
  end
  return wrk.format("GET", path)
end

"""

# The end of every wrk script here: threads count the answers outside 2xx and report them
# as ``NON2XX <count> <first status>`` (read by ``parse_wrk``). A script names its threads
# in ``setup`` as ``threads`` and sets ``bad = 0; first_bad = 0`` in ``init``.
WRK_TALLY = """
function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local total, status = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
    if status == 0 then status = thread:get("first_bad") end
  end
  io.write(string.format("NON2XX %d %d\\n", total, status))
end
"""
WRK_SCRIPT += WRK_TALLY.replace("%", "%%")


class BenchError(RuntimeError):
    """A step failed: the run reports it and exits non-zero."""


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    first_bad_status: int
    socket_errors: int


@dataclass(frozen=True)
class Database:
    label: str  # "sqlite" or "pg"
    url: str
    suffix: str  # appended to figure names


def remaining(step: str) -> float:
    left = DEADLINE - time.monotonic()
    if left <= 0:
        raise BenchError(f"BENCH_DEADLINE reached before {step}")
    return left


def emit(name: str, value: float | int, unit: str) -> None:
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"BENCH {name} {text} {unit}", flush=True)


def note(message: str) -> None:
    print(f"# {message}", flush=True)


# -- machine and code identity -----------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "memory": memory}


def migration_head() -> str:
    """The revision no other migration names as its down_revision."""
    revisions: dict[str, str | None] = {}
    for path in (ROOT / "migrations" / "versions").glob("*.py"):
        source = path.read_text()
        revision = re.search(r"^revision\s*=\s*['\"]([^'\"]+)", source, re.MULTILINE)
        down = re.search(r"^down_revision\s*=\s*['\"]([^'\"]+)", source, re.MULTILINE)
        if revision:
            revisions[revision.group(1)] = down.group(1) if down else None
    heads = sorted(set(revisions) - {d for d in revisions.values() if d})
    return "+".join(heads) or "none"


def seed_code_digest() -> str:
    """Changes when the seeding code or the schema it writes changes (even in place)."""
    digest = hashlib.sha256()
    paths = [ROOT / "app" / "cli" / "bench.py", ROOT / "app" / "services" / "categories.py"]
    paths += sorted((ROOT / "migrations" / "versions").glob("*.py"))
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


# -- processes ---------------------------------------------------------------------------


def flask_env(database_url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "FLASK_DEBUG"}}
    env.update(
        CORRIDOR_CONFIG="development",
        DATABASE_URL=database_url,
        CORRIDOR_INSTANCE_DIR=str(instance),
        SECRET_KEY=secrets.token_urlsafe(48),
        FLASK_APP="wsgi.py",
        HUEY_SQLITE_PATH=str(instance / "queue.sqlite3"),
        RATELIMIT_STORAGE_URI="memory://",
        PYTHONUNBUFFERED="1",
    )
    return env


def run(args: Sequence[str], env: dict[str, str], step: str, timeout: float = 900) -> str:
    limit = min(timeout, remaining(step))
    try:
        completed = subprocess.run(
            list(args),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{step}: no answer within {limit:.0f} s") from error
    if completed.returncode != 0:
        raise BenchError(
            f"{step} failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )
    return completed.stdout


def seed(database_url: str, instance: Path) -> None:
    env = flask_env(database_url, instance)
    run([str(BIN / "flask"), "db", "upgrade"], env, "flask db upgrade")
    started = time.perf_counter()
    output = run(
        [str(BIN / "flask"), "bench", "seed-catalog", "--products", str(PRODUCTS)],
        env,
        "flask bench seed-catalog",
    )
    note(f"{output.strip()} (command took {time.perf_counter() - started:.1f} s)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


@contextlib.contextmanager
def gunicorn(database_url: str, instance: Path, log: Path) -> Iterator[str]:
    """Serve bench.wsgi_bench:app on a free loopback port; yields the base URL."""
    port = free_port()
    env = flask_env(database_url, instance)
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(WORKERS),
                "--threads",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--log-level",
                "warning",
                "bench.wsgi_bench:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + min(60, remaining("gunicorn start"))
            while True:
                if process.poll() is not None:
                    raise BenchError(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
                with contextlib.suppress(OSError):
                    if get(base + "/bench/hello", timeout=2)[0] == 200:
                        break
                if time.monotonic() > deadline:
                    raise BenchError("gunicorn did not answer within 60 s")
                time.sleep(0.2)
            yield base
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # Our own session: the master and the workers it forked, nothing else.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# -- wrk ---------------------------------------------------------------------------------

_DURATION = re.compile(r"([\d.]+)(us|ms|s|m)\b")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = _DURATION.search(text)
    if not match:
        raise BenchError(f"cannot read a duration in {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    bad = re.search(r"^NON2XX (\d+) (\d+)", output, re.MULTILINE)
    if not (rps and p50 and p99 and total and bad):
        raise BenchError(f"cannot read wrk's output:\n{output}")
    socket_errors = 0
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        socket_errors = sum(int(group) for group in errors.groups())
    return WrkResult(
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        requests=int(total.group(1)),
        non_2xx=int(bad.group(1)),
        first_bad_status=int(bad.group(2)),
        socket_errors=socket_errors,
    )


def wrk(
    base: str, paths: Sequence[str], seconds: int, workdir: Path, cold: bool = False
) -> WrkResult:
    script = workdir / f"mix-{secrets.token_hex(4)}.lua"
    quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    script.write_text(
        WRK_SCRIPT % {"paths": quoted, "cold": "true" if cold else "false", "threads": WRK_THREADS}
    )
    args = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        base + "/",
    ]
    output = run(args, dict(os.environ), "wrk", timeout=seconds + 30)
    with (workdir / "wrk.log").open("a") as log:
        log.write(f"== {base} {paths[:2]} cold={cold}\n{output}\n")
    result = parse_wrk(output)
    label = "hello" if list(paths) == ["/bench/hello"] else f"{len(paths)} paths"
    drained = drain(base)
    note(
        f"wrk {label}{' cold' if cold else ''}: {result.rps:.1f} req/s, p50 {result.p50_ms:.1f} ms,"
        f" p99 {result.p99_ms:.1f} ms, {result.requests} requests, {result.non_2xx} non-2xx,"
        f" {result.socket_errors} socket errors; server idle again after {drained:.1f} s"
    )
    return result


def drain(base: str) -> float:
    """Wait until the requests wrk left behind are done (hello answers at once again).

    wrk stops with up to one request per connection still queued or running; a sync
    worker finishes them even though nobody waits. Without this, one run's leftovers
    would slow the next run down.
    """
    started = time.monotonic()
    deadline = started + min(DRAIN_SECONDS, remaining("drain"))
    quick = 0
    while quick < 3:
        if time.monotonic() > deadline:
            raise BenchError(f"the server stayed busy {DRAIN_SECONDS} s after a wrk run")
        asked = time.monotonic()
        with contextlib.suppress(OSError):
            if get(base + "/bench/hello", timeout=DRAIN_SECONDS)[0] == 200:
                quick = quick + 1 if time.monotonic() - asked < 0.25 else 0
    return time.monotonic() - started


# -- one database ------------------------------------------------------------------------


def sample_product_ids(database: Database, count: int = 200) -> list[str]:
    """Public ids of published listings spread evenly over the id range."""
    sql = (
        "SELECT p.public_id FROM products p JOIN companies c ON c.id = p.seller_id"
        " WHERE p.status = 'published' AND c.verification_status <> 'suspended'"
        " ORDER BY p.id"
    )
    if database.label == "sqlite":
        path = database.url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path)) as connection:
            ids = [row[0] for row in connection.execute(sql)]
    else:
        import psycopg

        with psycopg.connect(database.url.replace("postgresql+psycopg", "postgresql")) as conn:
            ids = [row[0] for row in conn.execute(sql)]
    if not ids:
        raise BenchError("the seeded database holds no published listings")
    step = max(1, len(ids) // count)
    return ids[::step][:count]


def check_pages(base: str, paths: Sequence[str], log: Path) -> None:
    """Every URL of the mixes answers 200 before any load: a clear error, not a rate.

    Each is fetched once, cold (nothing cached yet): the slowest are named, since a page
    that takes seconds alone will time out under load.
    """
    failures: list[str] = []
    timings: list[tuple[float, str]] = []
    for path in paths:
        started = time.perf_counter()
        try:
            status, _body = get(base + path, timeout=PAGE_TIMEOUT)
        except OSError as error:
            failures.append(f"no answer within {PAGE_TIMEOUT} s ({error}) {path}")
            continue
        timings.append((time.perf_counter() - started, path))
        if status != 200:
            failures.append(f"{status} {path}")
    slowest = sorted(timings, reverse=True)[:5]
    note("slowest first fetches: " + ", ".join(f"{t * 1000:.0f} ms {p}" for t, p in slowest))
    if failures:
        shown = "\n  ".join(failures[:10])
        more = f"\n  ... and {len(failures) - 10} more" if len(failures) > 10 else ""
        tail = log.read_text(errors="replace")[-3000:]
        raise BenchError(f"pages that failed:\n  {shown}{more}\nserver log:\n{tail}")


def server_errors(log: Path) -> list[str]:
    text = log.read_text(errors="replace")
    return [
        line
        for line in text.splitlines()
        if "Traceback" in line or "[ERROR]" in line or "WORKER TIMEOUT" in line
    ]


def bench_database(database: Database, instance: Path, workdir: Path) -> tuple[bool, bool]:
    """Load one database; returns (clean, targets met).

    Rounds of hello, catalogue mix, product pages and the cold mix, with a last hello at
    the end: each round's ratios use the mean of the two hello runs around it, and every
    figure printed is the median over the rounds, so a neighbour's burst of CPU on a
    shared machine moves one round, not the result.
    """
    suffix = database.suffix
    products = [PRODUCT_PATH.format(public_id) for public_id in sample_product_ids(database)]
    log = workdir / f"gunicorn-{database.label}.log"
    workloads: dict[str, tuple[Sequence[str], bool]] = {
        "catalog_search": (CATALOG_MIX, False),
        "product_page": (products, False),
        "catalog_cold": (CATALOG_MIX, True),
    }
    hello: list[WrkResult] = []
    runs: dict[str, list[WrkResult]] = {name: [] for name in workloads}
    with gunicorn(database.url, instance, log) as base:
        note(f"{database.label}: gunicorn {WORKERS} sync workers on {base}; load {load()}")
        check_pages(base, (*CATALOG_MIX, *products[:20], "/bench/hello"), log)
        for warmup in (["/bench/hello"], CATALOG_MIX, products):
            wrk(base, warmup, WARMUP_SECONDS, workdir)
        for _ in range(ROUNDS):
            hello.append(wrk(base, ["/bench/hello"], SECONDS, workdir))
            for name, (paths, cold) in workloads.items():
                runs[name].append(wrk(base, paths, SECONDS, workdir, cold=cold))
        hello.append(wrk(base, ["/bench/hello"], SECONDS, workdir))
        note(f"{database.label}: load after the run {load()}")

    baselines = [(hello[i].rps + hello[i + 1].rps) / 2 for i in range(ROUNDS)]

    def ratio(name: str) -> float:
        return median(
            run.rps / baseline if baseline else 0.0
            for run, baseline in zip(runs[name], baselines, strict=True)
        )

    def rps(results: Sequence[WrkResult]) -> float:
        return median(result.rps for result in results)

    def p99(results: Sequence[WrkResult]) -> float:
        return median(result.p99_ms for result in results)

    figures = {
        "catalog_search_rps": (rps(runs["catalog_search"]), "req/s"),
        "catalog_search_p50_ms": (median(r.p50_ms for r in runs["catalog_search"]), "ms"),
        "catalog_search_p99_ms": (p99(runs["catalog_search"]), "ms"),
        "hello_rps": (rps(hello), "req/s"),
        "hello_p99_ms": (p99(hello), "ms"),
        "catalog_to_hello_ratio": (ratio("catalog_search"), "ratio"),
        "product_page_rps": (rps(runs["product_page"]), "req/s"),
        "product_page_p99_ms": (p99(runs["product_page"]), "ms"),
        "product_to_hello_ratio": (ratio("product_page"), "ratio"),
        "catalog_cold_rps": (rps(runs["catalog_cold"]), "req/s"),
        "catalog_cold_p99_ms": (p99(runs["catalog_cold"]), "ms"),
        "catalog_cold_to_hello_ratio": (ratio("catalog_cold"), "ratio"),
    }
    for name, (value, unit) in figures.items():
        emit(name + suffix, value, unit)

    clean = True
    for name, results in {"hello": hello, **runs}.items():
        bad = sum(r.non_2xx for r in results)
        socket_errors = sum(r.socket_errors for r in results)
        emit(f"{name}_errors{suffix}", bad + socket_errors, "count")
        if any(r.requests == 0 for r in results):
            clean = False
            print(
                f"!!! ERRORS in {name} on {database.label}: a {SECONDS} s run completed no"
                " request at all (the server is saturated)",
                flush=True,
            )
        if bad or socket_errors:
            clean = False
            first = next((r.first_bad_status for r in results if r.first_bad_status), 0)
            print(
                f"!!! ERRORS in {name} on {database.label}: {bad} non-2xx answers (first"
                f" status {first}), {socket_errors} socket errors, out of"
                f" {sum(r.requests for r in results)} requests",
                flush=True,
            )
    if server_errors(log):
        clean = False
        print(f"!!! SERVER ERRORS on {database.label}; the end of its log:", flush=True)
        print(log.read_text(errors="replace")[-4000:], flush=True)
    met = True
    for name, target in TARGETS.items():
        value = figures[name][0]
        verdict = "met" if value >= target else "MISSED"
        met = met and value >= target
        note(f"target {name}{suffix} >= {target}: {value:.3f} {verdict}")
    return clean, met


def load() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


# -- databases ---------------------------------------------------------------------------


def sqlite_database(instance: Path, workdir: Path) -> Database:
    """A copy of the cached seeded SQLite file (seeded first when there is none)."""
    key = f"catalog-{PRODUCTS}-{migration_head()}-{seed_code_digest()}"
    cached = CACHE_DIR / f"{key}.sqlite3"
    if cached.exists():
        note(f"sqlite: using cached {cached.relative_to(ROOT)}")
    else:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        for stale in CACHE_DIR.glob(f"catalog-{PRODUCTS}-*.sqlite3*"):
            stale.unlink()
        building = workdir / "seeding.sqlite3"
        seed(f"sqlite:///{building}", instance)
        with contextlib.closing(sqlite3.connect(building)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode = DELETE")
        partial = cached.with_suffix(".partial")
        shutil.copyfile(building, partial)
        partial.replace(cached)
        note(f"sqlite: cached the seeded database as {cached.relative_to(ROOT)}")
    copy = workdir / "catalog.sqlite3"
    shutil.copyfile(cached, copy)
    database = Database("sqlite", f"sqlite:///{copy}", "")
    setup(database)
    return database


def setup(database: Database) -> None:
    """Run BENCH_SETUP_SQL on ``database`` (what-if runs only)."""
    if not SETUP_SQL:
        return
    if database.label == "sqlite":
        with contextlib.closing(sqlite3.connect(database.url.removeprefix("sqlite:///"))) as conn:
            conn.executescript(SETUP_SQL)
            conn.commit()
    else:
        import psycopg

        url = database.url.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(url, autocommit=True) as connection:
            for statement in filter(None, (part.strip() for part in SETUP_SQL.split(";"))):
                connection.execute(statement.encode())
    note(f"{database.label}: WHAT-IF run, BENCH_SETUP_SQL applied first: {SETUP_SQL}")


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database under BENCH_PG_URL, for one run: yields its
    SQLAlchemy URL and drops it on the way out, whatever happens."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(PG_URL)
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        note(f"pg: dropped database {name}")


class Scratch(NamedTuple):
    """A migrated scratch database and the work directory of one bench run."""

    database_url: str
    workdir: Path
    instance: Path
    env: dict[str, str]


@contextlib.contextmanager
def migrated_scratch(name: str) -> Iterator[Scratch]:
    """A new PostgreSQL database migrated to head, a work directory (its instance folder
    and exports inside), and the Flask environment for both; all gone afterwards."""
    with (
        scratch_database(f"corridor_{name}") as database_url,
        tempfile.TemporaryDirectory(prefix=f"corridor-{name}-") as work,
    ):
        workdir = Path(work)
        instance = workdir / "instance"
        env = flask_env(database_url, instance)
        env["EXPORT_ROOT"] = str(workdir / "exports")
        run([str(BIN / "flask"), "db", "upgrade"], env, "migrate")
        yield Scratch(database_url, workdir, instance, env)


def checkpoint(database_url: str) -> None:
    """Write out what seeding dirtied (a PostgreSQL CHECKPOINT) before anything is timed.

    Otherwise the checkpointer flushes the seed's pages, and those of the benchmarks run
    before this one, in the middle of the measurements: downloads ran 25 % slower then.
    """
    import psycopg

    started = time.monotonic()
    with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("CHECKPOINT")
    note(f"pg: CHECKPOINT after seeding took {time.monotonic() - started:.1f} s")


def missed_targets(targets: dict[str, tuple[str, float]], figures: dict[str, float]) -> list[str]:
    """``name value (target op limit)`` for each figure that misses its target."""
    compare = {
        "<": lambda value, limit: value < limit,
        "<=": lambda value, limit: value <= limit,
        ">=": lambda value, limit: value >= limit,
    }
    return [
        f"{name} {figures[name]:.3f} (target {op} {limit})"
        for name, (op, limit) in targets.items()
        if not compare[op](figures[name], limit)
    ]


@contextlib.contextmanager
def postgres_database(instance: Path) -> Iterator[Database]:
    """A fresh PostgreSQL database, seeded; dropped on the way out whatever happens."""
    with scratch_database("corridor_bench") as url:
        seed(url, instance)
        database = Database("pg", url, "_pg")
        setup(database)
        yield database


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: run `make bench` (it installs wrk).", file=sys.stderr)
        return 1
    info = machine()
    note(
        f"machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']}; products {PRODUCTS};"
        f" wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{SECONDS}s x {ROUNDS} rounds;"
        f" gunicorn -w {WORKERS} --threads 1"
    )
    clean, met = True, True
    with tempfile.TemporaryDirectory(prefix="corridor-bench-") as tmp:
        workdir = Path(tmp)
        instance = workdir / "instance"
        instance.mkdir()
        # Each database on its own: a failure on one is reported, and the other still runs.
        if WITH_SQLITE:
            try:
                ok, good = bench_database(sqlite_database(instance, workdir), instance, workdir)
                clean, met = clean and ok, met and good
            except BenchError as error:
                print(f"!!! BENCHMARK FAILED on sqlite: {error}", flush=True)
                clean = False
        else:
            note("sqlite: skipped (BENCH_SQLITE=0)")
        if WITH_PG:
            try:
                with postgres_database(instance) as pg:
                    ok, good = bench_database(pg, instance, workdir)
                    clean, met = clean and ok, met and good
            except BenchError as error:
                print(f"!!! BENCHMARK FAILED on pg: {error}", flush=True)
                clean = False
        else:
            note("pg: skipped (BENCH_PG=0)")
    if not clean:
        print("!!! The run had errors: its figures are not valid.", flush=True)
        return 1
    if not met:
        print("!!! A speed target was missed (see the # target lines).", flush=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
