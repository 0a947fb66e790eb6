"""Card payments of milestones: starting (or resuming) a PaymentIntent, applying its events.

Money is recorded only from a verified provider event whose amount and currency match the
intent we created, once per event id and once per intent; a late or repeated event never
moves a milestone or an order backwards. Services flush, never commit.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    CardIntent,
    DocumentKind,
    OrderStatus,
    PaymentMethod,
    PaymentMilestone,
    PaymentReceipt,
    PaymentRefund,
    ProcessedWebhookEvent,
)
from app.models.base import utcnow
from app.payments.gateway import (
    GatewayError,
    Intent,
    PaymentGateway,
    card_chargeable,
    from_stripe_units,
)
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_credit_note
from app.services.errors import ValidationFailed
from app.services.orders.lifecycle import complete_if_settled, record_event
from app.services.payments.ledger import PAYABLE, settle, store_payment_figures
from app.services.payments.milestones import audit_payment, parse_amount, require_payable

# Intents that can still be paid: resumed rather than replaced.
OPEN_STATUSES = frozenset(
    {"requires_payment_method", "requires_confirmation", "requires_action", "processing"}
)


class UnknownIntent(LookupError):
    """An event names a PaymentIntent we never created (the provider should retry)."""


class MalformedEvent(ValueError):
    """A correctly signed body that is not an event we can read."""


def start_card_payment(
    actor: Actor, milestone: PaymentMilestone, gateway: PaymentGateway
) -> Intent:
    """The intent the buyer's browser confirms: the open one for this amount, or a new one.

    Each new attempt has its own idempotency key (milestone and attempt number), so a retried
    request gets the same intent back from the provider instead of a second charge.
    """
    order = milestone.order
    require(actor.user, Action.PAY, order, lazy_gettext("Only the buyer pays the order."))
    require_payable(order)
    if milestone.method is PaymentMethod.LETTER_OF_CREDIT or milestone.is_paid:
        raise ValidationFailed(lazy_gettext("This amount is not paid by card."))
    amount = milestone.amount_minor - milestone.paid_minor
    if not card_chargeable(amount, milestone.currency):
        raise ValidationFailed(
            lazy_gettext("Cards cannot be charged this exact amount; pay it by bank transfer.")
        )
    if milestone.payment_intent_id:
        current = gateway.retrieve_intent(milestone.payment_intent_id)
        if current.status == "succeeded":
            raise ValidationFailed(
                lazy_gettext("This payment went through; it shows here in a moment.")
            )
        if current.status in OPEN_STATUSES and current.amount_minor == amount:
            return current
        if current.status in OPEN_STATUSES:
            # Superseded (the amount due changed): close it so an old tab cannot pay it. If
            # that fails and it is paid anyway, ``card_intents`` still leads to the milestone.
            with contextlib.suppress(GatewayError):
                gateway.cancel_intent(current.id)
    milestone.card_attempts += 1
    intent = gateway.create_intent(
        amount,
        milestone.currency,
        {"milestone": milestone.public_id, "order": order.reference},
        f"corridor-milestone-{milestone.public_id}-{milestone.card_attempts}",
    )
    milestone.payment_intent_id = intent.id
    db.session.add(CardIntent(intent_id=intent.id, milestone=milestone))
    db.session.flush()
    audit_payment(
        actor, "payment.card_started", order, milestone=milestone.reference, intent=intent.id
    )
    return intent


def resume_card_payment(
    actor: Actor, milestone: PaymentMilestone, gateway: PaymentGateway, intent_id: str
) -> Intent:
    """The intent a first "Pay by card" made, for the same form sent again: nothing new is
    started; an intent since paid or replaced is refused with what to do instead."""
    require(actor.user, Action.PAY, milestone.order, lazy_gettext("Only the buyer pays the order."))
    intent = gateway.retrieve_intent(intent_id)
    if intent.status == "succeeded":
        raise ValidationFailed(
            lazy_gettext("This payment went through; it shows here in a moment.")
        )
    if intent.status not in OPEN_STATUSES or intent.id != milestone.payment_intent_id:
        raise ValidationFailed(
            lazy_gettext("This card page is out of date: press the card button again.")
        )
    return intent


def _claim(event: dict[str, Any], outcome: str) -> bool:
    """Record the event id; False if it was applied before (the unique id refuses it)."""
    try:
        with db.session.begin_nested():
            db.session.add(
                ProcessedWebhookEvent(
                    event_id=str(event["id"]),
                    event_type=str(event["type"]),
                    created=int(event.get("created") or 0),
                    outcome=outcome,
                )
            )
    except IntegrityError:
        return False
    return True


def apply_event(event: dict[str, Any]) -> str:
    """Apply one verified provider event once; returns what happened.

    Raises ``UnknownIntent`` for a payment event about an intent we never made, so the
    webhook answers non-2xx and the provider retries (our commit may not be visible yet).
    """
    kind, intent = _read(event)
    if kind not in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        return "ignored" if _claim(event, "ignored") else "duplicate"
    milestone = _milestone_of(str(intent["id"]))
    if milestone is None:
        raise UnknownIntent(intent["id"])
    if kind == "payment_intent.payment_failed":
        if not _claim(event, "failed"):
            return "duplicate"
        if not milestone.is_paid:
            record_event(Actor(None), milestone.order, "card_failed", note=milestone.reference)
        return "failed"
    return _succeeded(event, milestone, intent)


def _read(event: object) -> tuple[str, dict[str, Any]]:
    """The event's type and object, or ``MalformedEvent`` (answered 400, not 500)."""
    try:
        assert isinstance(event, dict) and isinstance(event["id"], str)
        kind = event["type"]
        assert isinstance(kind, str)
        obj = event["data"]["object"]
        assert isinstance(obj, dict)
        if kind.startswith("payment_intent."):
            assert isinstance(obj["id"], str) and isinstance(obj["currency"], str)
            int(obj["amount"])
    except (AssertionError, KeyError, TypeError, ValueError):
        raise MalformedEvent("not a readable event") from None
    return kind, obj


