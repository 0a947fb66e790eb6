"""The boundary every web request crosses: one unit of work, one mapping of refusals.

- **Unit of work.** A request's transaction commits once its view has returned a response
  (then the jobs it queued start), and rolls back when the view or a guard raised: an
  ``abort``, a domain error, anything. Views never commit or roll back themselves; jobs
  do the same in ``@job`` and CLI commands in ``app.cli``.
- **Refusals.** Domain errors that reach the boundary answer with their status
  (``DomainError.status``: 403 for ``NotAllowed``, 404 for ``NotFound``, 409 for a
  conflict, 422 otherwise): JSON for the API and machine clients, the error page for
  people. A view that wants the refusal shown on its form instead runs the service
  through ``attempt``, which rolls back and puts the message on the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import Flask, Response, flash, g
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.database import commit, rollback
from app.extensions import db
from app.services.errors import DomainError
from app.services.jobs import drop_pending, pending_count
from app.web.errors import csrf_message, render_error

T = TypeVar("T")

_FAILED = "corridor_unit_of_work_failed"


def _abandon() -> None:
    """Roll the request's work back; the error response that follows commits nothing."""
    rollback()
    setattr(g, _FAILED, True)


def _finish(response: Response) -> Response:
    if not g.get(_FAILED):
        commit()
    return response


def commit_before_view() -> None:
    """Keep what a guard wrote (an API token's last use) even if the view is refused."""
    commit()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What ``attempt`` got: the service's answer, or the refusal it showed."""

    value: T | None = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def attempt(
    action: Callable[[], T], form: object | None = None, *, flash_refusal: bool = True
) -> Outcome[T]:
    """Run ``action`` in a savepoint; a refusal undoes its work and is shown, not raised.

    Only the refused work goes (and the jobs it queued): what the view does next, such as
    a failed sign-in's audit row, commits with its answer as usual. The message goes on
    the form field the error names (``DomainError.field``), else it is flashed. Refusals
    with a status of their own (``NotAllowed``, ``NotFound``) still reach the boundary's
    403 and 404 pages: a form cannot explain those away.
    """
    queued = pending_count()
    savepoint = db.session.begin_nested()
    try:
        value = action()
    except DomainError as error:
        savepoint.rollback()
        drop_pending(keep=queued)
        _keep_audited_refusal(error)
        if error.status in (403, 404):
            raise
        if not show_on_form(form, error) and flash_refusal:
            flash(str(error), "danger")
        return Outcome(error=error)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return Outcome(value=value)


def _keep_audited_refusal(error: DomainError) -> bool:
    """Record a refusal that must be audited (a licence gate's) after its work is undone."""
    record = getattr(error, "record_refusal", None)
    if not callable(record):
        return False
    record()
    return True


def show_on_form(form: object | None, error: DomainError) -> bool:
    """Put a service's refusal on the form field it names; False if it names none."""
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is None:
        return False
    field.errors = [*field.errors, str(error)]
    return True


def init_app(app: Flask) -> None:
    app.after_request(_finish)

    @app.errorhandler(DomainError)
    def _refused(error: DomainError) -> ResponseReturnValue:
        _abandon()
        if _keep_audited_refusal(error):
            commit()  # only the refusal's audit row: the refused work is rolled back
        return render_error(
            error.status, str(error), field=error.field, path=error.path, error_code=error.code
        )

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> ResponseReturnValue:
        _abandon()
        return render_error(400, csrf_message())

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue | HTTPException:
        _abandon()
        if error.response is not None:
            return error.response  # a view's own refusal (``abort(response)``), sent as is
        code = error.code or 500
        if code < 400:
            return error
        return render_error(code)

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> ResponseReturnValue:
        _abandon()
        return render_error(500)
