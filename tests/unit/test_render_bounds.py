"""Rendering is bounded in time and memory, on a main thread (in place) and on any other
thread (in a forked child); the worker survives and its limits come back as they were."""

from __future__ import annotations

import re
import resource
import signal
import threading
import time
from collections.abc import Callable

import pytest

from app.documents.render import RenderFailed, run_bounded


def _sleeps() -> bytes:
    time.sleep(30)
    return b"late"


def _hogs_memory() -> bytes:
    return bytes(2_000_000_000)


def _fails() -> bytes:
    raise ValueError("layout exploded")


def _on_a_thread(call: Callable[[], bytes]) -> bytes | BaseException:
    outcome: list[bytes | BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # handed back to the test
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return outcome[0]


@pytest.mark.parametrize("place", ["main thread", "other thread"])
@pytest.mark.parametrize(
    ("work", "message"),
    [(_sleeps, "longer than 1 s|SIGALRM"), (_hogs_memory, "Memory|MB"), (_fails, "exploded")],
)
def test_bounds_stop_the_work_with_a_clear_failure(
    place: str, work: Callable[[], bytes], message: str
) -> None:
    def call() -> bytes:
        return run_bounded(work, time_limit=1, memory_mb=256)

    started = time.monotonic()
    if place == "main thread":
        with pytest.raises(RenderFailed, match=message):
            call()
    else:
        outcome = _on_a_thread(call)
        assert isinstance(outcome, RenderFailed)
        assert re.search(message, str(outcome)), outcome
    # Without the bound this would take 30 s; a busy machine still ends well before.
    assert time.monotonic() - started < 15


@pytest.mark.parametrize("place", ["main thread", "other thread"])
def test_the_result_comes_back_and_the_limits_are_restored(place: str) -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    handler = signal.getsignal(signal.SIGALRM)
    other_timer, _ = signal.getitimer(signal.ITIMER_REAL)

    def call() -> bytes:
        return run_bounded(lambda: b"%PDF-1.7 fine", time_limit=5, memory_mb=256)

    result = call() if place == "main thread" else _on_a_thread(call)
    assert result == b"%PDF-1.7 fine"
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert signal.getsignal(signal.SIGALRM) == handler
    # Whoever had a timer running (pytest-timeout does) still has it, not ours.
    remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    assert (remaining == 0) if other_timer == 0 else (0 < remaining <= other_timer)
