"""Delivering the outbox: one signed attempt at a time, retried with exponential backoff.

A failed attempt waits 1 minute, then 2, 4, 8… (at most 6 hours) before the next; a
delivery whose next attempt would fall more than 3 days after its event gives up. An
endpoint that has failed every attempt for 3 days is disabled and its owners e-mailed.
Each job names the attempt number it was queued for, so a job queued twice (a resend
pressed twice, a retry queued again) sends once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.extensions import db
from app.models import (
    CompanyRole,
    DeliveryStatus,
    User,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from app.public_urls import absolute_url
from app.services.jobs import enqueue
from app.services.outbox import queue_email
from app.services.webhooks.signing import HEADER, signature_header
from app.services.webhooks.transport import Answer, post

RETRY_FOR = timedelta(days=3)
FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=6)
DUE_BATCH = 200


def backoff(failed_attempts: int) -> timedelta:
    """How long to wait after the ``failed_attempts``-th failure (1-based)."""
    delay: timedelta = FIRST_DELAY * 2 ** (failed_attempts - 1)
    return min(delay, LONGEST_DELAY)


def queue_delivery(delivery: WebhookDelivery) -> None:
    """Ask for the delivery's next attempt once the transaction commits."""
    enqueue("deliver_webhook", delivery.id, delivery.attempts)


def queue_due(now: datetime) -> list[int]:
    """Queue every pending delivery whose retry time has come; returns their ids."""
    due = db.session.scalars(
        select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.enabled.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(DUE_BATCH)
    ).all()
    for delivery in due:
        queue_delivery(delivery)
    return [delivery.id for delivery in due]


@dataclass(frozen=True)
class PreparedPost:
    """What one attempt sends: read in one transaction, sent outside any."""

    url: str
    body: str
    headers: dict[str, str]


def _pending(delivery_id: int, expected_attempts: int) -> WebhookDelivery | None:
    """The delivery if attempt ``expected_attempts + 1`` is still to be made: not made
    already (a job queued twice), not settled, its endpoint enabled."""
    delivery = db.session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if (
        delivery is None
        or delivery.status is not DeliveryStatus.PENDING
        or delivery.attempts != expected_attempts
        or not delivery.endpoint.enabled
    ):
        return None
    return delivery


def prepare_attempt(delivery_id: int, expected_attempts: int, now: datetime) -> PreparedPost | None:
    """The signed request for the next attempt, or None when there is nothing to send."""
    delivery = _pending(delivery_id, expected_attempts)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    signing = [endpoint.secret] + ([endpoint.previous_secret] if endpoint.previous_secret else [])
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Corridor-Webhooks/1",
        HEADER: signature_header(signing, int(now.timestamp()), delivery.event.body),
    }
    return PreparedPost(url=endpoint.url, body=delivery.event.body, headers=headers)


def send(prepared: PreparedPost) -> Answer:
    """The POST itself; the caller holds no transaction (a slow receiver must never hold
    SQLite's write lock, which every other writer waits for)."""
    return post(prepared.url, prepared.body, prepared.headers)


def record_attempt(delivery_id: int, expected_attempts: int, answer: Answer, now: datetime) -> bool:
    """Log the attempt and settle or reschedule the delivery; False when another job
    recorded this attempt meanwhile (the receiver drops the duplicate by its event id)."""
    delivery = _pending(delivery_id, expected_attempts)
    if delivery is None:
        return False
    endpoint = delivery.endpoint
    db.session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            attempted_at=now,
            status_code=answer.status_code,
            duration_ms=answer.duration_ms,
            error=answer.error,
        )
    )
    delivery.attempts += 1
    if answer.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        endpoint.failing_since = None
        return True
    endpoint.failing_since = endpoint.failing_since or now
    if now - endpoint.failing_since >= RETRY_FOR:
        disable_failing(endpoint, now)
        return True
    retry_at = now + backoff(delivery.attempts)
    if retry_at > delivery.created_at + RETRY_FOR:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = retry_at
    return True


def attempt_delivery(delivery_id: int, expected_attempts: int, now: datetime) -> bool:
    """Prepare, send and record one attempt at ``now`` in the caller's transaction (the
    job splits the three so that no transaction is open while the receiver answers)."""
    prepared = prepare_attempt(delivery_id, expected_attempts, now)
    if prepared is None:
        return False
    return record_attempt(delivery_id, expected_attempts, send(prepared), now)


def disable_failing(endpoint: WebhookEndpoint, now: datetime) -> None:
    """Stop sending to an endpoint that failed for 3 days; its pending deliveries fail and
    each active owner is told by e-mail (the owner re-enables it on the webhooks page)."""
    endpoint.enabled = False
    endpoint.disabled_at = now
    for delivery in db.session.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
    ):
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    owners = db.session.scalars(
        select(User).where(
            User.company_id == endpoint.company_id,
            User.company_role == CompanyRole.OWNER,
            User.active.is_(True),
        )
    )
    link = absolute_url("/company/webhooks")
    for owner in owners:
        with force_locale(owner.locale or "en"):
            queue_email(
                owner.email,
                gettext("Webhook endpoint disabled: %(url)s", url=endpoint.url),
                gettext(
                    "Every delivery to %(url)s has failed for 3 days, so Corridor has stopped "
                    "sending events to it.\n\nSee each attempt and enable it again once the "
                    "receiver works:\n%(link)s",
                    url=endpoint.url,
                    link=link,
                ),
            )
