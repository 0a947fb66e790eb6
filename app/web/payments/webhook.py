"""``POST /webhooks/stripe``: verified provider events, each applied once.

The signature is checked over the raw body with the SDK's default 300-second tolerance
(never disabled). Bad signatures answer 400 and write nothing; events we do not handle
answer 200; a payment event about an intent we do not know answers 404 so the provider
retries it. One transaction per delivery: the boundary commits it once the view answers
2xx, and an event we cannot apply is answered through ``abort(response)`` so that the
boundary rolls back whatever ``apply_event`` had written.
"""

from __future__ import annotations

import json
import logging

import stripe
from flask import Blueprint, abort, current_app, jsonify, make_response, request
from flask.typing import ResponseReturnValue

from app.extensions import csrf, limiter
from app.operations.metrics import WEBHOOK_DELIVERIES
from app.services.payments.cards import MalformedEvent, UnknownIntent, apply_event

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.post("/stripe")
@csrf.exempt
@limiter.exempt
def stripe_events() -> ResponseReturnValue:
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        return jsonify(error="card payments are not configured"), 404
    payload = request.get_data()  # the raw bytes the signature covers
    try:
        # The SDK's own tolerance constant, spelled out: a None or 0 tolerance would turn
        # the timestamp check off.
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"),
            request.headers.get("Stripe-Signature") or "",
            secret,
            stripe.Webhook.DEFAULT_TOLERANCE,
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError):
        return jsonify(error="invalid signature or body"), 400
    try:
        outcome = apply_event(event)
    except MalformedEvent:
        abort(make_response(jsonify(error="not a readable event"), 400))
    except UnknownIntent as unknown:
        log.warning("webhook %s names unknown intent %s", event.get("id"), unknown)
        abort(make_response(jsonify(error="unknown payment intent"), 404))
    WEBHOOK_DELIVERIES.labels("incoming", str(outcome)).inc()
    return jsonify(received=True, outcome=outcome), 200
