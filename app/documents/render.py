"""HTML to PDF with WeasyPrint, fetching nothing from outside and bounded in time and memory.

WeasyPrint follows every URL scheme by default (PITFALLS): ``StaticOnlyFetcher`` serves the
files under ``static/`` and refuses everything else, so user text can neither pull a server
file into a PDF nor make the server call a URL. Each render runs in a child forked from the
worker, which has WeasyPrint and its fonts loaded already: the child gets an alarm and an
address-space cap, so a runaway layout is killed without taking the worker with it.
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import weasyprint
from PIL import ImageFile
from weasyprint.text.ffi import harfbuzz_subset
from weasyprint.urls import URLFetcher, URLFetcherResponse

LOG = logging.getLogger(__name__)

# Importing WeasyPrint makes Pillow accept truncated images process-wide. Our documents embed
# no raster images (codes are SVG), and listing uploads must refuse truncated files.
ImageFile.LOAD_TRUNCATED_IMAGES = False

STATIC_ROOT = Path(__file__).resolve().parents[2] / "static"
# Our templates name our own assets with this scheme: corridor-static:/documents/x.css
STATIC_SCHEME = "corridor-static:"


class RenderFailed(RuntimeError):
    """The PDF could not be made (layout error, time or memory limit)."""


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves ``corridor-static:`` paths from ``static/``; refuses every other URL."""

    def __init__(self, root: Path = STATIC_ROOT) -> None:
        super().__init__(allowed_protocols=())
        self._root = root.resolve()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_SCHEME):
            # Not fatal: the layout goes on without the resource, as for a broken image.
            raise ValueError(f"refused to fetch {url[:80]!r}")
        relative = url.removeprefix(STATIC_SCHEME).lstrip("/")
        path = (self._root / relative).resolve()
        if not path.is_relative_to(self._root) or not path.is_file():
            raise ValueError(f"no such static file {relative[:80]!r}")
        return URLFetcherResponse(url, body=path.read_bytes())


def check_subsetting() -> bool:
    """Warn when HarfBuzz subsetting is missing: fonts then cost ~60 % more time per PDF."""
    if harfbuzz_subset is None:
        LOG.warning(
            "libharfbuzz-subset0 is not installed: PDF font subsetting falls back to"
            " fontTools and documents render about 60%% slower (run `make prepare`)"
        )
        return False
    return True


def _write_pdf(html: str, options: dict[str, Any]) -> bytes:
    document = weasyprint.HTML(string=html, url_fetcher=StaticOnlyFetcher())
    pdf: bytes = document.write_pdf(**options)
    return pdf


_warmed = False


def _warm_up() -> None:
    # Fontconfig and Pango build their caches on the first layout: do it once in the
    # worker so every forked child inherits them instead of paying for them each time.
    global _warmed
    if not _warmed:
        _write_pdf("<p style=\"font-family: 'Noto Sans CJK SC', sans-serif\">Corridor 走廊</p>", {})
        _warmed = True


def _address_space_limit(extra_mb: int) -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE") + extra_mb * 1024 * 1024


def _in_child(
    work: Callable[[], bytes], write_fd: int, time_limit: float, memory_mb: int
) -> None:  # pragma: no cover - runs in the forked child, which never returns
    status = 1
    try:
        signal.alarm(max(1, int(time_limit + 0.999)))
        limit = _address_space_limit(memory_mb)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            payload = pickle.dumps(("ok", work()))
            status = 0
        except BaseException as error:
            payload = pickle.dumps(("error", f"{type(error).__name__}: {error}"[:2000]))
        view = memoryview(payload)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
    finally:
        os._exit(status)


def run_bounded(work: Callable[[], bytes], *, time_limit: float, memory_mb: int) -> bytes:
    """``work()`` in a forked child, killed after ``time_limit`` s or past ``memory_mb``."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read_fd)
        _in_child(work, write_fd, time_limit, memory_mb)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + time_limit + 5
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                raise RenderFailed(f"rendering took longer than {time_limit:.0f} s")
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        _, wait_status = os.waitpid(pid, 0)
    if not chunks:
        if os.WIFSIGNALED(wait_status):
            name = signal.Signals(os.WTERMSIG(wait_status)).name
            raise RenderFailed(f"rendering stopped by {name} (time or memory limit)")
        raise RenderFailed("rendering ended without a result")
    outcome, value = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's bytes
    if outcome != "ok":
        raise RenderFailed(value)
    result: bytes = value
    return result


def render_pdf(
    html: str,
    *,
    pdf_variant: str | None = None,
    finish: Callable[[bytes], bytes] | None = None,
    time_limit: float = 60,
    memory_mb: int = 512,
) -> bytes:
    """PDF bytes for ``html`` (``finish`` post-processes them in the same bounded child)."""
    _warm_up()
    options: dict[str, Any] = {"pdf_variant": pdf_variant} if pdf_variant else {}

    def work() -> bytes:
        pdf = _write_pdf(html, options)
        return finish(pdf) if finish is not None else pdf

    return run_bounded(work, time_limit=time_limit, memory_mb=memory_mb)
