"""Forms that write money, sent once however often they are sent.

Each such form carries a hidden one-time submission key, made when the page is rendered
(``submission_key()`` in templates, ``SubmissionKeyField`` in a FlaskForm). ``attempt_once``
runs the write through ``attempt`` (a savepoint; a refusal rolls it back) and
``app.services.idempotency.run_once`` (the key, unique per company): a reload, Back and
submit, a double click or two requests at once all end with one entry, and the repeat is
answered as the first was, without writing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import flash
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp

from app.models import IdempotencyKey
from app.services.errors import DomainError
from app.services.idempotency import KEY, Replayed, fingerprint, run_once
from app.web.boundary import attempt
from app.web.guards import acting

T = TypeVar("T")


def submission_key() -> str:
    """A fresh one-time key for a form being rendered (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


class SubmissionKeyField(HiddenField):
    """The form's one-time key: made when the form is built, sent back as it was."""

    def __init__(self, **kwargs: object) -> None:
        message = _l("This form is out of date: reload the page and enter it again.")
        super().__init__(
            default=submission_key,
            validators=[InputRequired(message), Regexp(KEY.pattern, message=message)],
            **kwargs,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Once(Generic[T]):
    """What ``attempt_once`` got: this request's value, the refusal, or the earlier use of
    the key (``replayed``; ``same_request`` False if it came back with other values)."""

    value: T | None = None
    error: DomainError | None = None
    replayed: IdempotencyKey | None = None
    same_request: bool = True

    @property
    def ok(self) -> bool:
        return self.error is None and self.replayed is None


def attempt_once(
    key: str | None,
    action: str,
    parts: tuple[object, ...],
    write: Callable[[], T],
    result_of: Callable[[T], str],
    *,
    form: object | None = None,
    quiet: tuple[type[DomainError], ...] = (),
) -> Once[T]:
    """Run ``write`` once for ``key``; ``parts`` are what the request asked (its target and
    values). A refusal goes on ``form``'s field or is flashed, unless it is one of ``quiet``
    (the caller shows it); a replay is not flashed (the caller says what was done)."""
    outcome = attempt(
        lambda: run_once(
            acting(), key or "", action, fingerprint(action, *parts), write, result_of
        ),
        form,
        flash_refusal=False,
    )
    error = outcome.error
    if isinstance(error, Replayed):
        return Once(replayed=error.earlier, same_request=error.same_request)
    if error is not None:
        shown = form is not None and error.field and getattr(form, error.field, None) is not None
        if not shown and not isinstance(error, quiet):
            flash(str(error), "danger")
        return Once(error=error)
    return Once(value=outcome.value)


def flash_replay(once: Once[Any], already: str) -> None:
    """Tell the person their repeated form changed nothing: ``already`` says what the first
    one did; a form sent again with other values is told to start afresh."""
    if once.same_request:
        flash(already, "info")
    else:
        flash(
            gettext(
                "This form was already used, and what it sent then is recorded; nothing"
                " was changed now. To enter something new, use the form on the page again."
            ),
            "warning",
        )
