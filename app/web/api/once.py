"""An API write run once per ``Idempotency-Key``: the money-writing forms' mechanism
(``app.services.idempotency.run_once``, the key unique per company) for an ERP's calls.

Without the header the write just runs. With it (16 to 64 letters, digits, ``-`` or ``_``)
the first request claims the key and keeps what it made (a public id): the same key sent
again for the same request writes nothing and hands that id back (the view answers ``200``
with it, as ``POST /orders`` does), for another request ``409``. A refused write releases
the key with it, so the corrected request may use the key again. Used by the RFQ and quote
writes and the proof of transfer.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.services.idempotency import KEY, Replayed, fingerprint, run_once
from app.web.api.views import _actor
from app.web.boundary import attempt
from app.web.errors import render_error

# (public id made or replayed, whether it was a replay, the refusal to answer instead)
KeyedWrite = tuple[str | None, bool, ResponseReturnValue | None]


def write_once(action: str, target: str, sent: object, write: Callable[[], str]) -> KeyedWrite:
    """Run ``write`` (which returns a public id) once per the request's Idempotency-Key.

    ``action`` names the kind of write, ``target`` what it is written on, ``sent`` what the
    request sent (its values, or a file's SHA-256): together the request's fingerprint.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if key and not KEY.fullmatch(key):
        # Refused here in the API's words; ``run_once`` would tell a form to reload the page.
        return (
            None,
            False,
            render_error(
                422,
                gettext("The Idempotency-Key header is 16 to 64 letters, digits, - or _."),
                path="Idempotency-Key",
            ),
        )
    run: Callable[[], str] = write
    if key:
        request_print = fingerprint(action, target, sent)

        def run() -> str:
            return run_once(_actor(), key, action, request_print, write, lambda value: value)

    outcome = attempt(run, flash_refusal=False)
    error = outcome.error
    if isinstance(error, Replayed):
        if not error.same_request:
            return (
                None,
                False,
                render_error(
                    409, gettext("This Idempotency-Key was used for another request."), None
                ),
            )
        return error.earlier.result_id, True, None
    if error is not None:
        return (
            None,
            False,
            render_error(
                error.status, str(error), error.field, path=error.path, error_code=error.code
            ),
        )
    return outcome.value, False, None