def _milestone_of(intent_id: str) -> PaymentMilestone | None:
    """The milestone an intent was made for, current or superseded."""
    milestone = db.session.scalar(
        select(PaymentMilestone)
        .join(CardIntent, CardIntent.milestone_id == PaymentMilestone.id)
        .where(CardIntent.intent_id == intent_id)
    )
    if milestone is None:
        milestone = db.session.scalar(
            select(PaymentMilestone).where(PaymentMilestone.payment_intent_id == intent_id)
        )
    return milestone


def _succeeded(event: dict[str, Any], milestone: PaymentMilestone, intent: dict[str, Any]) -> str:
    order = milestone.order
    currency = str(intent["currency"]).upper()
    amount = from_stripe_units(int(intent["amount"]), currency)
    expected = milestone.amount_minor - milestone.paid_minor
    if any(receipt.external_id == intent["id"] for receipt in milestone.receipts):
        _claim(event, "duplicate")  # the same intent again under another event id
        return "duplicate"
    if currency != milestone.currency or amount != expected:
        if not _claim(event, "mismatch"):
            return "duplicate"
        note = f"{milestone.reference}: {amount} {currency} ≠ {expected} {milestone.currency}"
        record_event(Actor(None), order, "card_mismatch", note=note)
        audit_payment(
            Actor(None),
            "payment.card_mismatch",
            order,
            order.seller_id,
            intent=intent["id"],
            amount_minor=amount,
            currency=currency,
        )
        return "mismatch"
    if not _claim(event, "paid"):
        return "duplicate"
    try:
        # A second event about the same intent (a replay under another id) meets the unique
        # intent id here and changes nothing.
        with db.session.begin_nested():
            receipt = PaymentReceipt(
                milestone=milestone,
                method=PaymentMethod.CARD,
                amount_minor=amount,
                currency=currency,
                value_date=utcnow().date(),
                bank_reference=intent["id"],
                external_id=intent["id"],
            )
            db.session.add(receipt)
    except IntegrityError:
        return "duplicate"
    if order.status in PAYABLE:
        settle(order)
    else:  # paid in an old tab after a cancellation: the money is in, the figures say so
        store_payment_figures(order)
    note = f"{milestone.reference}: {receipt.amount} · card"
    record_event(Actor(None), order, "payment", note=note)
    audit_payment(
        Actor(None),
        "payment.card_succeeded",
        order,
        order.seller_id,
        intent=intent["id"],
        amount_minor=amount,
        currency=currency,
    )
    complete_if_settled(order)
    return "paid"


