"""What the bench scripts share, under one name: ``from bench import common``.

The pieces live in ``harness`` (settings, output, processes, gunicorn), ``wrk_load`` (wrk
runs) and ``scratch`` (scratch PostgreSQL databases).
"""

from __future__ import annotations

from bench.harness import (
    BIN,
    CONNECTIONS,
    DEADLINE,
    PG_URL,
    ROOT,
    WORKERS,
    BenchError,
    emit,
    flask_env,
    free_port,
    get,
    gunicorn,
    load,
    machine,
    migration_head,
    missed_targets,
    note,
    remaining,
    run,
    server_errors,
    stop,
)
from bench.scratch import Scratch, checkpoint, migrated_scratch, scratch_database
from bench.wrk_load import (
    DRAIN_SECONDS,
    WRK_SCRIPT,
    WRK_TALLY,
    WRK_THREADS,
    WrkResult,
    drain,
    parse_wrk,
    wrk,
)

__all__ = [
    "BIN",
    "CONNECTIONS",
    "DEADLINE",
    "DRAIN_SECONDS",
    "PG_URL",
    "ROOT",
    "WORKERS",
    "WRK_SCRIPT",
    "WRK_TALLY",
    "WRK_THREADS",
    "BenchError",
    "Scratch",
    "WrkResult",
    "checkpoint",
    "drain",
    "emit",
    "flask_env",
    "free_port",
    "get",
    "gunicorn",
    "load",
    "machine",
    "migrated_scratch",
    "migration_head",
    "missed_targets",
    "note",
    "parse_wrk",
    "remaining",
    "run",
    "scratch_database",
    "server_errors",
    "stop",
    "wrk",
]
