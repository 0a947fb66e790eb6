"""The owner's endpoints: register, rotate the secret, enable, remove; see and resend.

Every change is the company owner's (``Action.MANAGE_WEBHOOKS``) and audited. The secret is
returned once, when made; pages never show it again. Rotating keeps the previous secret
signing too (two ``v1`` values) until the owner ends the rotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Company,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.models.base import utcnow
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed
from app.services.webhooks.addresses import check_destination
from app.services.webhooks.catalogue import EVENT_KINDS
from app.services.webhooks.delivery import queue_delivery
from app.services.webhooks.signing import new_secret

MAX_ENDPOINTS = 10


@dataclass(frozen=True)
class NewSecret:
    endpoint: WebhookEndpoint
    secret: str


def _audit(actor: Actor, endpoint: WebhookEndpoint, action: str, **details: object) -> None:
    record_audit(
        actor,
        f"webhook.{action}",
        company_id=endpoint.company_id,
        object_type="webhook_endpoint",
        object_id=endpoint.public_id,
        details={"url": endpoint.url, **details},
    )


def _events(chosen: Sequence[str]) -> list[str]:
    events = [kind for kind in EVENT_KINDS if kind in set(chosen)]
    if not events or len(events) != len(set(chosen)):
        raise ValidationFailed(lazy_gettext("Choose at least one event to send."), "events")
    return events


def register(actor: Actor, company: Company, url: str, events: Sequence[str]) -> NewSecret:
    require(actor.user, Action.MANAGE_WEBHOOKS, company)
    check_destination(url)
    count = db.session.scalar(
        select(func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.company_id == company.id)
    )
    if (count or 0) >= MAX_ENDPOINTS:
        raise ValidationFailed(
            lazy_gettext("A company has at most %(count)d endpoints.", count=MAX_ENDPOINTS), "url"
        )
    secret = new_secret()
    endpoint = WebhookEndpoint(
        company_id=company.id,
        url=url.strip(),
        events=_events(events),
        secret=secret,
        enabled=True,
        created_by_id=actor.user.id if actor.user else None,
    )
    db.session.add(endpoint)
    db.session.flush()
    _audit(actor, endpoint, "registered", events=endpoint.events)
    return NewSecret(endpoint, secret)


def change_events(actor: Actor, endpoint: WebhookEndpoint, events: Sequence[str]) -> None:
    require(actor.user, Action.MANAGE_WEBHOOKS, _company(endpoint))
    endpoint.events = _events(events)
    _audit(actor, endpoint, "events_changed", events=endpoint.events)


def roll_secret(actor: Actor, endpoint: WebhookEndpoint) -> NewSecret:
    """A new secret signs from now on; the current one keeps signing until the rotation
    ends. A second roll during a rotation drops the oldest (two secrets at most)."""
    require(actor.user, Action.MANAGE_WEBHOOKS, _company(endpoint))
    secret = new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.secret = secret
    _audit(actor, endpoint, "secret_rolled")
    return NewSecret(endpoint, secret)


def end_rotation(actor: Actor, endpoint: WebhookEndpoint) -> None:
    require(actor.user, Action.MANAGE_WEBHOOKS, _company(endpoint))
    if endpoint.previous_secret is None:
        return
    endpoint.previous_secret = None
    _audit(actor, endpoint, "rotation_ended")


def enable(actor: Actor, endpoint: WebhookEndpoint) -> None:
    """Send to it again (after the 3-day disable): failures count afresh from now."""
    require(actor.user, Action.MANAGE_WEBHOOKS, _company(endpoint))
    if endpoint.enabled:
        return
    endpoint.enabled = True
    endpoint.disabled_at = None
    endpoint.failing_since = None
    _audit(actor, endpoint, "enabled")


def disable(actor: Actor, endpoint: WebhookEndpoint) -> None:
    require(actor.user, Action.MANAGE_WEBHOOKS, _company(endpoint))
    if not endpoint.enabled:
        return
    endpoint.enabled = False
    endpoint.disabled_at = utcnow()
    _audit(actor, endpoint, "disabled")


def remove(actor: Actor, endpoint: WebhookEndpoint) -> None:
    require(actor.user, Action.MANAGE_WEBHOOKS, _company(endpoint))
    _audit(actor, endpoint, "removed")
    db.session.delete(endpoint)
    db.session.flush()


def resend(actor: Actor, delivery: WebhookDelivery) -> None:
    """Send the same event (same id, same body) again now, whatever became of it."""
    endpoint = delivery.endpoint
    require(actor.user, Action.MANAGE_WEBHOOKS, _company(endpoint))
    if not endpoint.enabled:
        raise ValidationFailed(lazy_gettext("Enable the endpoint before resending to it."))
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = utcnow()
    db.session.flush()
    queue_delivery(delivery)
    _audit(actor, endpoint, "resent", event=delivery.event.event_id)


def _company(endpoint: WebhookEndpoint) -> Company:
    company = db.session.get(Company, endpoint.company_id)
    assert company is not None
    return company


# Reading, always scoped by the company: another company's id is simply not found.


def company_endpoints(company_id: int) -> list[WebhookEndpoint]:
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.company_id == company_id)
            .order_by(WebhookEndpoint.id)
        )
    )


def company_endpoint(company_id: int, public_id: str) -> WebhookEndpoint | None:
    return db.session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.company_id == company_id, WebhookEndpoint.public_id == public_id
        )
    )


def company_delivery(company_id: int, public_id: str) -> WebhookDelivery | None:
    return db.session.scalar(
        select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookEndpoint.company_id == company_id, WebhookDelivery.public_id == public_id)
    )


@dataclass(frozen=True)
class DeliveryRow:
    delivery: WebhookDelivery
    event: WebhookEvent
    attempts: list[WebhookAttempt]


def recent_deliveries(endpoint: WebhookEndpoint, limit: int = 50) -> list[DeliveryRow]:
    """The endpoint's latest deliveries, newest first, each with every attempt it made."""
    rows = db.session.execute(
        select(WebhookDelivery, WebhookEvent)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
    ids = [delivery.id for delivery, _ in rows]
    attempts: dict[int, list[WebhookAttempt]] = {i: [] for i in ids}
    if ids:
        for attempt in db.session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(ids))
            .order_by(WebhookAttempt.id)
        ):
            attempts[attempt.delivery_id].append(attempt)
    return [DeliveryRow(d, e, attempts[d.id]) for d, e in rows]
