"""gunicorn settings for ``make serve``: every value from the environment, sane defaults.

    GUNICORN_BIND        address to listen on (default 127.0.0.1:8000; nginx in front)
    WEB_CONCURRENCY      worker processes (default 2 x CPUs + 1)
    GUNICORN_TIMEOUT     seconds a request may take before its worker is replaced (60)
    GUNICORN_ACCESS_LOG  access log path, "-" for stdout (default), "" for none
    FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-* headers are believed (127.0.0.1)

The app is loaded once in the master and forked (preload): workers start in a fraction of
a second and share the frozen memory (``app.settle_for_serving``).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from typing import Any

wsgi_app = "wsgi:app"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), so a slow leak cannot grow.
max_requests = 5000
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = (
    '{"remote":"%(h)s","request":"%(r)s","status":%(s)s,"bytes":"%(B)s",'
    '"duration_us":%(D)s,"request_id":"%({x-request-id}o)s","agent":"%(a)s"}'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "corridor-web"

# Prometheus counts per worker process, added up by /metrics: the directory must be set
# before the app (and prometheus_client) is imported, which preload does after this file.
# ``make serve`` hands a fresh one to gunicorn and the job consumer alike; alone, gunicorn
# makes its own and removes it on exit (counts from an earlier run must not be added).
_OWN_METRICS_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="corridor-metrics-")


def post_fork(server: Any, worker: Any) -> None:
    # Connections the master may have opened while loading must not be shared by forks.
    from app.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    if _OWN_METRICS_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
