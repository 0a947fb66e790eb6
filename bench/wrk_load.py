"""Load with wrk: the Lua script that cycles through a list of paths and tallies the
answers outside 2xx, reading wrk's output, and waiting out what a run left in flight."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.harness import CONNECTIONS, BenchError, get, note, remaining, run

# Longest wait for the server to finish what a wrk run left behind (gunicorn's timeout is 60).
DRAIN_SECONDS = 120
WRK_THREADS = 2

WRK_SCRIPT = """
local paths = {%(paths)s}
local cold = %(cold)s
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  first_bad = 0
  counter = id * 7919
end

function request()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  if cold then
    -- A price ceiling no request asked before: a new filter set, a facet cache miss.
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. sep .. "currency=USD&price_max=" .. (%(ceiling)d + counter * %(threads)d + id)
  end
  return wrk.format("GET", path)
end

"""

# The end of every wrk script here: threads count the answers outside 2xx and report them
# as ``NON2XX <count> <first status>`` (read by ``parse_wrk``). A script names its threads
# in ``setup`` as ``threads`` and sets ``bad = 0; first_bad = 0`` in ``init``.
WRK_TALLY = """
function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local total, status = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
    if status == 0 then status = thread:get("first_bad") end
  end
  io.write(string.format("NON2XX %d %d\\n", total, status))
end
"""
WRK_SCRIPT += WRK_TALLY.replace("%", "%%")


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    first_bad_status: int
    socket_errors: int


_DURATION = re.compile(r"([\d.]+)(us|ms|s|m)\b")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = _DURATION.search(text)
    if not match:
        raise BenchError(f"cannot read a duration in {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    bad = re.search(r"^NON2XX (\d+) (\d+)", output, re.MULTILINE)
    if not (rps and p50 and p99 and total and bad):
        raise BenchError(f"cannot read wrk's output:\n{output}")
    socket_errors = 0
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        socket_errors = sum(int(group) for group in errors.groups())
    return WrkResult(
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        requests=int(total.group(1)),
        non_2xx=int(bad.group(1)),
        first_bad_status=int(bad.group(2)),
        socket_errors=socket_errors,
    )


def wrk(
    base: str,
    paths: Sequence[str],
    seconds: int,
    workdir: Path,
    cold: bool = False,
    connections: int = CONNECTIONS,
) -> WrkResult:
    """Load ``paths`` in turn for ``seconds`` over ``connections`` connections."""
    threads = min(WRK_THREADS, connections)
    script = workdir / f"mix-{secrets.token_hex(4)}.lua"
    quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    script.write_text(
        WRK_SCRIPT
        % {
            "paths": quoted,
            "cold": "true" if cold else "false",
            "threads": threads,
            # Each run's ceilings start at a new random point: a later run (or round)
            # must not meet the filter sets an earlier one left in the caches.
            "ceiling": 1_000_000 + secrets.randbelow(10**8) * 1000,
        }
    )
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        base + "/",
    ]
    output = run(args, dict(os.environ), "wrk", timeout=seconds + 30)
    with (workdir / "wrk.log").open("a") as log:
        log.write(f"== {base} {paths[:2]} cold={cold}\n{output}\n")
    result = parse_wrk(output)
    label = "hello" if list(paths) == ["/bench/hello"] else f"{len(paths)} paths"
    label += "" if connections == CONNECTIONS else f" over {connections} connection(s)"
    drained = drain(base)
    note(
        f"wrk {label}{' cold' if cold else ''}: {result.rps:.1f} req/s, p50 {result.p50_ms:.1f} ms,"
        f" p99 {result.p99_ms:.1f} ms, {result.requests} requests, {result.non_2xx} non-2xx,"
        f" {result.socket_errors} socket errors; server idle again after {drained:.1f} s"
    )
    return result


def drain(base: str) -> float:
    """Wait until the requests wrk left behind are done (hello answers at once again).

    wrk stops with up to one request per connection still queued or running; a sync
    worker finishes them even though nobody waits. Without this, one run's leftovers
    would slow the next run down.
    """
    started = time.monotonic()
    deadline = started + min(DRAIN_SECONDS, remaining("drain"))
    quick = 0
    while quick < 3:
        if time.monotonic() > deadline:
            raise BenchError(f"the server stayed busy {DRAIN_SECONDS} s after a wrk run")
        asked = time.monotonic()
        with contextlib.suppress(OSError):
            if get(base + "/bench/hello", timeout=DRAIN_SECONDS)[0] == 200:
                quick = quick + 1 if time.monotonic() - asked < 0.25 else 0
    return time.monotonic() - started
