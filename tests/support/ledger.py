"""The payments ledger's invariant, checked after a payment scenario; the one-time keys the
forms that write money carry."""

from __future__ import annotations

import secrets
from datetime import date

from app.extensions import db
from app.models import Order
from app.services.payments.ledger import check_all, check_order_ledger


def assert_ledger_holds(*orders: Order) -> None:
    """paid = receipts - reversals - refunds and the states follow, for ``orders`` (or, with
    none given, every order in the database). Reads the rows afresh first."""
    db.session.flush()
    db.session.expire_all()
    problems = [p for order in orders for p in check_order_ledger(order)] if orders else check_all()
    assert problems == []


def new_key() -> str:
    """A submission key as a rendered form carries it."""
    return secrets.token_urlsafe(24)


def receipt_form(
    amount: str, reference: str, key: str | None = None, **changes: str
) -> dict[str, str]:
    """The receipt form as the seller's finance posts it: ``amount`` (gross) received
    today, no charges (SHA), with a fresh submission key unless ``key`` is given."""
    data = {
        "amount": amount,
        "charges": "",
        "bearer": "SHA",
        "value_date": date.today().isoformat(),
        "bank_reference": reference,
        "submission_key": key or new_key(),
    }
    data.update(changes)
    return data
