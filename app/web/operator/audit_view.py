"""The audit log as the operator reads it: what each row links, by name, and its details
as labelled fields with amounts in the viewer's format (the row keeps ids and minor units)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.i18n import current_locale_code, join_for_reader
from app.models import AuditEvent
from app.money import InvalidCurrency, Money
from app.services.audit.naming import (
    company_names,
    id_detail_names,
    object_currencies,
    object_names,
)
from app.services.claims.labels import OUTCOMES, REMEDIES
from app.services.claims.labels import TYPES as CLAIM_TYPES
from app.services.claims.states import LABELS as CLAIM_STATUS_LABELS
from app.services.orders.lifecycle import STATUS_LABELS as ORDER_STATUS_LABELS
from app.web.operator.audit_labels import action_label

OBJECT_LABELS: dict[str, LazyString] = {
    "order": _l("Order"),
    "product": _l("Listing"),
    "company": _l("Company"),
    "document": _l("Document"),
    "rfq": _l("Request for quotation"),
    "user": _l("User"),
    "api_token": _l("API token"),
    "claim": _l("Claim"),
    "licence": _l("Licence"),
    "authority": _l("Authority"),
    "webhook_endpoint": _l("Webhook"),
    "trade_statistics": _l("Trade statistics"),
    "exchange_rate": _l("Exchange rate"),
    "letter_of_credit": _l("Letter of credit"),
    "message_thread": _l("Conversation"),
    "quote_revision": _l("Quote"),
    "register": _l("Invoice register"),
    "register_export": _l("Register export"),
}

DETAIL_LABELS: dict[str, LazyString] = {
    "amount": _l("Amount"),
    "asked": _l("Amount asked"),
    "awarded": _l("Amount awarded"),
    "charges": _l("Bank charges"),
    "net": _l("Net amount"),
    "unpaid": _l("Unpaid"),
    "from": _l("From"),
    "to": _l("To"),
    "reason": _l("Reason"),
    "number": _l("Number"),
    "kind": _l("Kind"),
    "order": _l("Order"),
    "reference": _l("Reference"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "name": _l("Name"),
    "hint": _l("Hint"),
    "legal_name": _l("Legal name"),
    "country": _l("Country"),
    "rows": _l("Rows"),
    "created": _l("Created"),
    "updated": _l("Updated"),
    "documents": _l("Documents"),
    "filter": _l("Filter"),
    "milestone": _l("Payment"),
    "receipt": _l("Receipt"),
    "reversal": _l("Reversal"),
    "intent": _l("Card payment"),
    "lc_number": _l("L/C number"),
    "move": _l("Released step"),
    "subject": _l("Subject"),
    "date": _l("Date"),
    "pair": _l("Pair"),
    "rate": _l("Rate"),
    "previous": _l("Previous rate"),
    "source": _l("Source"),
    "type": _l("Type"),
    "changes": _l("Changes"),
    "proposal": _l("Proposal"),
    "authority": _l("Authority"),
    "body": _l("Inspection body"),
    "buyer": _l("Buyer"),
    "bytes": _l("Size (bytes)"),
    "checked": _l("Checked"),
    "count": _l("Count"),
    "expires_on": _l("Expires on"),
    "format": _l("Format"),
    "headings": _l("Column headings"),
    "holder": _l("Holder"),
    "named": _l("Named"),
    "phone": _l("Phone"),
    "quantity": _l("Quantity"),
    "quote": _l("Quote"),
    "record": _l("Claim record"),
    "remedy": _l("Remedy"),
    "rfq": _l("Request for quotation"),
    "sanction": _l("Sanction"),
    "scope": _l("Scope"),
    "seller": _l("Seller"),
    "sha256": _l("SHA-256 fingerprint"),
    "shipment": _l("Shipment"),
    "shortfalls": _l("Shortfalls"),
    "title": _l("Title"),
    "url": _l("Address (URL)"),
    "version": _l("Version"),
    "events": _l("Events"),
    "event": _l("Event"),
    "credit_note": _l("Credit note"),
    "final_invoice": _l("Final invoice"),
    "surveyor": _l("Surveyor"),
    "settled_by": _l("Settled by"),
    "follow_up_order": _l("Replacement order"),
    "refund_method": _l("Refund method"),
    "refund_reference": _l("Refund reference"),
    "outcome": _l("Outcome"),
    # The statistics filter an operator read without suppression.
    "year": _l("Year"),
    "direction": _l("Direction"),
    "chapter": _l("HS chapter"),
    "heading": _l("HS heading"),
    "port_of_loading": _l("Port of loading"),
    "port_of_discharge": _l("Port of discharge"),
    "incoterm_group": _l("Incoterm group"),
    "by": _l("Rows by"),
    "measure": _l("Measure"),
}

REFUND_METHODS: dict[str, LazyString] = {
    "card": _l("Back to the card"),
    "transfer": _l("Bank transfer"),
    "none": _l("None"),
}

# Stored codes shown by name, per detail key; the claim's own moves read its statuses.
_VALUE_LABELS: dict[str, dict[Any, LazyString]] = {
    "remedy": {k.value: v for k, v in REMEDIES.items()},
    "outcome": {k.value: v for k, v in OUTCOMES.items()},
    "refund_method": REFUND_METHODS,
}
_STATUS_LABELS: dict[str, dict[Any, LazyString]] = {
    "order": {k.value: v for k, v in ORDER_STATUS_LABELS.items()},
    "claim": {k.value: v for k, v in CLAIM_STATUS_LABELS.items()},
}
_CLAIM_TYPES = {k.value: v for k, v in CLAIM_TYPES.items()}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class DetailField:
    label: str
    value: str
    figure: bool  # an amount or count: kept on one line


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    action_label: str
    object_label: str
    object_name: str | None
    company_name: str | None
    details: list[DetailField]


def _plain(value: Any) -> str:
    """A detail value as text: lists joined the reader's way ("a、b" in Chinese), nested
    mappings as labelled "name: value" pairs, ISO dates in the reader's format."""
    locale = current_locale_code()
    if value is None:
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{_label(key)}: {_plain(inner)}" for key, inner in value.items())
    if isinstance(value, list | tuple):
        items = [_plain(item) for item in value]
        return join_for_reader(items, locale) if items else "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, int):
        return format_decimal(value, locale=locale)
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return format_date(date.fromisoformat(value), "medium", locale=locale)
        except ValueError:
            return value
    return str(value)


