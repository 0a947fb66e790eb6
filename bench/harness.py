"""What every bench script shares: settings, output lines, subprocesses run within the
run's deadline, and gunicorn serving ``bench.wsgi_bench:app`` on a free loopback port.

The scripts reach these, with ``wrk_load`` and ``scratch``, through ``bench.common``.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/")
DEADLINE = time.monotonic() + int(os.environ.get("BENCH_DEADLINE", "3600"))


class BenchError(RuntimeError):
    """A step failed: the run reports it and exits non-zero."""


def remaining(step: str) -> float:
    left = DEADLINE - time.monotonic()
    if left <= 0:
        raise BenchError(f"BENCH_DEADLINE reached before {step}")
    return left


def emit(name: str, value: float | int, unit: str) -> None:
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"BENCH {name} {text} {unit}", flush=True)


def note(message: str) -> None:
    print(f"# {message}", flush=True)


# -- machine and code identity -----------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "memory": memory}


def migration_head() -> str:
    """The revision no other migration names as its down_revision."""
    revisions: dict[str, str | None] = {}
    for path in (ROOT / "migrations" / "versions").glob("*.py"):
        source = path.read_text()
        revision = re.search(r"^revision\s*=\s*['\"]([^'\"]+)", source, re.MULTILINE)
        down = re.search(r"^down_revision\s*=\s*['\"]([^'\"]+)", source, re.MULTILINE)
        if revision:
            revisions[revision.group(1)] = down.group(1) if down else None
    heads = sorted(set(revisions) - {d for d in revisions.values() if d})
    return "+".join(heads) or "none"


# -- processes ---------------------------------------------------------------------------


def flask_env(database_url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "FLASK_DEBUG"}}
    env.update(
        CORRIDOR_CONFIG="development",
        DATABASE_URL=database_url,
        CORRIDOR_INSTANCE_DIR=str(instance),
        SECRET_KEY=secrets.token_urlsafe(48),
        FLASK_APP="wsgi.py",
        HUEY_SQLITE_PATH=str(instance / "queue.sqlite3"),
        RATELIMIT_STORAGE_URI="memory://",
        PYTHONUNBUFFERED="1",
    )
    return env


def run(args: Sequence[str], env: dict[str, str], step: str, timeout: float = 900) -> str:
    limit = min(timeout, remaining(step))
    try:
        completed = subprocess.run(
            list(args),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{step}: no answer within {limit:.0f} s") from error
    if completed.returncode != 0:
        raise BenchError(
            f"{step} failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )
    return completed.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


@contextlib.contextmanager
def gunicorn(database_url: str, instance: Path, log: Path) -> Iterator[str]:
    """Serve bench.wsgi_bench:app on a free loopback port; yields the base URL."""
    port = free_port()
    env = flask_env(database_url, instance)
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(WORKERS),
                "--threads",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--log-level",
                "warning",
                "bench.wsgi_bench:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + min(60, remaining("gunicorn start"))
            while True:
                if process.poll() is not None:
                    raise BenchError(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
                with contextlib.suppress(OSError):
                    if get(base + "/bench/hello", timeout=2)[0] == 200:
                        break
                if time.monotonic() > deadline:
                    raise BenchError("gunicorn did not answer within 60 s")
                time.sleep(0.2)
            yield base
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # Our own session: the master and the workers it forked, nothing else.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def server_errors(log: Path) -> list[str]:
    text = log.read_text(errors="replace")
    return [
        line
        for line in text.splitlines()
        if "Traceback" in line or "[ERROR]" in line or "WORKER TIMEOUT" in line
    ]


def load() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


def missed_targets(targets: dict[str, tuple[str, float]], figures: dict[str, float]) -> list[str]:
    """``name value (target op limit)`` for each figure that misses its target."""
    compare = {
        "<": lambda value, limit: value < limit,
        "<=": lambda value, limit: value <= limit,
        ">=": lambda value, limit: value >= limit,
    }
    return [
        f"{name} {figures[name]:.3f} (target {op} {limit})"
        for name, (op, limit) in targets.items()
        if not compare[op](figures[name], limit)
    ]
