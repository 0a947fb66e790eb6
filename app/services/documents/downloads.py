"""Downloading an issued document: its stored bytes, for the two parties only, audited.

A download is the busiest thing finance staff do, so its database work is kept to the
least that the rules need: on PostgreSQL one statement checks the session, reads the
bytes with the rights and appends the audit row, and (unless DOWNLOAD_AUDIT_WAITS_FOR_DISK
is set) that transaction's commit does not wait for its WAL flush.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any, NamedTuple

from flask import current_app
from psycopg import Pipeline
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

from app.extensions import db
from app.models import Document, DocumentStatus, User
from app.models.base import utcnow
from app.services.accounts.auth import SESSION_HOLDER, session_key, session_user
from app.services.audit.recording import Actor, record_audit


class IssuedPdf(NamedTuple):
    """An issued document's stored bytes and what a download needs to name them."""

    public_id: str
    number: str
    sha256: str
    pdf: bytes

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"


_ISSUED_PDF = select(Document.public_id, Document.number, Document.sha256, Document.pdf).where(
    Document.public_id == bindparam("public_id"),
    Document.status == DocumentStatus.ISSUED,
    (Document.issuer_id == bindparam("company_id"))
    | (Document.recipient_id == bindparam("company_id")),
)

# Who the session names (the rule Flask-Login's loader applies), the document if their
# company issued or received it, and the audit row record_audit would write for it (the
# details spelled as Python's json.dumps spells them), in one statement. No row: the
# session holds nobody; a row of NULLs: no such document for them. Sent through psycopg's
# binary cursor: in the default text format PostgreSQL spells every byte of the PDF as two
# hex digits and the driver parses them back.
_SESSION_ACTOR = (
    select(User.id, User.email, User.company_id)
    .where(SESSION_HOLDER)
    .compile(
        dialect=psycopg_dialect()  # type: ignore[no-untyped-call]
    )
)
_AUDITED_READ = f"""
WITH actor AS ({_SESSION_ACTOR}
), issued AS (
    SELECT public_id, number, sha256, pdf FROM documents, actor
    WHERE public_id = %(public_id)s AND status = %(status)s
      AND (issuer_id = actor.company_id OR recipient_id = actor.company_id)
), audited AS (
    INSERT INTO audit_events (occurred_at, actor_id, actor_email, company_id, action,
                              object_type, object_id, client_address, details)
    SELECT %(occurred_at)s, actor.id, actor.email, actor.company_id, %(action)s,
           'document', public_id, %(client_address)s, jsonb_build_object('number', number)::json
    FROM issued, actor
)
SELECT public_id, number, sha256, pdf FROM actor LEFT JOIN issued ON true
"""  # noqa: S608 (only our own compiled statement goes in)

# PostgreSQL manual, 30.4 Asynchronous Commit; LOCAL: for this transaction alone.
_ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF"
_PIPELINE = Pipeline.is_supported()


class Refusal(enum.Enum):
    """Why a download gets no file."""

    SIGNED_OUT = "signed out"  # the session no longer holds (see SESSION_HOLDER)
    NOT_FOUND = "not found"  # no issued document of that id for the user's company


def download_issued_pdf(
    session_id: str, public_id: str, action: str, address: str | None
) -> IssuedPdf | Refusal:
    """The stored bytes of an issued document that the company of the user whose session
    ``session_id`` holds issued or received, with the audit row ``action`` of their
    download added to the current transaction.

    Everyone in the two companies sees the order, so everyone there may read its papers.
    The session is checked here, in the same statement, rather than by loading
    current_user: that ORM load was over half of a download's cost.

    On PostgreSQL the transaction's commit then does not wait for its WAL to reach the
    disk: that flush cost a download a fifth of its time. The row is committed, and seen
    by everyone, before the file is sent; the walwriter writes it to disk within three
    wal_writer_delay (0.6 s by default), and only a crash of the database server inside
    that window can lose it. So the transaction must write nothing else: pending ORM
    changes are refused here, and the views commit right after.
    """
    key = session_key(session_id)
    if key is None:
        return Refusal.SIGNED_OUT
    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a download's transaction must write nothing but its audit row")
    connection = session.connection()
    row: Sequence[Any] | None
    if connection.dialect.name != "postgresql":
        user = session_user(session_id)
        if user is None:
            return Refusal.SIGNED_OUT
        row = session.execute(
            _ISSUED_PDF, {"public_id": public_id, "company_id": user.company_id}
        ).first()
        if row is not None:
            record_audit(
                Actor(user, address),
                action,
                object_type="document",
                object_id=row[0],
                details={"number": row[1]},
            )
    else:
        driver = connection.connection.driver_connection
        assert driver is not None
        params = {
            **key,
            "public_id": public_id,
            "status": DocumentStatus.ISSUED.value,
            "occurred_at": utcnow(),
            "action": action,
            "client_address": address,
        }
        relax = not current_app.config["DOWNLOAD_AUDIT_WAITS_FOR_DISK"]
        # Both statements in one round trip where libpq can pipeline (version 14 on).
        with (
            driver.pipeline() if relax and _PIPELINE else nullcontext(),
            driver.cursor(binary=True) as cursor,
        ):
            if relax:
                cursor.execute(_ASYNC_COMMIT)
            cursor.execute(_AUDITED_READ, params)
            row = cursor.fetchone()
        if row is None:  # no actor; a found actor gives a row, of NULLs if no document
            return Refusal.SIGNED_OUT
    if row is None or row[3] is None:
        return Refusal.NOT_FOUND
    return IssuedPdf(row[0], row[1], row[2] or "", bytes(row[3]))
