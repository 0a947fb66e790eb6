"""What an operator reads: request ids, one JSON log line per request, health, metrics."""

from __future__ import annotations

import contextlib
import json
import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.operations.logs import JsonFormatter
from tests.factories.accounts import UserFactory
from tests.support.auth import AuthActions


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "corridor.request"
    ]


def test_each_request_gets_an_id_in_its_header_and_its_json_log_line(
    client: FlaskClient, auth: AuthActions, caplog: pytest.LogCaptureFixture
) -> None:
    user = UserFactory(email="clerk@example.com")
    auth.login("clerk@example.com")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="corridor.request"):
        response = client.get("/company/")
    assert response.status_code == 200
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", request_id)
    [line] = _request_lines(caplog)
    assert line["request_id"] == request_id
    assert line["route"] == "/company/"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert line["user_id"] == user.id
    assert line["company_id"] == user.company_id
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "info"


def test_a_proxys_id_is_kept_and_a_hostile_one_replaced(client: FlaskClient) -> None:
    kept = client.get("/healthz/live", headers={"X-Request-ID": "edge-4f2a9c01"})
    assert kept.headers["X-Request-ID"] == "edge-4f2a9c01"
    replaced = client.get("/healthz/live", headers={"X-Request-ID": "'><script>alert(1)</script>"})
    assert re.fullmatch(r"[0-9a-f]{16}", replaced.headers["X-Request-ID"])


def test_the_error_page_prints_the_reference_an_operator_searches_for(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="corridor.request"):
        response = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    assert f"Reference: {request_id}" in response.get_data(as_text=True)
    [line] = _request_lines(caplog)
    assert line["route"] == "unmatched"
    assert line["status"] == 404
    assert line["user_id"] is None


def test_liveness_and_readiness_answer_apart(app: Flask, client: FlaskClient) -> None:
    assert client.get("/healthz/live").get_json() == {"status": "ok"}
    ready = client.get("/healthz/ready")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "database": "ok", "storage": "ok"}


def test_readiness_fails_when_storage_cannot_be_written(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from app.services.files.storage import LocalStorage

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the storage directory should be")
    monkeypatch.setitem(app.extensions, "corridor_file_storage", LocalStorage(blocker / "files"))
    ready = client.get("/healthz/ready")
    assert ready.status_code == 503
    assert ready.get_json() == {"status": "unavailable", "database": "ok", "storage": "unreachable"}
    assert client.get("/healthz/live").status_code == 200


def _count(text: str, route: str, status: str) -> float:
    pattern = (
        r'^corridor_http_requests_total\{method="GET",route="'
        + re.escape(route)
        + r'",status="'
        + status
        + r'"\} ([0-9.e+]+)$'
    )
    match = re.search(pattern, text, re.M)
    return float(match.group(1)) if match else 0.0


def test_metrics_count_requests_per_route_and_show_the_queue(client: FlaskClient) -> None:
    before = _count(client.get("/metrics").get_data(as_text=True), "/healthz/live", "200")
    for _ in range(3):
        client.get("/healthz/live")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert _count(text, "/healthz/live", "200") == before + 3
    assert 'corridor_http_request_seconds_bucket{le="0.01",route="/healthz/live"}' in text
    assert re.search(r"^corridor_job_queue_depth \d+\.0$", text, re.M)
    assert "corridor_jobs_failed_total" in text or "# TYPE corridor_jobs_failed" in text


def test_metrics_are_hidden_from_proxied_callers_unless_they_bring_the_token(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    through_proxy = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert through_proxy.status_code == 404
    from_outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert from_outside.status_code == 404

    monkeypatch.setitem(app.config, "METRICS_TOKEN", "scrape-token-8c1d")
    assert client.get("/metrics").status_code == 404
    wrong = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-0000"})
    assert wrong.status_code == 404
    right = client.get(
        "/metrics",
        headers={"Authorization": "Bearer scrape-token-8c1d", "X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert right.status_code == 200
    assert "corridor_http_requests_total" in right.get_data(as_text=True)


def test_a_job_logs_under_the_id_of_the_request_that_queued_it(
    app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.operations.logs import reset_request_id, set_request_id
    from app.services.outbox import queue_email
    from app.tasks import dispatch

    # Nothing listens on port 9 of loopback: sending fails, and the failure is logged.
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)
    with app.app_context():
        message = queue_email("buyer@example.com", "Order placed", "Your order was placed.")
    token = set_request_id("edge-7d3e2b10")
    try:
        # The immediate queue may pass the failure on, or keep it for a retry.
        with caplog.at_level(logging.ERROR, logger="app.tasks"), contextlib.suppress(OSError):
            dispatch("send_outbox_email", message.id)
    finally:
        reset_request_id(token)
    failures = [
        json.loads(JsonFormatter().format(record))
        for record in caplog.records
        if record.getMessage() == "job send_outbox_email failed"
    ]
    assert failures, "the failed job wrote no log line"
    assert failures[0]["request_id"] == "edge-7d3e2b10"
    assert failures[0]["job"] == "send_outbox_email"
