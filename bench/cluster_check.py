"""``make cluster-check``: kill nodes under load on loopback; prove nothing was lost.

nginx (TLS) in front of two gunicorn instances, two job consumers on Redis, PostgreSQL, an
S3 API (moto). Importers place orders through the API while the seller's clerk ships them
and downloads their documents; meanwhile one web instance and one consumer are killed
(SIGKILL) and restarted. Afterwards, read from the database and the consumers' logs:
every order that answered 201 exists once, stock is exact, every shipped order has each
of its documents once with gapless numbers, every outbox e-mail went once, and the clients
saw only retried or clean failures. Prints ``BENCH cluster_*`` lines; exits 1 on any loss.
CLUSTER_SECONDS (default 30) sets the load's length.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import boto3
import psycopg
import redis
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cluster_load import Clerk, Tally, clerk_work, place_orders
from bench.cluster_nodes import (
    REDIS_DB,
    SEED,
    SELLER_PASSWORD,
    Node,
    consumer_node,
    nginx_node,
    production_env,
    wait_until_ready,
    web_node,
)
from bench.harness import BIN, BenchError, emit, free_port, note, run
from bench.scratch import scratch_database

SECONDS = int(os.environ.get("CLUSTER_SECONDS", "30"))
BUYERS = 2
STOCK = 1_000_000


def _libpq(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _chaos(nodes: dict[str, Node], started: float, killed: list[str]) -> None:
    for share, name in ((0.3, "web1"), (0.55, "consumer1")):
        time.sleep(max(0.0, started + SECONDS * share - time.monotonic()))
        nodes[name].kill()
        killed.append(name)
        note(f"killed {name} (SIGKILL) at {time.monotonic() - started:.1f} s")
        time.sleep(3)
        nodes[name].start()
        note(f"restarted {name}")


def _drain(database_url: str, seconds: float) -> None:
    """Wait for the consumers to finish: every document rendered, every e-mail sent.

    Work a killed consumer dropped is queued again by the minute's recovery task, so the
    bound is longer than a minute. What is still pending at the bound fails the check."""
    deadline = time.monotonic() + seconds
    with psycopg.connect(_libpq(database_url), autocommit=True) as connection:
        while time.monotonic() < deadline:
            rendering = connection.execute(
                "SELECT count(*) FROM documents WHERE status = 'rendering'"
            ).fetchone()
            unsent = connection.execute(
                "SELECT count(*) FROM outbox_emails WHERE sent_at IS NULL"
            ).fetchone()
            if rendering == (0,) and unsent == (0,):
                return
            time.sleep(1)
    note("drain: work still pending at the bound")


def _email_deliveries(logs: list[Path]) -> Counter[int]:
    delivered: Counter[int] = Counter()
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("{") and '"outbox_id"' in line:
                delivered[int(json.loads(line)["outbox_id"])] += 1
    return delivered


def _verify(database_url: str, tally: Tally, logs: list[Path]) -> dict[str, int]:
    with psycopg.connect(_libpq(database_url)) as connection:
        per_key = dict(
            connection.execute(
                "SELECT buyer_po_number, count(*) FROM orders GROUP BY buyer_po_number"
            ).fetchall()
        )
        stock_wrong = connection.execute(
            "SELECT count(*) FROM products p WHERE p.stock_quantity + COALESCE((SELECT"
            " sum(l.reserved_quantity) FROM order_lines l WHERE l.product_id = p.id), 0) <> %s",
            (STOCK,),
        ).fetchone()[0]
        shipped = connection.execute("SELECT id FROM orders WHERE status = 'shipped'").fetchall()
        doubled_documents = connection.execute(
            "SELECT count(*) FROM (SELECT order_id, kind FROM documents WHERE kind <> 'credit_note'"
            " GROUP BY order_id, kind HAVING count(*) > 1) twice"
        ).fetchone()[0]
        shipped_without_invoice = connection.execute(
            "SELECT count(*) FROM orders o WHERE o.status = 'shipped' AND NOT EXISTS (SELECT 1"
            " FROM documents d WHERE d.order_id = o.id AND d.kind = 'commercial_invoice')"
        ).fetchone()[0]
        series = connection.execute(
            "SELECT issuer_id, kind, year, array_agg(sequence ORDER BY sequence) FROM documents"
            " GROUP BY issuer_id, kind, year"
        ).fetchall()
        documents = connection.execute(
            "SELECT public_id, status, sha256, pdf FROM documents"
        ).fetchall()
        outbox = connection.execute("SELECT id, sent_at IS NOT NULL FROM outbox_emails").fetchall()
    gaps = sum(1 for *_, numbers in series if numbers != list(range(1, len(numbers) + 1)))
    unrendered = sum(1 for _, status, _, _ in documents if status == "rendering")
    failed = sum(1 for _, status, _, _ in documents if status not in ("issued", "rendering"))
    corrupt = sum(
        1
        for _, _, sha, pdf in documents
        if pdf is not None and hashlib.sha256(pdf).hexdigest() != sha
    )
    by_id = {public_id: sha for public_id, _, sha, _ in documents}
    download_mismatch = sum(1 for doc, sha in tally.downloads.items() if by_id.get(doc) != sha)
    delivered = _email_deliveries(logs)
    answered = tally.answered
    return {
        "orders_placed": len(answered),
        "orders_in_database": sum(per_key.values()),
        "orders_shipped": len(shipped),
        "lost": sum(1 for key in answered if per_key.get(key, 0) == 0),
        "duplicated": sum(count - 1 for count in per_key.values() if count > 1),
        "stock_wrong": stock_wrong,
        "documents": len(documents),
        "documents_doubled": doubled_documents + shipped_without_invoice,
        "document_gaps": gaps,
        "documents_pending": unrendered,
        "documents_failed": failed + corrupt,
        "downloads": len(tally.downloads),
        "downloads_mismatched": download_mismatch,
        "emails": len(outbox),
        "emails_lost": sum(1 for message, sent in outbox if sent and delivered[message] == 0),
        "emails_pending": sum(1 for _message, sent in outbox if not sent),
        "emails_duplicated": sum(count - 1 for count in delivered.values() if count > 1),
        "webhooks_duplicated": 0,  # no outgoing webhooks in this release (docs/DEPLOY.md)
    }


def main() -> int:
    # make's timeout sends SIGTERM: stop every node and drop the database on the way out.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    started_all = time.monotonic()
    prefix = f"cluster{secrets.token_hex(4)}"
    with (
        scratch_database("corridor_cluster") as database_url,
        tempfile.TemporaryDirectory(prefix="corridor-cluster-") as scratch,
    ):
        work = Path(scratch)
        s3_port, nginx_port = free_port(), free_port()
        s3_endpoint = f"http://127.0.0.1:{s3_port}"
        base = f"https://127.0.0.1:{nginx_port}"
        s3 = Node(
            "s3",
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)],
            dict(os.environ),
            work / "s3.log",
        )
        env = production_env(work, database_url, s3_endpoint, prefix, base)
        nodes: dict[str, Node] = {"s3": s3}
        store = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
        try:
            s3.start()
            seeded = json.loads(
                run(
                    [
                        str(BIN / "python"),
                        "-c",
                        SEED % {"password": SELLER_PASSWORD, "stock": STOCK, "buyers": BUYERS},
                    ],
                    env,
                    "seed",
                )
                .strip()
                .splitlines()[-1]
            )
            boto3.client(
                "s3",
                endpoint_url=s3_endpoint,
                region_name="us-east-1",
                aws_access_key_id="x",
                aws_secret_access_key="x",  # noqa: S106 (moto takes any key)
            ).create_bucket(Bucket=prefix)
            note(f"migrated and seeded after {time.monotonic() - started_all:.1f} s")
            nodes["web1"], port1 = web_node("web1", env, work)
            nodes["web2"], port2 = web_node("web2", env, work)
            nodes["consumer1"] = consumer_node("consumer1", env, work, periodic=True)
            nodes["consumer2"] = consumer_node("consumer2", env, work, periodic=False)
            nodes["nginx"] = nginx_node(work, nginx_port, (port1, port2))
            for name in ("web1", "web2", "consumer1", "consumer2", "nginx"):
                nodes[name].start()
            cert = str(work / "tls.crt")
            wait_until_ready(base + "/healthz/ready", cert, list(nodes.values()))
            note(f"cluster up after {time.monotonic() - started_all:.1f} s; load for {SECONDS} s")
            tally, placed, killed = Tally(), queue.Queue(), []  # type: ignore[var-annotated]
            started = time.monotonic()
            until = started + SECONDS
            threads = [
                threading.Thread(
                    target=place_orders,
                    args=(base, cert, token, seeded["products"], n, until, tally, placed),
                )
                for n, token in enumerate(seeded["tokens"])
            ]
            # Two browser sessions of the seller's clerk: orders are shipped as they come.
            clerks = [Clerk(base, cert, tally) for _ in range(2)]
            threads += [
                threading.Thread(target=clerk_work, args=(clerk, placed, until)) for clerk in clerks
            ]
            threads.append(threading.Thread(target=_chaos, args=(nodes, started, killed)))
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            # Work the killed consumer held is stalled 90 s after it was taken and queued
            # again at the next minute's recovery run: up to 150 s after the kill.
            _drain(database_url, 160)
            for order_id, _token in tally.shipped:
                clerks[0].download(order_id)  # what was still rendering during the load
            figures = _verify(database_url, tally, [nodes["consumer1"].log, nodes["consumer2"].log])
        finally:
            for node in reversed(list(nodes.values())):
                node.stop()
            keys = list(store.scan_iter(match=f"*{prefix}*")) + list(
                store.scan_iter(match="LIMITS*")
            )
            if keys:
                store.delete(*keys)
    figures["nodes_killed"] = len(killed)
    for outcome in ("ok", "retried", "refused", "unexplained"):
        figures[f"client_{outcome}"] = tally.outcomes[outcome]
    for name, value in figures.items():
        emit(f"cluster_{name}", value, "count")
    emit("cluster_seconds", time.monotonic() - started_all, "s")
    for detail in tally.first_unexplained:
        note(f"unexplained: {detail}")
    for detail in tally.first_refused:
        note(f"refused: {detail}")
    for detail in tally.first_retried:
        note(f"retried: {detail}")
    must_be_zero = (
        "lost",
        "duplicated",
        "stock_wrong",
        "documents_doubled",
        "document_gaps",
        "documents_pending",
        "documents_failed",
        "downloads_mismatched",
        "emails_lost",
        "emails_pending",
        "emails_duplicated",
        "client_unexplained",
    )
    failed = [name for name in must_be_zero if figures[name]]
    if (
        figures["orders_placed"] == 0
        or figures["orders_shipped"] == 0
        or figures["nodes_killed"] < 2
    ):
        failed.append("nothing placed, shipped or killed")
    if failed:
        note("cluster check FAILED: " + ", ".join(failed))
        return 1
    note("cluster check passed: nothing lost, nothing duplicated")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        note(f"cluster check could not run: {error}")
        sys.exit(2)
