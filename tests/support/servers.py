"""Real server processes started by a test: waiting until one answers."""

from __future__ import annotations

import subprocess
import time
import urllib.request


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
