"""What controlled goods an order (or listing) carries, and how a gate's shortfalls and
refusals are worded."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext
from sqlalchemy.orm import object_session

from app.models import OrderLine, Product
from app.models.licence import (
    Licence,
    LicenceKind,
    LimitBasis,
)
from app.services.audit.recording import Actor, record_audit
from app.services.errors import Conflict
from app.services.licences.quantities import nem_text, units_text
from app.services.licences.rules import is_controlled
from app.services.licences.types import Session

K = LicenceKind

KIND_LABELS: dict[LicenceKind, LazyString] = {
    K.MANUFACTURE: lazy_gettext("manufacture licence (EL-01)"),
    K.SALE: lazy_gettext("sale licence"),
    K.EXPORT: lazy_gettext("export licence"),
    K.IMPORT: lazy_gettext("import licence"),
    K.PER_SHIPMENT_APPROVAL: lazy_gettext("per-shipment approval (MIIT 审批单)"),
    K.END_USER_CERTIFICATE: lazy_gettext("end-user certificate"),
}


class Gate(enum.StrEnum):
    PUBLISH = "publish"
    ORDER = "order"
    ACCEPT = "accept"
    SHIP = "ship"


class PartySide(enum.StrEnum):
    SELLER = "seller"
    BUYER = "buyer"


@dataclass(frozen=True)
class Need:
    """One UN number's worth of controlled goods on an order (or a listing)."""

    un_number: str | None
    hazard_class: str | None
    hs_code: str | None
    title: str
    units: Decimal  # in ``unit``: whole pieces, tonnes to the kilogram
    nem_g: int | None  # None: the listing states no net explosive mass
    unit: str | None = None  # the lines' UN/ECE unit (TNE ...); None when they differ

    @property
    def label(self) -> str:
        return self.un_number or self.hs_code or self.title

    def amount(self, basis: LimitBasis) -> Decimal | int | None:
        return self.nem_g if basis is LimitBasis.NET_EXPLOSIVE_MASS else self.units

    def quantity_text(self) -> str:
        if self.nem_g is not None:
            return nem_text(self.nem_g)
        return units_text(self.units, self.unit)

    def limit_quantity_text(self, licence: Licence) -> str:
        """What this need asks of ``licence``, in the licence's basis."""
        if licence.limit_basis is LimitBasis.NET_EXPLOSIVE_MASS and self.nem_g is not None:
            return nem_text(self.nem_g)
        return units_text(self.units, self.unit)


def limit_text(licence: Licence, amount: Decimal | int, unit: str | None = None) -> str:
    """An amount in ``licence``'s basis: kg of NEM, or the goods' unit (``unit``, else
    the unit its goods are sold in, ``licence_unit``)."""
    if licence.limit_basis is LimitBasis.NET_EXPLOSIVE_MASS:
        return nem_text(amount)
    return units_text(amount, unit if unit is not None else licence_unit(licence))


def licence_unit(licence: Licence) -> str | None:
    """The unit a units-counted licence is counted in: that of the listings its UN numbers
    are sold in (one unit for all; None when none or several)."""
    session = object_session(licence)
    numbers = [goods.un_number for goods in licence.goods if goods.un_number]
    if session is None or not numbers:
        return None
    units = set(
        session.scalars(
            sa.select(Product.unit).where(Product.un_number.in_(numbers)).distinct().limit(2)
        )
    )
    return units.pop() if len(units) == 1 else None


@dataclass(frozen=True)
class Shortfall:
    """What one side still needs before a gate opens, in words for people."""

    gate: Gate
    side: PartySide
    company_id: int
    kinds: frozenset[LicenceKind]
    un_number: str | None
    quantity: str | None
    message: str
    licence_number: str | None = None

    def as_audit(self) -> dict[str, Any]:
        return {
            "gate": self.gate.value,
            "side": self.side.value,
            "company_id": self.company_id,
            "kinds": sorted(kind.value for kind in self.kinds),
            "un_number": self.un_number,
            "quantity": self.quantity,
            "licence": self.licence_number,
            "message": self.message,
        }


class LicenceRefused(Conflict):
    """A gate refused for want of a licence. The refusal is audited after the refused work
    is rolled back (``record_refusal``, called by the web boundary and the race helper)."""

    def __init__(self, actor: Actor, shortfalls: list[Shortfall], object_id: str | None) -> None:
        super().__init__(" ".join(s.message for s in shortfalls))
        self.actor = actor
        self.shortfalls = shortfalls
        self.object_id = object_id

    def record_refusal(self) -> None:
        first = self.shortfalls[0]
        record_audit(
            self.actor,
            f"licence.refused.{first.gate.value}",
            object_type="order" if first.gate is not Gate.PUBLISH else "product",
            object_id=self.object_id,
            details={"shortfalls": [s.as_audit() for s in self.shortfalls]},
        )


# --- which goods need licences ------------------------------------------------------------


def controlled_lines(session: Session, lines: Iterable[OrderLine]) -> list[OrderLine]:
    """The lines of controlled goods: class 1, or flagged when ordered (``controlled``)."""
    return [line for line in lines if line.controlled or is_controlled(line.hazard_class)]


def needs_for(
    session: Session, lines: Iterable[OrderLine], shipped: dict[int, Decimal] | None = None
) -> list[Need]:
    """The controlled goods on ``lines`` by UN number (``shipped``: quantities by line id,
    for a shipment that carries less than the whole order)."""
    grouped: dict[str, dict[str, Any]] = {}
    for line in controlled_lines(session, lines):
        units = line.quantity if shipped is None else shipped.get(line.id, Decimal(0))
        if units <= 0:
            continue
        key = line.un_number or line.hs_code or line.title
        entry = grouped.setdefault(
            key,
            {
                "un_number": line.un_number,
                "hazard_class": line.hazard_class,
                "hs_code": line.hs_code,
                "title": line.title,
                "units": Decimal(0),
                "nem_g": 0,
                "unit": line.unit,
            },
        )
        if entry["unit"] != line.unit:
            entry["unit"] = None
        entry["units"] += units
        if line.net_explosive_mass_g is None or entry["nem_g"] is None:
            entry["nem_g"] = None
        else:
            entry["nem_g"] += line_nem_g(units, line.net_explosive_mass_g, line.units_per_package)
    return [Need(**entry) for entry in grouped.values()]


def line_nem_g(units: Decimal | int, nem_per_package_g: int, units_per_package: int | None) -> int:
    """Net explosive mass of ``units`` of a listing whose NEM is stated per package (of
    ``units_per_package`` units; none stated: per unit), in whole grams rounded up so a
    licence is never drawn short."""
    per = units_per_package or 1
    # math.ceil, not -(-a // b): Decimal's // truncates towards zero, which rounds down.
    return math.ceil(Decimal(units) * nem_per_package_g / per)
