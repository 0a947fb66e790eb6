"""Jobs run through the real queue: a consumer process on Redis and on the SQLite default.

The e-mail outbox is the first job: a message written in a committed transaction is
picked up by a separate consumer process (``python -m app.worker``) and marked sent.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from app.database import commit, rollback
from app.extensions import db
from app.models import OutboxEmail
from app.services.outbox import queue_email

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = "redis://127.0.0.1:6379/15"

ENQUEUE = """
from app import create_app
from app.database import commit
from app.services.outbox import queue_email

app = create_app()
with app.app_context():
    queue_email("buyer@example.com", "Order accepted", "Your order was accepted.")
    commit()
"""


def _environment(tmp_path: Path, backend: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEST_", "PYTEST_", "REDIS_", "HUEY_"))
    }
    env.update(
        CORRIDOR_CONFIG="development",
        CORRIDOR_INSTANCE_DIR=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        SECRET_KEY="jobs-test-" + uuid.uuid4().hex * 2,
        HUEY_NAME=f"corridor-test-{uuid.uuid4().hex}",
        FLASK_APP="wsgi.py",
    )
    if backend == "redis":
        env["REDIS_URL"] = REDIS_URL
    else:
        env["HUEY_SQLITE_PATH"] = str(tmp_path / "queue.sqlite3")
    return env


def _sent_messages(database: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(database) as connection:
        return list(connection.execute("SELECT to_address, sent_at FROM outbox_emails"))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_consumer_process_sends_a_committed_outbox_email(tmp_path: Path, backend: str) -> None:
    env = _environment(tmp_path, backend)
    subprocess.run(
        [BIN / "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    subprocess.run(
        [sys.executable, "-c", ENQUEUE], env=env, cwd=ROOT, check=True, capture_output=True
    )
    database = tmp_path / "jobs.sqlite3"
    # Queued, not yet sent: nothing runs the job until a consumer does.
    assert _sent_messages(database) == [("buyer@example.com", None)]

    log = (tmp_path / "consumer.log").open("wb")
    consumer = subprocess.Popen(
        [BIN / "python", "-m", "app.worker", "--workers", "1", "--worker-type", "thread"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = _sent_messages(database)
            if rows and rows[0][1] is not None:
                break
            assert consumer.poll() is None, (tmp_path / "consumer.log").read_text()
            time.sleep(0.2)
        else:
            pytest.fail("no e-mail sent in 60 s:\n" + (tmp_path / "consumer.log").read_text())
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
        log.close()
        if backend == "redis":
            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"huey.*{env['HUEY_NAME']}*"):
                client.delete(key)
    assert rows[0][0] == "buyer@example.com"


def test_rolled_back_transaction_sends_nothing(app_ctx: None) -> None:
    queue_email("buyer@example.com", "Never sent", "The order was not placed.")
    rollback()
    assert db.session.scalars(select(OutboxEmail)).all() == []


def test_job_runs_after_commit_in_immediate_mode(app_ctx: None) -> None:
    message = queue_email("buyer@example.com", "Order accepted", "Your order was accepted.")
    assert message.sent_at is None
    commit()
    db.session.refresh(message)
    assert message.sent_at is not None
