"""Production refuses to start without what several machines need, one clear line each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import ProductionConfig, production_refusals

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = {
    "SECRET_KEY": "k" * 48,
    "DATABASE_URL": "postgresql+psycopg://corridor@db.internal:5432/corridor",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "MAIL_SERVER": "smtp.internal",
    "STORAGE_BACKEND": "s3",
    "S3_BUCKET": "corridor-files",
    "PUBLIC_BASE_URL": "https://corridor.example",
}
SCHEMES = ProductionConfig.DATABASE_SCHEMES


def test_a_complete_environment_is_accepted() -> None:
    assert production_refusals(COMPLETE, SCHEMES) == []


def test_an_empty_environment_gets_one_line_per_missing_setting() -> None:
    assert production_refusals({}, SCHEMES) == [
        "SECRET_KEY must be set to at least 32 random characters.",
        "DATABASE_URL must name a real database.",
        "REDIS_URL must name the Redis server (job queue, login throttle, shared cache).",
        "MAIL_SERVER must be set, or MAIL_LOG_ONLY=1 to write e-mails to the log.",
        "STORAGE_BACKEND must be s3 (with S3_BUCKET) or local (with FILE_ROOT on shared storage).",
        "PUBLIC_BASE_URL must be set to the site's public address, e.g."
        " https://corridor.example: links in e-mails and on documents start with it.",
    ]


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        (
            {"DATABASE_URL": "sqlite:////srv/corridor.sqlite3"},
            "DATABASE_URL must name a PostgreSQL database (postgresql+psycopg://...).",
        ),
        (
            {"REDIS_URL": ""},
            "REDIS_URL must name the Redis server (job queue, login throttle, shared cache).",
        ),
        (
            {"MAIL_SERVER": "", "MAIL_LOG_ONLY": "0"},
            "MAIL_SERVER must be set, or MAIL_LOG_ONLY=1 to write e-mails to the log.",
        ),
        ({"S3_BUCKET": ""}, "S3_BUCKET must name the bucket for files."),
        (
            {"STORAGE_BACKEND": "local"},
            "FILE_ROOT must name the shared directory every machine mounts for files.",
        ),
        (
            {"STORAGE_BACKEND": "nfs"},
            "STORAGE_BACKEND must be s3 (with S3_BUCKET) or local (with FILE_ROOT on shared storage).",
        ),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set to at least 32 random characters."),
    ],
    ids=["sqlite", "no-redis", "no-mail", "no-bucket", "local-no-root", "unknown-backend", "weak"],
)
def test_each_missing_piece_is_named_alone(changes: dict[str, str], refusal: str) -> None:
    assert production_refusals({**COMPLETE, **changes}, SCHEMES) == [refusal]


def test_logging_e_mails_and_a_shared_directory_are_explicit_choices_production_accepts() -> None:
    chosen = {
        **COMPLETE,
        "MAIL_SERVER": "",
        "MAIL_LOG_ONLY": "1",
        "STORAGE_BACKEND": "local",
        "FILE_ROOT": "/srv/shared/corridor-files",
    }
    assert production_refusals(chosen, SCHEMES) == []


def _check(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    keep = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, "config.py"],
        cwd=ROOT,
        env={**keep, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_make_serves_check_prints_the_refusals_and_fails_then_passes_when_complete() -> None:
    refused = _check({"SECRET_KEY": "k" * 48, "PUBLIC_BASE_URL": "https://corridor.example"})
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "refused: DATABASE_URL must name a real database.",
        "refused: REDIS_URL must name the Redis server (job queue, login throttle, shared cache).",
        "refused: MAIL_SERVER must be set, or MAIL_LOG_ONLY=1 to write e-mails to the log.",
        "refused: STORAGE_BACKEND must be s3 (with S3_BUCKET) or local (with FILE_ROOT on"
        " shared storage).",
    ]
    accepted = _check(COMPLETE)
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stderr == ""
