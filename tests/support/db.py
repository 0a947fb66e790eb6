"""Looking at the database from a test: row counts, audit rows, the statements a block sends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select, text

from app.extensions import db
from app.models import AuditEvent

_NOT_COUNTED = ("SAVEPOINT", "RELEASE", "ROLLBACK TO")


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Statements the app sends while the block runs (savepoint bookkeeping left out)."""
    connection = db.session.get_bind()
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_NOT_COUNTED):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def count(model: type[object]) -> int:
    """How many rows ``model``'s table holds."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def audit_events(action: str) -> list[AuditEvent]:
    """The audit rows of ``action``, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def stored_row(sql: str, row_id: int) -> tuple[object, ...]:
    """The raw stored figures of one row, as the database keeps them (no column type
    between: SQLite's scaled integers show as they are)."""
    return tuple(db.session.execute(text(sql), {"id": row_id}).one())
