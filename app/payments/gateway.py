"""The payment gateway the services talk to, and its Stripe implementation.

Services see ``PaymentGateway`` only, so tests and other providers plug in without touching
business rules. ``StripeGateway`` uses the SDK's ``StripeClient`` (never the global API key)
with the API base from configuration, so tests point it at a local ``localstripe``. Amounts
cross this boundary as integer minor units with the ISO currency; no card data ever does:
the buyer's browser hands the card to Stripe.js.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import stripe
from flask import current_app


@dataclass(frozen=True)
class Intent:
    id: str
    client_secret: str
    status: str
    amount_minor: int
    currency: str  # ISO 4217, upper case


class GatewayError(RuntimeError):
    """The provider refused or could not be reached."""


class PaymentGateway(Protocol):
    def create_intent(
        self, amount_minor: int, currency: str, metadata: dict[str, str], idempotency_key: str
    ) -> Intent: ...

    def retrieve_intent(self, intent_id: str) -> Intent: ...

    def refund(self, intent_id: str, amount_minor: int, idempotency_key: str) -> str: ...

    def events_since(self, created_after: int) -> list[dict[str, Any]]: ...


def _intent(obj: Any) -> Intent:
    return Intent(
        id=obj["id"],
        client_secret=obj["client_secret"],
        status=obj["status"],
        amount_minor=int(obj["amount"]),
        currency=str(obj["currency"]).upper(),
    )


class StripeGateway:
    def __init__(self, secret_key: str, api_base: str | None = None) -> None:
        addresses: Any = {"api": api_base} if api_base else None
        # Retries reuse the idempotency key, so a lost answer never charges twice.
        self._client = stripe.StripeClient(
            secret_key, base_addresses=addresses, max_network_retries=2
        )

    def create_intent(
        self, amount_minor: int, currency: str, metadata: dict[str, str], idempotency_key: str
    ) -> Intent:
        try:
            created = self._client.v1.payment_intents.create(
                params={
                    "amount": amount_minor,
                    "currency": currency.lower(),
                    "metadata": metadata,
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return _intent(created)

    def retrieve_intent(self, intent_id: str) -> Intent:
        try:
            return _intent(self._client.v1.payment_intents.retrieve(intent_id))
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error

    def refund(self, intent_id: str, amount_minor: int, idempotency_key: str) -> str:
        try:
            refund = self._client.v1.refunds.create(
                params={"payment_intent": intent_id, "amount": amount_minor},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return str(refund["id"])

    def events_since(self, created_after: int) -> list[dict[str, Any]]:
        try:
            page = self._client.v1.events.list(
                params={"created": {"gt": created_after}, "limit": 100}
            )
            events = [event.to_dict() for event in page.auto_paging_iter()]
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return sorted(events, key=lambda event: (event["created"], event["id"]))


def configured_gateway() -> PaymentGateway | None:
    """The gateway the configuration names; None when no Stripe keys are set."""
    config = current_app.config
    if not (config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_PUBLISHABLE_KEY")):
        return None
    return StripeGateway(config["STRIPE_SECRET_KEY"], config.get("STRIPE_API_BASE"))
