"""The plain JSON values a document's snapshot is made of: quantities as exact text, dates
as ISO strings (``app.documents.snapshot`` builds the whole)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.money import plain_decimal

Snapshot = dict[str, Any]


def quantity_data(value: Decimal | int) -> str:
    """A quantity as the snapshot keeps it: exact text ("12.5", "1200"), as JSON holds no
    Decimal and a float would lose the kilogram."""
    return format(plain_decimal(Decimal(value)), "f")


def quantity_value(data: object) -> Decimal:
    """A snapshot's quantity read back exactly: text, or an int in documents issued before
    quantities took decimals (issue #20)."""
    if isinstance(data, bool | float) or not isinstance(data, str | int | Decimal):
        raise TypeError(f"not a quantity in a snapshot: {data!r}")
    return Decimal(data)


def price_value(data: object) -> Decimal:
    """A snapshot's unit price in minor units read back exactly: an int (whole minor units,
    as every document before sub-cent prices) or exact text ("25.24" US cents)."""
    if isinstance(data, bool | float) or not isinstance(data, str | int | Decimal):
        raise TypeError(f"not a unit price in a snapshot: {data!r}")
    return Decimal(data)


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
