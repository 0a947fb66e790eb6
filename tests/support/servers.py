"""Real server processes started by a test: waiting until one answers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def server_env(work: Path, **extra: str) -> dict[str, str]:
    """The environment of a development server with its own database, queue and files
    under ``work``; the test run's own settings (TEST_*, FLASK_*, Redis) left out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "FLASK_"))}
    env.pop("REDIS_URL", None)
    env.update(
        CORRIDOR_CONFIG="development",
        FLASK_APP="wsgi.py",
        DATABASE_URL=f"sqlite:///{work / 'corridor.sqlite3'}",
        CORRIDOR_INSTANCE_DIR=str(work / "instance"),
        HUEY_SQLITE_PATH=str(work / "queue.sqlite3"),
        MEDIA_ROOT=str(work / "media"),
        SECRET_KEY=secrets.token_urlsafe(32),
        RATELIMIT_STORAGE_URI="memory://",
        **extra,
    )
    return env


def seed_demo(env: dict[str, str], log: IO[bytes]) -> None:
    """Migrate the server's database and seed the demo world into it."""
    for step in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run(
            [str(BIN / "flask"), *step], cwd=ROOT, env=env, check=True, stdout=log, stderr=log
        )


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    """Return once ``url`` answers; fail at once if ``process`` exits first."""
    # A ceiling, not a wait: on a busy 2-core machine the first start (migrations
    # compiled, fonts and templates loaded) has taken over 30 s.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")
