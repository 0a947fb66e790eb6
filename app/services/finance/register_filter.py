"""What the invoice register shows: the filter finance staff set, and the words it is
set with (direction, payment status, days past due, sort keys).

A filter round-trips through the URL and through the ZIP job's stored arguments, so the
page, the exports and the ZIP all read the same set.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.models import DocumentKind
from app.money import MAX_CURRENCY_EXPONENT
from app.numbers import parse_decimal


class Direction(enum.StrEnum):
    ISSUED = "issued"
    RECEIVED = "received"


class InvoiceStatus(enum.StrEnum):
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    UNPAID = "unpaid"
    OVERDUE = "overdue"


class AgingBucket(enum.StrEnum):
    CURRENT = "current"
    DAYS_1_30 = "1-30"
    DAYS_31_60 = "31-60"
    DAYS_61_90 = "61-90"
    OVER_90 = "over-90"


# Days past due each bucket holds (inclusive); "current" is not yet due or due today.
BUCKET_DAYS: dict[AgingBucket, tuple[int | None, int | None]] = {
    AgingBucket.CURRENT: (None, 0),
    AgingBucket.DAYS_1_30: (1, 30),
    AgingBucket.DAYS_31_60: (31, 60),
    AgingBucket.DAYS_61_90: (61, 90),
    AgingBucket.OVER_90: (91, None),
}


def aging_bucket(days_past_due: int) -> AgingBucket:
    """The bucket of an amount ``days_past_due`` days after its due date."""
    for bucket, (low, high) in BUCKET_DAYS.items():
        if (low is None or days_past_due >= low) and (high is None or days_past_due <= high):
            return bucket
    raise AssertionError(days_past_due)  # the buckets cover every integer


SORTS = ("issued", "number", "amount", "counterparty", "due")


def _stored_amount(raw: str) -> Decimal:
    """An amount bound as ``to_args`` wrote it (the form read it by the same rule)."""
    return parse_decimal(raw, places=MAX_CURRENCY_EXPONENT, maximum=None)


@dataclass(frozen=True)
class RegisterFilter:
    """What the register shows; round-trips through the URL (``to_args``)."""

    date_from: date | None = None
    date_to: date | None = None
    counterparty: str | None = None  # the other company's public id
    kind: DocumentKind | None = None
    direction: Direction | None = None
    status: InvoiceStatus | None = None
    currency: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    q: str = ""
    aging: AgingBucket | None = None
    sort: str = "-issued"

    def to_args(self) -> dict[str, str]:
        """The filter as URL query arguments (empty ones left out)."""
        args = {}
        for name, value in asdict(self).items():
            if value is None or value == "" or (name == "sort" and value == "-issued"):
                continue
            if isinstance(value, date):
                args[name] = value.isoformat()
            else:
                args[name] = format(value, "f") if isinstance(value, Decimal) else str(value)
        return args

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> RegisterFilter:
        """Rebuild a filter stored with ``to_args`` (the ZIP job reads it back this way)."""

        def parsed(name: str, convert: Any) -> Any:
            raw = args.get(name)
            return convert(raw) if raw not in (None, "") else None

        return cls(
            date_from=parsed("date_from", date.fromisoformat),
            date_to=parsed("date_to", date.fromisoformat),
            counterparty=args.get("counterparty") or None,
            kind=parsed("kind", DocumentKind),
            direction=parsed("direction", Direction),
            status=parsed("status", InvoiceStatus),
            currency=args.get("currency") or None,
            amount_min=parsed("amount_min", _stored_amount),
            amount_max=parsed("amount_max", _stored_amount),
            q=args.get("q") or "",
            aging=parsed("aging", AgingBucket),
            sort=args.get("sort") or "-issued",
        )
