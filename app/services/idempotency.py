"""Idempotent writes: a request that writes money, sent twice, writes once.

Every form that writes money carries a one-time submission key made when the form was
rendered (an API client would send its own ``Idempotency-Key``). ``run_once`` inserts the
key (unique per company) before the write and stores what the write produced beside it:

- sent again later (a reload, Back and submit): the key is found, ``Replayed`` is raised
  and the caller answers with the first request's result, writing nothing;
- sent twice at once: the second INSERT meets the first's unique key. PostgreSQL makes it
  wait until the first commits and then refuses it; SQLite's write lock has already made
  the whole second request wait. Either way the second is a replay.

A refused write (a bad amount) rolls its key back with it, so the form can be corrected
and sent again with the same key. Services flush, never commit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import TypeVar

from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import IdempotencyKey
from app.services.audit.recording import Actor
from app.services.errors import Conflict, NotAllowed, ValidationFailed

T = TypeVar("T")

KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


class Replayed(Conflict):
    """The key was used before: ``earlier`` holds what the first request produced.

    ``same_request`` is False when the key came back with other values (a form changed
    after Back): not a replay of that request, yet nothing is written for it either.
    """

    def __init__(self, earlier: IdempotencyKey, same_request: bool) -> None:
        super().__init__(lazy_gettext("This form was sent before."))
        self.earlier = earlier
        self.same_request = same_request


def fingerprint(*parts: object) -> str:
    """What a request asked for, as a SHA-256: its target and the values it sent."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


def earlier_submission(company_id: int, key: str) -> IdempotencyKey | None:
    found: IdempotencyKey | None = db.session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.company_id == company_id, IdempotencyKey.key == key
        )
    )
    return found


def _replayed(earlier: IdempotencyKey, action: str, request: str) -> Replayed:
    return Replayed(earlier, earlier.action == action and earlier.fingerprint == request)


def run_once(
    actor: Actor,
    key: str,
    action: str,
    request: str,
    write: Callable[[], T],
    result_of: Callable[[T], str],
) -> T:
    """``write()`` once per ``key`` of the actor's company, or ``Replayed``.

    ``action`` names the kind of write (receipt, refund ...), ``request`` is the request's
    ``fingerprint``; ``result_of`` says what to keep of the write's value (a public id).
    """
    user = actor.user
    if user is None or user.company_id is None:
        raise NotAllowed(lazy_gettext("Only a company's staff write payments."))
    if not KEY.fullmatch(key or ""):
        raise ValidationFailed(
            lazy_gettext("This form is out of date: reload the page and enter it again.")
        )
    earlier = earlier_submission(user.company_id, key)
    if earlier is not None:
        raise _replayed(earlier, action, request)
    claim = IdempotencyKey(
        company_id=user.company_id, user_id=user.id, key=key, action=action, fingerprint=request
    )
    try:
        with db.session.begin_nested():
            db.session.add(claim)
    except IntegrityError:
        # The same key at the same moment: the other request committed first.
        earlier = earlier_submission(user.company_id, key)
        if earlier is None:
            raise
        raise _replayed(earlier, action, request) from None
    value = write()
    claim.result_id = result_of(value)
    db.session.flush()
    return value
