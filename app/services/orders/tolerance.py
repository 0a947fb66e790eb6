"""The quantity tolerance of a contract: "more or less 5 % at seller's option".

Bulk goods are sold so (UCP 600 art. 30): each line may ship that percent more or less
than ordered, the party named choosing where in the range. An order or quote revision
carries the percent (0 to 10, whole) and whose option it is; the range of each line is
worked out here, once, for the shipment gate, the pages and the documents alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Protocol

from flask_babel import lazy_gettext

from app.reference.units import quantity_places
from app.services.errors import ValidationFailed

# UCP 600 art. 30(a): "about" a quantity allows 10 % either way; nothing wider is traded.
MAX_PERCENT = 10
OPTIONS = ("seller", "buyer")


class HasTolerance(Protocol):
    tolerance_percent: int
    tolerance_at_buyers_option: bool


@dataclass(frozen=True)
class Tolerance:
    percent: int = 0
    at_buyers_option: bool = False

    @classmethod
    def of(cls, terms: HasTolerance) -> Tolerance:
        return cls(terms.tolerance_percent or 0, bool(terms.tolerance_at_buyers_option))

    @property
    def option(self) -> str:
        return "buyer" if self.at_buyers_option else "seller"

    def bounds(self, quantity: Decimal, unit: str) -> tuple[Decimal, Decimal]:
        """The least and most of ``quantity`` that fulfil the line, in steps of the unit:
        inside the percent, never beyond it (3 pieces ±10 % is exactly 3)."""
        step = Decimal(1).scaleb(-quantity_places(unit))
        spread = quantity * self.percent / 100
        low = (quantity - spread).quantize(step, rounding=ROUND_CEILING)
        high = (quantity + spread).quantize(step, rounding=ROUND_FLOOR)
        return low, high

    def clause(self) -> Any:
        """The clause as a contract writes it, or None without a tolerance."""
        if not self.percent:
            return None
        if self.at_buyers_option:
            return lazy_gettext(
                "More or less %(percent)s %% at buyer's option", percent=self.percent
            )
        return lazy_gettext("More or less %(percent)s %% at seller's option", percent=self.percent)


def parse_tolerance(percent: object, option: object) -> Tolerance:
    """The tolerance a person or an ERP asked for: blank is none; a whole percent from 0 to
    10; the option is the seller's unless the buyer's is asked for."""
    text = "" if percent is None else str(percent).strip().removesuffix("%").strip()
    if isinstance(percent, bool | float):
        text = "?"
    if text and not (text.isascii() and text.isdigit() and int(text) <= MAX_PERCENT):
        raise ValidationFailed(
            lazy_gettext(
                "The quantity tolerance is a whole percent from 0 to %(most)s.", most=MAX_PERCENT
            ),
            "tolerance_percent",
        )
    chosen = "" if option is None else str(option).strip().lower()
    if chosen and chosen not in OPTIONS:
        raise ValidationFailed(
            lazy_gettext("The tolerance is at the seller's or the buyer's option."),
            "tolerance_option",
        )
    return Tolerance(int(text or 0), chosen == "buyer")
