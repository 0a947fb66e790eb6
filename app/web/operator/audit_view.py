"""The audit log as the operator reads it: what each row links, by name, and its details
as labelled fields with amounts in the viewer's format (the row keeps ids and minor units)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.i18n import current_locale_code
from app.models import AuditEvent
from app.money import InvalidCurrency, Money
from app.services.audit.naming import company_names, object_names

OBJECT_LABELS: dict[str, LazyString] = {
    "order": _l("Order"),
    "product": _l("Listing"),
    "company": _l("Company"),
    "document": _l("Document"),
    "rfq": _l("Request for quotation"),
    "user": _l("User"),
    "api_token": _l("API token"),
    "claim": _l("Claim"),
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
}


@dataclass(frozen=True)
class DetailField:
    label: str
    value: str
    figure: bool  # an amount or count: kept on one line


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    object_label: str
    object_name: str | None
    company_name: str | None
    details: list[DetailField]


def _plain(value: Any) -> str:
    """A detail value as text: lists joined, nested mappings as "key: value" pairs."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_plain(inner)}" for key, inner in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def detail_fields(
    details: dict[str, Any] | None, names: dict[tuple[str, str], str]
) -> list[DetailField]:
    """Labelled fields; ``<name>_minor`` with the row's ``currency`` becomes an amount."""
    details = dict(details or {})
    currency = details.pop("currency", None)
    locale = current_locale_code()
    fields: list[DetailField] = []
    for key, value in details.items():
        if key.endswith("_minor") and isinstance(value, int) and isinstance(currency, str):
            stem = key.removesuffix("_minor")
            try:
                amount = Money.from_minor(value, currency).format(locale)
            except InvalidCurrency:
                amount = f"{value} {currency}"
            fields.append(DetailField(str(DETAIL_LABELS.get(stem, stem)), amount, True))
            continue
        if key == "order" and isinstance(value, str):
            value = names.get(("order", value), value)
        label = str(DETAIL_LABELS.get(key, key.replace("_", " ")))
        fields.append(DetailField(label, _plain(value), isinstance(value, int)))
    if currency is not None and not any(field.figure for field in fields):
        fields.append(DetailField(str(_l("Currency")), str(currency), False))
    return fields


def audit_rows(events: Sequence[AuditEvent]) -> list[AuditRow]:
    names = object_names(events)
    companies = company_names(events)
    rows = []
    for event in events:
        kind = event.object_type or ""
        rows.append(
            AuditRow(
                event=event,
                object_label=str(OBJECT_LABELS.get(kind, kind)),
                object_name=names.get((kind, event.object_id or "")),
                company_name=companies.get(event.company_id) if event.company_id else None,
                details=detail_fields(event.details, names),
            )
        )
    return rows
