"""Who did what, recorded in the append-only audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.extensions import db
from app.models import AuditEvent, User


@dataclass(frozen=True, slots=True)
class Actor:
    """The person acting (None for the anonymous) and the address they act from."""

    user: User | None
    address: str | None = None

    @property
    def company_id(self) -> int | None:
        return self.user.company_id if self.user is not None else None


def record_audit(
    actor: Actor,
    action: str,
    *,
    company_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    details: dict[str, Any] | None = None,
    actor_email: str | None = None,
) -> AuditEvent:
    """Append one audit row; ``company_id`` defaults to the actor's company."""
    user = actor.user
    event = AuditEvent(
        actor_id=user.id if user is not None else None,
        actor_email=user.email if user is not None else actor_email,
        company_id=company_id if company_id is not None else actor.company_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_address=actor.address,
        details=details or {},
    )
    db.session.add(event)
    return event
