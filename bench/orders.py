"""Order placement benchmark: 8 buyers ordering through HTTP at once, on PostgreSQL.

``order_place_per_s``: each of 8 importers' ERPs places 3-line orders through the JSON API
(``POST /api/v1/orders`` with its own API token), 8 requests in flight at once (wrk), against
gunicorn serving the real app. Afterwards the database must hold every order wrk saw
placed, and each listing's stock must have fallen by exactly what the orders' lines took.

``order_place_browser_per_s``: the same orders the way a purchaser places them in the
browser: three POSTs to the cart and one POST of the checkout form, with CSRF tokens and
session cookies, 8 buyers at once (Python clients).

Beside them, in the same run and under the same server settings: the trivial
``/bench/hello`` endpoint (wrk) and an order page (wrk, signed in). Prints ``BENCH
order_place_per_s``, ``order_to_hello_ratio``, ``order_place_browser_per_s``,
``order_page_rps``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.seed_orders import SEED

BUYERS = int(os.environ.get("BENCH_ORDER_BUYERS", "8"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
TARGET_RATIO = 0.04
PASSWORD = "Order bench passphrase 2026"  # noqa: S105 (throwaway bench database)
INITIAL_STOCK = 10**12

# Each request is one 3-line order from one of the importers' ERPs, round robin; answers
# are tallied by the shared wrk ending (only 201 Created comes back from a placed order).
API_SCRIPT = """
local tokens = {%(tokens)s}
local body = [[%(body)s]]
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  first_bad = 0
  counter = id
end

