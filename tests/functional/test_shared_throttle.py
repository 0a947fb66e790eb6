"""Two server processes, one Redis: a login throttle counted in one holds in the other."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/13"

# One server process: the app on a shared SQLite file, its throttle in Redis; tries to
# sign in to one account with a wrong password ``tries`` times and prints the statuses.
PROCESS = """
import json, sys
import flask_migrate
from app import create_app
from app.extensions import db
from config import TestingConfig

class Config(TestingConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]
    RATELIMIT_STORAGE_URI = sys.argv[5]
    RATELIMIT_KEY_PREFIX = sys.argv[2]
    HUEY_SQLITE_PATH = sys.argv[1].removeprefix("sqlite:///") + ".queue"

app = create_app(Config)
if sys.argv[3] == "first":
    with app.app_context():
        flask_migrate.upgrade()
client = app.test_client()
statuses = [
    client.post("/login", data={"email": "li@mcct.example", "password": "wrong guess"}).status_code
    for _ in range(int(sys.argv[4]))
]
print(json.dumps(statuses))
"""


def _server_process(database: str, prefix: str, which: str, tries: int) -> list[int]:
    done = subprocess.run(
        [sys.executable, "-c", PROCESS, database, prefix, which, str(tries), REDIS],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    statuses: list[int] = json.loads(done.stdout.strip().splitlines()[-1])
    return statuses


def test_the_login_throttle_counted_by_one_process_holds_in_another(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    prefix = f"throttle-test-{secrets.token_hex(4)}"
    try:
        # Five wrong passwords a minute per account are allowed, the sixth is refused...
        assert _server_process(database, prefix, "first", 5) == [200] * 5
        # ...by another process too, which never saw the first five.
        assert _server_process(database, prefix, "second", 1) == [429]
    finally:
        store = redis.Redis.from_url(REDIS)
        keys = list(store.scan_iter(match=f"*{prefix}*"))
        if keys:
            store.delete(*keys)


def test_production_keeps_the_queue_and_the_throttle_in_redis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from config import ProductionConfig

    for name in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PUBLIC_BASE_URL", "REDIS_URL"):
        monkeypatch.setattr(ProductionConfig, name, getattr(ProductionConfig, name))
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setattr(ProductionConfig, "MAIL_SERVER", None)
    for key, value in {
        "SECRET_KEY": "k" * 48,
        "DATABASE_URL": "postgresql+psycopg://corridor@db.internal/corridor",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "MAIL_LOG_ONLY": "1",
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "corridor-files",
        "PUBLIC_BASE_URL": "https://corridor.example",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    ProductionConfig.validate()
    # Every process then counts sign-in attempts and queues jobs in the one Redis.
    assert ProductionConfig.REDIS_URL == "redis://redis.internal:6379/0"
    assert ProductionConfig.RATELIMIT_STORAGE_URI == "redis://redis.internal:6379/0"
