"""Prometheus metrics: defined once here, counted where the work happens.

Under gunicorn every worker is a process of its own: with ``PROMETHEUS_MULTIPROC_DIR`` set
(gunicorn.conf.py and ``make serve`` set it) each writes its counts to files there and
``/metrics`` adds them up, the job consumer's included when it runs on the same machine.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "corridor_http_requests_total", "Requests answered", ["route", "method", "status"]
)
REQUEST_SECONDS = Histogram(
    "corridor_http_request_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
JOBS_FAILED = Counter("corridor_jobs_failed_total", "Job runs that raised", ["job"])
DOCUMENTS_RENDERED = Counter(
    "corridor_documents_rendered_total", "Issued documents rendered to PDF", ["outcome"]
)
WEBHOOK_DELIVERIES = Counter(
    "corridor_webhook_deliveries_total", "Webhook deliveries", ["direction", "outcome"]
)
EMAILS_SENT = Counter("corridor_emails_sent_total", "Outbox e-mails sent or logged")

__all__ = [
    "CONTENT_TYPE_LATEST",
    "DOCUMENTS_RENDERED",
    "EMAILS_SENT",
    "JOBS_FAILED",
    "REQUESTS",
    "REQUEST_SECONDS",
    "WEBHOOK_DELIVERIES",
    "exposition",
]


def exposition(*extra: Collector) -> bytes:
    """The text ``/metrics`` answers: every process's counts, plus ``extra`` read now."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        counted = CollectorRegistry()
        MultiProcessCollector(counted, path=directory)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    now = CollectorRegistry()
    for collector in extra:
        now.register(collector)
    return generate_latest(counted) + generate_latest(now)
