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

# Where Stripe's amounts differ from ISO 4217 minor units (Stripe's currency notes):
# ISK and UGX have no minor unit in ISO but Stripe counts them in hundredths (whole units
# only); three-decimal currencies are charged in thousandths whose last digit must be 0.
_HUNDREDTHS_OF_WHOLE_UNITS = frozenset({"ISK", "UGX"})
_LAST_DIGIT_ZERO = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})


def to_stripe_units(amount_minor: int, currency: str) -> int:
    return amount_minor * 100 if currency.upper() in _HUNDREDTHS_OF_WHOLE_UNITS else amount_minor


def from_stripe_units(amount: int, currency: str) -> int:
    return amount // 100 if currency.upper() in _HUNDREDTHS_OF_WHOLE_UNITS else amount


def card_chargeable(amount_minor: int, currency: str) -> bool:
    """Whether Stripe accepts this exact amount (a KWD amount must end in a whole 10 fils)."""
    return currency.upper() not in _LAST_DIGIT_ZERO or amount_minor % 10 == 0


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

    def cancel_intent(self, intent_id: str) -> None: ...

    def refund(self, intent_id: str, amount_minor: int, idempotency_key: str) -> str: ...

    def events_since(self, created_after: int) -> list[dict[str, Any]]: ...


def _intent(obj: Any) -> Intent:
    currency = str(obj["currency"]).upper()
    return Intent(
        id=obj["id"],
        client_secret=obj["client_secret"],
        status=obj["status"],
        amount_minor=from_stripe_units(int(obj["amount"]), currency),
        currency=currency,
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
                    "amount": to_stripe_units(amount_minor, currency),
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

    def cancel_intent(self, intent_id: str) -> None:
        try:
            self._client.v1.payment_intents.cancel(intent_id)
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error

    def refund(self, intent_id: str, amount_minor: int, idempotency_key: str) -> str:
        # Refunds name the intent; the caller passes ISO minor units of its currency.
        intent = self.retrieve_intent(intent_id)
        try:
            refund = self._client.v1.refunds.create(
                params={
                    "payment_intent": intent_id,
                    "amount": to_stripe_units(amount_minor, intent.currency),
                },
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