def _label(key: str) -> str:
    stem = key.removesuffix("_minor").removesuffix("_id")
    return str(DETAIL_LABELS.get(stem, DETAIL_LABELS.get(key, key.replace("_", " "))))


@dataclass(frozen=True)
class Context:
    """What the page looked up once for all its rows."""

    names: dict[tuple[str, str], str]
    id_names: dict[tuple[str, int], str]
    currencies: dict[tuple[str, str], str]


def _amount(value: int, currency: str | None) -> str:
    if currency is None:
        return format_decimal(value, locale=current_locale_code())
    try:
        return Money.from_minor(value, currency).format(current_locale_code())
    except InvalidCurrency:
        return f"{value} {currency}"


def _coded(key: str, value: Any, object_type: str | None) -> str | None:
    """A stored code (a status, a remedy) by its name, or None when it is no such code."""
    if not isinstance(value, str):
        return None
    if key in ("from", "to") and object_type in _STATUS_LABELS:
        label = _STATUS_LABELS[object_type].get(value)
    elif key == "type" and object_type == "claim":
        label = _CLAIM_TYPES.get(value)
    else:
        label = _VALUE_LABELS.get(key, {}).get(value)
    return str(label) if label is not None else None


def detail_fields(
    details: dict[str, Any] | None,
    names: dict[tuple[str, str], str],
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    context: Context | None = None,
) -> list[DetailField]:
    """Labelled fields; ``<name>_minor`` becomes an amount in the row's ``currency`` (or the
    currency of the claim or order the row concerns), ``<name>_id`` the row it names."""
    details = dict(details or {})
    context = context or Context(names, {}, {})
    stated = details.pop("currency", None)
    currency = stated if isinstance(stated, str) else None
    if currency is None:
        order = details.get("order")
        currency = context.currencies.get(
            (object_type or "", object_id or "")
        ) or context.currencies.get(("order", order if isinstance(order, str) else ""))
    fields: list[DetailField] = []
    for key, value in details.items():
        label = _label(key)
        if key.endswith("_minor") and isinstance(value, int):
            fields.append(DetailField(label, _amount(value, currency), True))
            continue
        if key.endswith("_id") and isinstance(value, int):
            fields.append(DetailField(label, context.id_names.get((key, value), "—"), True))
            continue
        if key in ("order", "rfq") and isinstance(value, str):
            fields.append(DetailField(label, names.get((key, value), value), True))
            continue
        coded = _coded(key, value, object_type)
        if coded is not None:
            fields.append(DetailField(label, coded, False))
            continue
        figure = isinstance(value, int | float) and not isinstance(value, bool)
        if isinstance(value, str) and _ISO_DATE.match(value):
            figure = True
        fields.append(DetailField(label, _plain(value), figure))
    if isinstance(stated, str) and not any(key.endswith("_minor") for key in details):
        fields.append(DetailField(str(_l("Currency")), stated, False))
    return fields


def audit_rows(events: Sequence[AuditEvent]) -> list[AuditRow]:
    names = object_names(events)
    companies = company_names(events)
    context = Context(names, id_detail_names(events), object_currencies(events))
    rows = []
    for event in events:
        kind = event.object_type or ""
        rows.append(
            AuditRow(
                event=event,
                object_label=str(OBJECT_LABELS.get(kind, kind)),
                object_name=names.get((kind, event.object_id or "")),
                company_name=companies.get(event.company_id) if event.company_id else None,
                action_label=action_label(event.action),
                details=detail_fields(
                    event.details,
                    names,
                    object_type=event.object_type,
                    object_id=event.object_id,
                    context=context,
                ),
            )
        )
    return rows