def last_event_time() -> int:
    """The provider timestamp of the newest event applied (0 when none)."""
    return int(db.session.scalar(select(func.max(ProcessedWebhookEvent.created))) or 0)


def missed_events(gateway: PaymentGateway) -> list[dict[str, Any]]:
    """The provider's events since the last one applied, for after an outage.

    A small overlap (events of the same second) is harmless: ids are applied once, and an
    already-applied event counts as a duplicate.
    """
    return gateway.events_since(max(last_event_time() - 1, 0))


def refund_card_payment(
    actor: Actor,
    receipt: PaymentReceipt,
    amount: object,
    reason: str,
    gateway: PaymentGateway,
    *,
    credit_note: bool = True,
) -> PaymentRefund:
    """Give back part or all of a card payment; checked here before the provider is called.

    The idempotency key names the receipt and the refund's number, so a retried request
    reaches the same provider refund. Once the order has a commercial invoice, the refund
    also issues a credit note against it (an unshipped order has no invoice to correct),
    before the provider is called, so a credit the invoice cannot take refunds nothing;
    ``credit_note=False`` where the caller issued the one credit note itself (a claim's
    settlement, which may refund several receipts).
    """
    milestone = receipt.milestone
    order = milestone.order
    user = require(
        actor.user,
        Action.REFUND,
        order,
        lazy_gettext("Only the seller's finance staff give refunds."),
    )
    if receipt.method is not PaymentMethod.CARD or not receipt.external_id:
        raise ValidationFailed(lazy_gettext("Only card payments are refunded here."))
    money = parse_amount(amount, receipt.currency)
    reason = (reason or "").strip()
    if not 3 <= len(reason) <= 500:
        raise ValidationFailed(lazy_gettext("Give the reason for the refund."), "reason")
    refundable = receipt.amount_minor - receipt.refunded_minor
    if money.to_minor() > refundable:
        raise ValidationFailed(
            lazy_gettext("A refund cannot exceed what was captured and not yet refunded."),
            "amount",
        )
    # The credit note first: if the invoice cannot take it, nothing has left the account.
    invoice = next((d for d in order.documents if d.kind is DocumentKind.COMMERCIAL_INVOICE), None)
    if invoice is not None and credit_note:
        issue_credit_note(actor, invoice, money.to_minor(), f"Card refund: {reason}")
    number = len(receipt.refunds) + 1
    provider_id = gateway.refund(
        receipt.external_id, money.to_minor(), f"corridor-refund-{receipt.public_id}-{number}"
    )
    refund = PaymentRefund(
        receipt=receipt,
        amount_minor=money.to_minor(),
        currency=receipt.currency,
        reason=reason,
        provider_refund_id=provider_id,
        created_by_id=user.id,
    )
    db.session.add(refund)
    db.session.flush()
    db.session.refresh(receipt, ["refunds"])
    if order.status in PAYABLE or order.status is OrderStatus.COMPLETED:
        store_payment_figures(order)
    record_event(actor, order, "refund", note=f"{milestone.reference}: {money} · {reason}")
    audit_payment(
        actor,
        "payment.refunded",
        order,
        receipt=receipt.public_id,
        amount_minor=refund.amount_minor,
    )
    return refund
