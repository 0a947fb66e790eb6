"""The audit log is append-only: refused by the ORM and, below it, by the database."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import AuditEvent, AuditLogIsAppendOnly
from app.services.audit.recording import Actor, record_audit

pytestmark = pytest.mark.usefixtures("app_ctx")


@pytest.fixture
def event() -> AuditEvent:
    """One event, written (inserting is what the log is for)."""
    event_id = record_audit(
        Actor(None, "203.0.113.7"),
        "company.verified",
        company_id=42,
        object_type="company",
        object_id="abc123",
        details={"from": "pending", "to": "verified"},
        actor_email="ops@example.com",
    )
    recorded = db.session.get(AuditEvent, event_id)
    assert recorded is not None
    return recorded


def stored_action(event_id: int) -> str | None:
    """The action as the database holds it, read without flushing pending changes."""
    with db.session.no_autoflush:
        return db.session.scalar(
            text("SELECT action FROM audit_events WHERE id = :id"), {"id": event_id}
        )


def stored_rows() -> int:
    with db.session.no_autoflush:
        return db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_recorded_event_is_stored(event: AuditEvent) -> None:
    db.session.expire_all()
    stored = db.session.get(AuditEvent, event.id)
    assert stored is not None
    assert stored.action == "company.verified"
    assert stored.actor_email == "ops@example.com"
    assert stored.client_address == "203.0.113.7"
    assert stored.details == {"from": "pending", "to": "verified"}
    assert stored.occurred_at.tzinfo is not None


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("action", "company.suspended"), ("actor_email", "someone@else.example"), ("details", {})],
)
def test_changing_an_event_through_the_orm_is_refused(
    event: AuditEvent, attribute: str, value: object
) -> None:
    setattr(event, attribute, value)

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()

    assert stored_action(event.id) == "company.verified"


def test_deleting_an_event_through_the_orm_is_refused(event: AuditEvent) -> None:
    rows = stored_rows()
    db.session.delete(event)

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()

    assert stored_rows() == rows


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(text("UPDATE audit_events SET action = 'x'"), id="raw-update"),
        pytest.param(text("DELETE FROM audit_events"), id="raw-delete"),
        pytest.param(update(AuditEvent).values(action="x"), id="bulk-update"),
        pytest.param(delete(AuditEvent), id="bulk-delete"),
    ],
)
def test_the_database_refuses_to_change_or_delete_events(
    event: AuditEvent, statement: object
) -> None:
    rows = stored_rows()

    with pytest.raises(DBAPIError) as refusal, db.session.begin_nested():
        db.session.execute(statement)  # type: ignore[call-overload]

    assert "append-only" in str(refusal.value)
    # The savepoint rolled back; the session and the row are intact.
    assert stored_rows() == rows
    assert stored_action(event.id) == "company.verified"


def test_appending_still_works_after_a_refusal(event: AuditEvent) -> None:
    rows = stored_rows()
    with pytest.raises(DBAPIError), db.session.begin_nested():
        db.session.execute(text("DELETE FROM audit_events"))

    record_audit(Actor(None), "login.failed", actor_email="someone@example.com")
    db.session.flush()

    assert stored_rows() == rows + 1
