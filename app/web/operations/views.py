"""Health checks for the load balancer and ``/metrics`` for Prometheus.

``/healthz/live`` says the process answers (restart it if not); ``/healthz/ready`` says it
can serve (database, Redis, file storage reachable; take it out of rotation if not).
``/metrics`` answers a bearer ``METRICS_TOKEN``, or, without one configured, only a
loopback caller that came through no proxy.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client.core import GaugeMetricFamily, Metric

from app.database import database_reachable
from app.extensions import csrf, limiter
from app.operations.metrics import CONTENT_TYPE_LATEST, exposition
from app.services.files.probe import storage_reachable
from app.tasks import huey

bp = Blueprint("operations", __name__)
LOOPBACK = frozenset({"127.0.0.1", "::1"})


@bp.get("/healthz/live")
@limiter.exempt
def live() -> tuple[Response, int]:
    return jsonify(status="ok"), 200


def _redis_reachable() -> bool | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@bp.get("/healthz/ready")
@limiter.exempt
def ready() -> tuple[Response, int]:
    checks: dict[str, str] = {
        "database": "ok" if database_reachable() else "unreachable",
        "storage": "ok" if storage_reachable() else "unreachable",
    }
    redis_ok = _redis_reachable()
    if redis_ok is not None:
        checks["redis"] = "ok" if redis_ok else "unreachable"
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", **checks), 200 if healthy else 503


class _QueueDepth:
    """Jobs waiting in the shared queue, read at scrape time (one number for the cluster)."""

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "corridor_job_queue_depth", "Jobs waiting in the queue", value=huey.pending_count()
        )


def _may_read_metrics() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(offered.encode(), token.encode())
    forwarded = "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    return request.remote_addr in LOOPBACK and not forwarded


@bp.get("/metrics")
@csrf.exempt
@limiter.exempt
def metrics() -> Response:
    if not _may_read_metrics():
        abort(404)  # not 403: the address says nothing to whoever finds it
    return Response(exposition(_QueueDepth()), mimetype=CONTENT_TYPE_LATEST)
