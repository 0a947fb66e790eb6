"""HTML to PDF with WeasyPrint, fetching nothing from outside and bounded in time and memory.

WeasyPrint follows every URL scheme by default (PITFALLS): ``StaticOnlyFetcher`` serves the
files under ``static/`` and refuses everything else, so user text can neither pull a server
file into a PDF nor make the server call a URL. Each render is bounded in time and memory
(``run_bounded``), so a runaway layout fails the job without taking the worker with it.
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import select
import signal
import threading
import time
import warnings
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
# And a company's logo and stamp, handed to the render as bytes: corridor-picture:logo
PICTURE_SCHEME = "corridor-picture:"


class RenderFailed(RuntimeError):
    """The PDF could not be made (layout error, time or memory limit)."""


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves ``corridor-static:`` paths from ``static/`` and the pictures given for this
    render as ``corridor-picture:<name>``; refuses every other URL."""

    def __init__(self, root: Path = STATIC_ROOT, pictures: dict[str, bytes] | None = None) -> None:
        super().__init__(allowed_protocols=())
        self._root = root.resolve()
        self._pictures = dict(pictures or {})

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith(PICTURE_SCHEME):
            picture = self._pictures.get(url.removeprefix(PICTURE_SCHEME))
            if picture is None:
                raise ValueError(f"no picture {url[:80]!r} for this document")
            return URLFetcherResponse(url, body=picture)
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


def write_pdf(
    html: str, *, pdf_variant: str | None = None, pictures: dict[str, bytes] | None = None
) -> bytes:
    """PDF bytes for ``html``, in this process and unbounded: for trusted HTML only."""
    options: dict[str, Any] = {"pdf_variant": pdf_variant} if pdf_variant else {}
    with warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB profile for PDF/A and never closes the file.
        warnings.simplefilter("ignore", ResourceWarning)
        fetcher = StaticOnlyFetcher(pictures=pictures)
        document = weasyprint.HTML(string=html, url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(**options)
        del document
    return pdf


def _address_space_limit(extra_mb: int) -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE") + extra_mb * 1024 * 1024


def _in_child(
    work: Callable[[], bytes], write_fd: int, time_limit: float, memory_mb: int
) -> None:  # pragma: no cover - runs in the forked child, which never returns
    status = 1
    try:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the alarm kills, whatever the parent set
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


class _TimeUp(Exception):
    pass


def _time_up(signum: int, frame: object) -> None:
    raise _TimeUp


def run_bounded(work: Callable[[], bytes], *, time_limit: float, memory_mb: int) -> bytes:
    """``work()`` stopped after ``time_limit`` seconds or past ``memory_mb`` more memory.

    On a process's main thread (a process job worker, a command, the tests) the bounds are
    a timer signal and a lowered soft address-space limit around the call, restored after;
    elsewhere (thread workers, where signals cannot reach) the work runs in a forked child.
    Both raise ``RenderFailed``.
    """
    if threading.current_thread() is threading.main_thread():
        return _run_here(work, time_limit, memory_mb)
    return _run_in_child(work, time_limit, memory_mb)


def _run_here(work: Callable[[], bytes], time_limit: float, memory_mb: int) -> bytes:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space_limit(memory_mb)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    previous = signal.signal(signal.SIGALRM, _time_up)
    # Someone else's timer (a supervisor's, pytest-timeout's) resumes afterwards.
    other_timer, _ = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        return work()
    except _TimeUp:
        raise RenderFailed(f"rendering took longer than {time_limit:.0f} s") from None
    except MemoryError:
        raise RenderFailed(f"rendering needed more than {memory_mb} MB") from None
    except RenderFailed:
        raise
    except Exception as error:
        raise RenderFailed(f"{type(error).__name__}: {error}"[:2000]) from error
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if other_timer:
            left = other_timer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _run_in_child(work: Callable[[], bytes], time_limit: float, memory_mb: int) -> bytes:
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
    pictures: dict[str, bytes] | None = None,
) -> bytes:
    """PDF bytes for ``html`` (``finish`` post-processes them in the same bounded child)."""

    def work() -> bytes:
        pdf = write_pdf(html, pdf_variant=pdf_variant, pictures=pictures)
        return finish(pdf) if finish is not None else pdf

    return run_bounded(work, time_limit=time_limit, memory_mb=memory_mb)
