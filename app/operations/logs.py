"""JSON log lines, one object a line, carrying the request id of the work that wrote them.

A request gets an id when it arrives (or keeps a sane ``X-Request-ID`` a proxy set); the
id is sent back in the response header and printed on error pages, so an operator can find
a user's failed request from the reference they quote. Jobs a request queued carry its id
(``app.tasks.job``), so their log lines name the request that asked for them.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_request_id: ContextVar[str | None] = ContextVar("corridor_request_id", default=None)
# A proxy's id is kept only if it cannot smuggle anything into a log line or a header.
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# LogRecord attributes every record has; anything else was passed in ``extra=`` and is kept.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


def new_request_id(offered: str | None = None) -> str:
    """The id for this piece of work: a proxy's sane ``offered`` id, else a random one."""
    return offered if offered and _SANE_ID.fullmatch(offered) else secrets.token_hex(8)


def current_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> object:
    """Make ``value`` the id of the work in hand; returns a token for ``reset_request_id``."""
    return _request_id.set(value)


def reset_request_id(token: object) -> None:
    _request_id.reset(token)  # type: ignore[arg-type]


def _stamp_request_id(
    factory: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    # The id is taken when the line is written, not when a handler formats it later
    # (perhaps on another thread, after the request ended).
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        request_id = _request_id.get()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return record

    make.corridor_stamps_request_ids = True  # type: ignore[attr-defined]
    return make


if not getattr(logging.getLogRecordFactory(), "corridor_stamps_request_ids", False):
    logging.setLogRecordFactory(_stamp_request_id(logging.getLogRecordFactory()))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure_logging(json_lines: bool) -> None:
    """INFO and up to standard error: JSON lines in production, plain text otherwise."""
    handler = logging.StreamHandler()
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # WeasyPrint narrates every step of every PDF at INFO: seven lines per document.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