function request()
  counter = counter + 1
  local token = tokens[(counter %% #tokens) + 1]
  return wrk.format("POST", "/api/v1/orders",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

"""

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Buyer:
    """One purchaser's browser: cookies, CSRF token, the listings it orders."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "corridor-bench"
        self.email = email
        self.last_failure = ""

    def _token(self, path: str) -> str:
        page = self.session.get(self.base + path, timeout=30)
        match = _TOKEN.search(page.text)
        if match is None:
            raise common.BenchError(f"no CSRF token on {path} ({page.status_code})")
        return match.group(1)

    def sign_in(self) -> None:
        token = self._token("/login")
        response = self.session.post(
            self.base + "/login",
            data={"email": self.email, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code != 302:
            raise common.BenchError(f"sign-in of {self.email} failed: {response.status_code}")
        self.token = self._token("/buyer/cart")

    def place_order(self, products: list[str], group_key: str) -> bool:
        for product in products:
            response = self.session.post(
                self.base + "/buyer/cart",
                data={"product": product, "quantity": "2", "csrf_token": self.token},
                allow_redirects=False,
                timeout=30,
            )
            if response.status_code != 302:
                self.last_failure = f"cart {response.status_code}"
                return False
        response = self.session.post(
            self.base + f"/buyer/checkout/{group_key}",
            data={
                "action": "place",
                "csrf_token": self.token,
                "delivery": "FOB|Karachi",
                "destination_country": "CN",
                "destination_port": "Shanghai",
                "consignee": "Bench Importer, Pudong, Shanghai",
                "payment_terms": "advance",
                # What the review page showed: 3 lines of 2 t at 265.00 USD.
                "expected_total_minor": str(len(products) * 2 * 26500),
            },
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code == 302 and "/buyer/orders/" in response.headers.get("Location", ""):
            return True
        errors = re.findall(r"invalid-feedback[^>]*>\s*<div>([^<]+)", response.text)
        alerts = re.findall(r"alert-danger[^>]*>([^<]+)", response.text)
        self.last_failure = f"checkout {response.status_code} {response.headers.get('Location')} {errors[:3]} {alerts[:2]}"
        return False


def _listing_ids(database_url: str) -> tuple[list[str], str]:
    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        products = [
            row[0] for row in connection.execute("SELECT public_id FROM products ORDER BY id")
        ]
        seller = connection.execute(
            "SELECT public_id FROM companies WHERE legal_name = 'Bench Minerals'"
        ).fetchone()
    assert seller is not None
    return products, f"{seller[0]}-USD"


@dataclass(frozen=True)
class ApiRun:
    rate: float
    placed: int  # 201 answers wrk read
    failed: int
    p99_ms: float


def _api_order_rate(base: str, tokens: list[str], products: list[str], workdir: Path) -> ApiRun:
    """8 ERPs placing 3-line orders through the API at once, for SECONDS seconds (wrk)."""
    body = json.dumps(
        {
            "lines": [{"product": product, "quantity": 2} for product in products],
            "incoterm": "FOB",
            "named_place": "Karachi",
            "destination_country": "CN",
            "destination_port": "Shanghai",
            "consignee": "Bench Importer, Pudong, Shanghai",
            "payment_terms": "advance",
        }
    )
    script = workdir / f"api-{secrets.token_hex(4)}.lua"
    script.write_text(
        API_SCRIPT % {"tokens": ", ".join(f'"{token}"' for token in tokens), "body": body}
        + common.WRK_TALLY
    )
    args = ["wrk", "-t2", f"-c{BUYERS}", f"-d{SECONDS}s", "--timeout", "10s", "--latency"]
    output = common.run([*args, "-s", str(script), base + "/"], dict(os.environ), "wrk api")
    result = common.parse_wrk(output)
    common.note(
        f"wrk API orders: {result.rps:.1f} orders/s, p50 {result.p50_ms:.1f} ms,"
        f" p99 {result.p99_ms:.1f} ms, {result.requests} answers, {result.non_2xx} not 201"
        f" (first {result.first_bad_status}), {result.socket_errors} socket errors"
    )
    return ApiRun(
        result.rps,
        result.requests - result.non_2xx,
        result.non_2xx + result.socket_errors,
        result.p99_ms,
    )


def _stock_consistent(database_url: str, placed_at_least: int) -> str | None:
    """None if every order wrk saw is there and stock fell by exactly what the lines took."""
    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        orders = connection.execute("SELECT count(*) FROM orders").fetchone()
        drift = connection.execute(
            "SELECT p.title, %s - p.stock_quantity AS taken,"
            " coalesce(sum(l.reserved_quantity), 0) AS reserved"
            " FROM products p LEFT JOIN order_lines l ON l.product_id = p.id"
            " GROUP BY p.id, p.title, p.stock_quantity"
            " HAVING %s - p.stock_quantity <> coalesce(sum(l.reserved_quantity), 0)",
            (INITIAL_STOCK, INITIAL_STOCK),
        ).fetchall()
    assert orders is not None
    if orders[0] < placed_at_least:
        return f"{orders[0]} orders in the database, but {placed_at_least} answered 201"
    if drift:
        return f"stock does not match the orders' lines: {drift}"
    return None


def _order_rate(base: str, products: list[str], group_key: str) -> tuple[float, int, int]:
    buyers = [Buyer(base, f"buyer{n}@bench.example") for n in range(BUYERS)]
    for buyer in buyers:
        buyer.sign_in()
    placed = [0] * len(buyers)
    failed = [0] * len(buyers)
    barrier = threading.Barrier(len(buyers) + 1)
    stop_at: list[float] = []

    def work(index: int) -> None:
        barrier.wait()
        while time.monotonic() < stop_at[0]:
            try:
                ok = buyers[index].place_order(products, group_key)
            except requests.RequestException as error:
                buyers[index].last_failure = f"request failed: {error}"
                ok = False
            if ok:
                placed[index] += 1
            else:
                failed[index] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(buyers))]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    stop_at.append(started + SECONDS)
    barrier.wait()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    elapsed = time.monotonic() - started
    if sum(failed):
        common.note(
            "first failure: " + next((b.last_failure for b in buyers if b.last_failure), "?")
        )
    return sum(placed) / elapsed, sum(placed), sum(failed)


def _order_page(base: str, database_url: str) -> tuple[str, str]:
    """A signed-in session cookie and the path of one of that buyer's orders."""
    buyer = Buyer(base, "buyer0@bench.example")
    buyer.sign_in()
    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        row = connection.execute(
            "SELECT o.public_id FROM orders o JOIN users u ON u.company_id = o.buyer_id"
            " WHERE u.email = 'buyer0@bench.example' ORDER BY o.id LIMIT 1"
        ).fetchone()
    assert row is not None
    cookie = "; ".join(f"{c.name}={c.value}" for c in buyer.session.cookies)
    return cookie, f"/buyer/orders/{row[0]}"


def _wrk_signed_in(url: str, cookie: str) -> tuple[float, int]:
    """wrk on one page with the buyer's session cookie: (requests/s, non-2xx count)."""
    args = ["wrk", "-t2", f"-c{common.CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s"]
    args += ["-H", f"Cookie: {cookie}", "-H", "User-Agent: corridor-bench", url]
    completed = subprocess.run(
        args, capture_output=True, text=True, timeout=SECONDS + 60, check=False
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", completed.stdout)
    if completed.returncode != 0 or rate is None:
        raise common.BenchError(
            f"wrk on the order page failed: {completed.stdout}{completed.stderr}"
        )
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", completed.stdout)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    common.note(f"wrk order page: {float(rate.group(1)):.1f} req/s, {errors} non-2xx")
    return float(rate.group(1)), errors


def main() -> int:
    with common.migrated_scratch("orderbench") as (database_url, workdir, instance, env):
        seeded = common.run(
            [
                sys.executable,
                "-c",
                SEED % {"password": PASSWORD, "buyers": BUYERS, "stock": INITIAL_STOCK},
            ],
            env,
            "seed",
        )
        tokens = json.loads(seeded.strip().splitlines()[-1])["tokens"]
        products, group_key = _listing_ids(database_url)
        with common.gunicorn(database_url, instance, workdir / "gunicorn.log") as base:
            hello = common.wrk(base, ["/bench/hello"], SECONDS, workdir)
            api = _api_order_rate(base, tokens, products, workdir)
            browser_rate, placed, failed = _order_rate(base, products, group_key)
            cookie, page = _order_page(base, database_url)
            page_rps, page_errors = _wrk_signed_in(base + page, cookie)
        problem = _stock_consistent(database_url, api.placed + placed)
        ratio = api.rate / hello.rps if hello.rps else 0.0
        common.emit("hello_rps_orders_pg", hello.rps, "req/s")
        common.emit("order_place_per_s", api.rate, "orders/s")
        common.emit("order_to_hello_ratio", ratio, "ratio")
        common.emit("order_place_p99_ms", api.p99_ms, "ms")
        common.emit("order_place_browser_per_s", browser_rate, "orders/s")
        common.emit("order_page_rps", page_rps, "req/s")
        common.note(
            f"API: {api.placed} orders placed, {api.failed} failed; browser: {placed} placed,"
            f" {failed} attempts failed; target ratio {TARGET_RATIO}"
        )
        if failed or page_errors or api.failed or problem:
            common.note(f"ERROR: failed orders, non-2xx order pages or {problem}")
            return 1
        if ratio < TARGET_RATIO:
            common.note(f"target missed: order_to_hello_ratio below {TARGET_RATIO}")
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
