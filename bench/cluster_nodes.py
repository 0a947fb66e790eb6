"""The cluster of ``make cluster-check`` on loopback: nginx (TLS) in front of two gunicorn
instances, two job consumers on Redis, PostgreSQL, an S3 API (moto); each process in its own
session, so a node is killed (SIGKILL to its whole process group) and restarted alone."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import time
from pathlib import Path

import requests

from bench.harness import BIN, ROOT, BenchError, free_port

SELLER_PASSWORD = "Cluster check passphrase 2026"  # noqa: S105 (throwaway database)
REDIS_DB = int(os.environ.get("CLUSTER_REDIS_DB", "12"))

SEED = """
import json
from sqlalchemy import select
from app import create_app
from datetime import timedelta
import flask_migrate
from app.database import commit
from app.demo.rates import add_daily_rates
from app.extensions import db
from app.models import (Category, Company, CompanyRole, Incoterm, PriceTier, Product,
                        ProductIncoterm, ProductStatus, TrustedBuyer, User)
from app.models.base import utcnow
from app.services.accounts.api_tokens import create_token
from app.services.accounts.passwords import hash_password
from app.services.audit.recording import Actor
from app.services.catalog.categories import ensure_category_tree
from app.services.catalog.index import reindex_product

app = create_app()
with app.app_context():
    flask_migrate.upgrade()  # the migrations first, in this one start of the app
    ensure_category_tree()
    today = utcnow().date()
    add_daily_rates(today - timedelta(days=2), today)  # invoices freeze the day's rate
    category = db.session.scalar(select(Category).where(Category.slug == "chromite"))
    seller = Company(legal_name="Cluster Minerals (Pvt) Ltd", country="PK", sells=True, buys=False,
                     address="Plot 7, SITE", city="Karachi", tax_id="1234567-8",
                     contact_email="seller@cluster.example", reporting_currency="PKR",
                     verification_status="verified")
    db.session.add(seller)
    db.session.add(User(email="sales@cluster.example", full_name="Sana Sales",
                        password_hash=hash_password(%(password)r), company=seller,
                        company_role=CompanyRole.SALES))
    products = []
    for n in range(2):
        product = Product(seller=seller, title=f"Chromite ore lumps lot {n}", category=category,
                          hs_code="261000", unit="TNE", moq=1, currency="USD",
                          price_from_minor=26500, stock_quantity=%(stock)d, origin_country="PK",
                          status=ProductStatus.PUBLISHED, published_at=utcnow())
        product.price_tiers = [PriceTier(min_quantity=1, unit_price_minor=26500)]
        product.incoterms = [ProductIncoterm(rule=Incoterm.FOB, named_place="Karachi")]
        db.session.add(product)
        db.session.flush()
        reindex_product(product)
        products.append(product.public_id)
    tokens = []
    for n in range(%(buyers)d):
        buyer = Company(legal_name=f"Cluster Importer {n}", country="CN", sells=False, buys=True,
                        address="Pudong", city="Shanghai", tax_id="91310000MA1FL8XQ37",
                        contact_email=f"b{n}@cluster.example", reporting_currency="CNY",
                        verification_status="verified")
        user = User(email=f"buyer{n}@cluster.example", full_name=f"Buyer {n}",
                    password_hash="x", company=buyer, company_role=CompanyRole.PURCHASER)
        db.session.add(user)
        db.session.flush()
        db.session.add(TrustedBuyer(seller_id=seller.id, buyer_id=buyer.id))
        tokens.append(create_token(Actor(user), "Cluster ERP")[1])
    commit()
    print(json.dumps({"tokens": tokens, "products": products}))
"""


class Node:
    """One process group we start, kill with SIGKILL and start again."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL to the node's whole group: the master and every worker, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def production_env(
    work: Path, database_url: str, s3_endpoint: str, prefix: str, base: str
) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    redis = f"redis://127.0.0.1:6379/{REDIS_DB}"
    env.update(
        CORRIDOR_CONFIG="production",
        CORRIDOR_INSTANCE_DIR=str(work / "instance"),
        FLASK_APP="wsgi.py",
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        REDIS_URL=redis,
        HUEY_NAME=prefix,
        MAIL_LOG_ONLY="1",
        STORAGE_BACKEND="s3",
        S3_BUCKET=prefix,
        S3_ENDPOINT_URL=s3_endpoint,
        S3_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="cluster-check",
        AWS_SECRET_ACCESS_KEY="cluster-check-secret",  # noqa: S106 (moto accepts any)
        PUBLIC_BASE_URL=base,
        PROXY_FIX_X_FOR="1",
        EXPORT_ROOT=str(work / "exports"),
        WEB_CONCURRENCY="2",
        PYTHONUNBUFFERED="1",
    )
    return env


def web_node(name: str, env: dict[str, str], work: Path) -> tuple[Node, int]:
    port = free_port()
    node_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": ""}
    command = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"]
    return Node(name, command, node_env, work / f"{name}.log"), port


def consumer_node(name: str, env: dict[str, str], work: Path, periodic: bool) -> Node:
    command = [str(BIN / "python"), "-m", "app.worker", "--workers", "2"]
    command += ["--worker-type", "process"] + ([] if periodic else ["--no-periodic"])
    return Node(name, command, env, work / f"{name}.log")


def tls_certificate(work: Path) -> tuple[Path, Path]:
    cert, key = work / "tls.crt", work / "tls.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


NGINX = """
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path {work}/nginx-tmp/body;
  proxy_temp_path {work}/nginx-tmp/proxy;
  fastcgi_temp_path {work}/nginx-tmp/fastcgi;
  uwsgi_temp_path {work}/nginx-tmp/uwsgi;
  scgi_temp_path {work}/nginx-tmp/scgi;
  upstream corridor {{
    server 127.0.0.1:{web1} max_fails=1 fail_timeout=2s;
    server 127.0.0.1:{web2} max_fails=1 fail_timeout=2s;
  }}
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    client_max_body_size 6m;
    location / {{
      proxy_pass http://corridor;
      proxy_set_header Host $host:$server_port;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
      # A request that never reached a dead node goes to the other; one already sent
      # there is not sent twice (the client retries with its Idempotency-Key).
      proxy_next_upstream error timeout;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""


def nginx_node(work: Path, port: int, web_ports: tuple[int, int]) -> Node:
    cert, key = tls_certificate(work)
    (work / "nginx-tmp").mkdir(exist_ok=True)
    config = work / "nginx.conf"
    config.write_text(
        NGINX.format(work=work, web1=web_ports[0], web2=web_ports[1], port=port, cert=cert, key=key)
    )
    command = ["/usr/sbin/nginx", "-p", str(work), "-c", str(config), "-g", "user root;"]
    return Node("nginx", command, dict(os.environ), work / "nginx.log")


def wait_until_ready(url: str, verify: str, nodes: list[Node], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for node in nodes:
            if node.process is not None and node.process.poll() is not None:
                raise BenchError(f"{node.name} exited:\n{node.log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, verify=verify, timeout=3).status_code == 200:
                return
        time.sleep(0.3)
    raise BenchError(f"{url} not ready within {seconds:.0f} s")
