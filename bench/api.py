"""API read benchmark: an ERP paging through its orders, 50 a page, on PostgreSQL.

``api_order_list_rps``: ``GET /api/v1/orders?limit=50`` with one importer's API token
(each answer: 50 orders with their lines, serialised through the response models), wrk
against gunicorn serving the real app. The trivial ``/bench/hello`` endpoint is measured
in the same run under the same server settings, and ``api_order_list_to_hello_ratio``
relates the two so that runs on different machines compare. Every answer must be 200.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.seed_orders import SEED

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ORDERS = int(os.environ.get("BENCH_API_ORDERS", "120"))
PAGE = 50
PASSWORD = "API bench passphrase 2026"  # noqa: S105 (throwaway bench database)

# After the orders bench's seeding (one seller, three listings, one importer with a
# token): ORDERS three-line orders placed through the service the API's POST uses.
PLACE = """
from sqlalchemy import select

from app import create_app
from app.database import commit
from app.extensions import db
from app.models import Product, User
from app.services.audit.recording import Actor
from app.services.orders.placing import OrderTerms, place_listed_order

app = create_app()
with app.test_request_context():
    user = db.session.scalar(select(User).where(User.email == "buyer0@bench.example"))
    listings = [p.public_id for p in db.session.scalars(select(Product).order_by(Product.id))]
    terms = OrderTerms(incoterm="FOB", incoterm_place="Karachi", destination_country="CN",
                       destination_port="Shanghai", consignee="Bench Importer, Pudong, Shanghai",
                       payment_terms="advance")
    for n in range(%(orders)d):
        place_listed_order(Actor(user), [(listing, 2) for listing in listings], terms)
        if n %% 20 == 19:
            commit()
    commit()
"""


def _wrk_with_token(url: str, token: str) -> tuple[float, float, int]:
    """wrk on one URL with the token: (requests/s, p99 ms, non-2xx count)."""
    args = ["wrk", "-t2", f"-c{common.CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s"]
    args += ["--latency", "-H", f"Authorization: Bearer {token}", url]
    completed = subprocess.run(
        args, capture_output=True, text=True, timeout=SECONDS + 60, check=False
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", completed.stdout)
    if completed.returncode != 0 or rate is None:
        raise common.BenchError(
            f"wrk on the order list failed: {completed.stdout}{completed.stderr}"
        )
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", completed.stdout)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99_ms = float(p99.group(1)) * scale[p99.group(2)] if p99 else 0.0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", completed.stdout)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    common.note(
        f"wrk order list: {float(rate.group(1)):.1f} req/s, p99 {p99_ms:.1f} ms, {errors} non-2xx"
    )
    return float(rate.group(1)), p99_ms, errors


def main() -> int:
    # One token asks as fast as wrk can: the per-token limit is not what is measured.
    os.environ["API_RATE_LIMIT_PER_TOKEN"] = "10000000 per minute"  # noqa: S105
    with common.migrated_scratch("apibench") as (database_url, workdir, instance, env):
        env["API_RATE_LIMIT_PER_TOKEN"] = os.environ["API_RATE_LIMIT_PER_TOKEN"]
        seed = SEED % {"password": PASSWORD, "buyers": 1, "stock": 10**12}
        seeded = common.run([sys.executable, "-c", seed], env, "seed")
        token = json.loads(seeded.strip().splitlines()[-1])["tokens"][0]
        common.run([sys.executable, "-c", PLACE % {"orders": ORDERS}], env, "orders")
        common.checkpoint(database_url)
        with common.gunicorn(database_url, instance, workdir / "gunicorn.log") as base:
            asked = urllib.request.Request(  # noqa: S310 (loopback)
                f"{base}/api/v1/orders?limit={PAGE}", headers={"Authorization": f"Bearer {token}"}
            )
            with urllib.request.urlopen(asked, timeout=30) as answer:  # noqa: S310
                listed = json.loads(answer.read())
            if len(listed["data"]) != min(PAGE, ORDERS):
                raise common.BenchError(f"the first page holds {len(listed['data'])} orders")
            hello = common.wrk(base, ["/bench/hello"], SECONDS, workdir)
            rps, p99_ms, errors = _wrk_with_token(f"{base}/api/v1/orders?limit={PAGE}", token)
        ratio = rps / hello.rps if hello.rps else 0.0
        common.emit("hello_rps_api_pg", hello.rps, "req/s")
        common.emit("api_order_list_rps", rps, "req/s")
        common.emit("api_order_list_p99_ms", p99_ms, "ms")
        common.emit("api_order_list_to_hello_ratio", ratio, "ratio")
        if errors:
            common.note(f"ERROR: {errors} answers of the order list were not 200")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
