"""What a shipment carries, per order line: the one place every other module asks.

Licence drawdowns, the documents and the checks below all read shipped quantities from
here, so a shipment recorded before shipment lines existed (which shipped the whole
order) and a shipment that records its lines answer the same question the same way.

``checked_contents`` is the gate before a shipment is recorded: quantities within what is
still to ship, no UN number the order does not carry, containers named once with their
packing certificate when dangerous goods are inside, class 1 goods stowed only in mixes
the compatibility table allows (``app.reference.stowage``), and the seller's 24-hour
emergency contact on file before dangerous goods leave.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext

from app.models import (
    Order,
    OrderLine,
    ShipmentContainer,
    ShipmentLine,
    ShipmentPackage,
)
from app.money import plain_decimal
from app.numbers import NumberProblem
from app.reference.stowage import Goods, check_mix, compatibility_group
from app.reference.trade_codes import normalize_un_number
from app.reference.units import parse_quantity, unit_word
from app.services.errors import ValidationFailed
from app.services.fulfilment.containers import ContainerInput as ContainerInput
from app.services.fulfilment.containers import checked_containers
from app.services.orders.lots import lot_closes
from app.services.orders.shipped import already_shipped, remaining_quantities
from app.services.orders.tolerance import Tolerance

if TYPE_CHECKING:
    from app.services.fulfilment.actions import ShipmentInput

# A UN number written in marks or contents ("UN0360", "UN 1942"): checked against the order.
_UN_IN_TEXT = re.compile(r"\bUN\s?(\d{4})\b", re.IGNORECASE | re.ASCII)


@dataclass
class LineInput:
    """How much of order line ``line_no`` this shipment carries, in its unit: whole pieces,
    tonnes to the kilogram (text as typed, or an exact number)."""

    line_no: int
    quantity: Decimal | int | str | None


def _quantity(entry: LineInput, line: OrderLine) -> Decimal:
    """The quantity typed for ``line``, by its unit's rule (1.5 pieces is refused, 12.5 t
    is not); blank is none."""
    if entry.quantity is None or entry.quantity == "":
        return Decimal(0)
    if not isinstance(entry.quantity, str) and entry.quantity < 0:
        raise _refuse(lazy_gettext("Quantities shipped cannot be negative."), "lines")
    try:
        return parse_quantity(entry.quantity, line.unit, minimum=0)
    except NumberProblem as problem:
        raise _refuse(
            lazy_gettext("Line %(no)s: %(problem)s", no=line.line_no, problem=problem.message),
            "lines",
        ) from None


# The gate ------------------------------------------------------------------------------


def _refuse(message: Any, field: str) -> ValidationFailed:
    return ValidationFailed(message, field)


def _shipment_lines(
    order: Order, wanted: Sequence[LineInput], *, last_lot: bool = False
) -> list[ShipmentLine]:
    """The shipment's lines: what was asked for, or everything still to ship.

    Each line may ship up to its quantity plus the order's tolerance, over all lots. The
    shipment that completes the order (the only one of an order in one lot, or the last
    lot: ``app.services.orders.lots.lot_closes``) also brings every line to at least its
    quantity less the tolerance: what shipped then is what is invoiced.
    """
    by_no = {line.line_no: line for line in order.lines}
    shipped = already_shipped(order)
    tolerance = Tolerance.of(order)
    if not wanted:
        remaining = remaining_quantities(order)
        wanted = [LineInput(line.line_no, remaining[line.id]) for line in order.lines]
    result: list[ShipmentLine] = []
    seen: set[int] = set()
    for entry in wanted:
        line = by_no.get(entry.line_no)
        if line is None or entry.line_no in seen:
            raise _refuse(lazy_gettext("Choose the order lines this shipment carries."), "lines")
        seen.add(entry.line_no)
        quantity = _quantity(entry, line)
        if quantity == 0:
            continue
        allowed = max(tolerance.bounds(line.quantity, line.unit)[1] - shipped[line.id], Decimal(0))
        if quantity > allowed:
            raise _refuse(
                _over_refusal(line, tolerance, quantity, allowed, shipped[line.id]), "lines"
            )
        result.append(ShipmentLine(order_line=line, quantity=quantity))
    if not result:
        raise _refuse(lazy_gettext("Give the quantity this shipment carries."), "lines")
    carried = {shipment_line.order_line.id: shipment_line.quantity for shipment_line in result}
    if not lot_closes(order, shipped, carried, last_lot=last_lot):
        return result
    for line in order.lines:
        low, high = tolerance.bounds(line.quantity, line.unit)
        if shipped[line.id] + carried.get(line.id, Decimal(0)) < low:
            raise _refuse(
                _closing_refusal(order, line, tolerance, (low, high), shipped[line.id]), "lines"
            )
    return result


def _over_refusal(
    line: OrderLine, tolerance: Tolerance, quantity: Decimal, allowed: Decimal, before: Decimal
) -> Any:
    figures = {
        "no": line.line_no,
        "quantity": plain_decimal(quantity),
        "unit": unit_word(line.unit, plural=True),
        "allowed": plain_decimal(allowed),
        "ordered": plain_decimal(line.quantity),
    }
    if before:
        # A later lot: say what the earlier ones took, or the figures do not add up.
        return lazy_gettext(
            "Line %(no)s: %(quantity)s %(unit)s is more than the order allows: at most "
            "%(allowed)s %(unit)s more (%(ordered)s %(unit)s ordered, more or less "
            "%(percent)s %%; %(before)s %(unit)s shipped in earlier lots).",
            percent=tolerance.percent,
            before=plain_decimal(before),
            **figures,
        )
    if tolerance.percent:
        return lazy_gettext(
            "Line %(no)s: %(quantity)s %(unit)s is more than the order allows: at most "
            "%(allowed)s %(unit)s (%(ordered)s %(unit)s ordered, more or less "
            "%(percent)s %%).",
            percent=tolerance.percent,
            **figures,
        )
    return lazy_gettext(
        "Line %(no)s: %(quantity)s %(unit)s is more than the order leaves to ship "
        "(%(allowed)s %(unit)s of %(ordered)s %(unit)s ordered).",
        **figures,
    )


def _closing_refusal(
    order: Order,
    line: OrderLine,
    tolerance: Tolerance,
    bounds: tuple[Decimal, Decimal],
    before: Decimal,
) -> Any:
    low, high = bounds
    if order.partial_shipments:
        # The last lot: what it must carry, after what the earlier lots took.
        return lazy_gettext(
            "Line %(no)s: as the last lot, this one must carry %(low)s to %(high)s "
            "%(unit)s (%(ordered)s %(unit)s ordered, more or less %(percent)s %%; "
            "%(before)s %(unit)s shipped in earlier lots).",
            no=line.line_no,
            low=plain_decimal(max(low - before, Decimal(0))),
            high=plain_decimal(high - before),
            ordered=plain_decimal(line.quantity),
            unit=unit_word(line.unit, plural=True),
            percent=tolerance.percent,
            before=plain_decimal(before),
        )
    if not tolerance.percent:
        return lazy_gettext(
            "Line %(no)s: the order ships in one lot, so this shipment carries the "
            "%(ordered)s %(unit)s ordered.",
            no=line.line_no,
            ordered=plain_decimal(line.quantity),
            unit=unit_word(line.unit, plural=True),
        )
    return lazy_gettext(
        "Line %(no)s: the order ships in one lot, so this shipment carries %(low)s to "
        "%(high)s %(unit)s (%(ordered)s %(unit)s ordered, more or less %(percent)s %%).",
        no=line.line_no,
        low=plain_decimal(low),
        high=plain_decimal(high),
        ordered=plain_decimal(line.quantity),
        unit=unit_word(line.unit, plural=True),
        percent=tolerance.percent,
    )


def _un_numbers_in(package: ShipmentPackage) -> set[str]:
    text = f"{package.marks or ''} {package.contents or ''}"
    found = {normalize_un_number(match) for match in _UN_IN_TEXT.findall(text)}
    return {un for un in found if un}


def _check_packages(
    order: Order,
    lines: list[ShipmentLine],
    packages: Sequence[ShipmentPackage],
    package_lines: Sequence[int | None],
) -> None:
    """Each package holds goods of a line shipped now, and names no foreign UN number."""
    shipped = {line.order_line.line_no: line.order_line for line in lines}
    order_un = {un for line in order.lines if (un := normalize_un_number(line.un_number or ""))}
    for package, line_no in zip(packages, package_lines, strict=True):
        if line_no is None and len(shipped) == 1:
            line_no = next(iter(shipped))
        if line_no is not None:
            if line_no not in shipped:
                raise _refuse(
                    lazy_gettext(
                        "Packages can only hold the order lines this shipment carries "
                        "(line %(no)s is not shipped).",
                        no=line_no,
                    ),
                    "packages",
                )
            package.order_line = shipped[line_no]
        own = package.order_line
        allowed = (
            {normalize_un_number(own.un_number or "")} - {None} if own is not None else order_un
        )
        foreign = sorted(_un_numbers_in(package) - allowed)
        if foreign:
            raise _refuse(
                lazy_gettext(
                    "%(un)s is not on this order (it carries %(order_un)s): a shipment carries "
                    "only the goods ordered.",
                    un=", ".join(foreign),
                    order_un=", ".join(sorted(order_un)) or lazy_gettext("no dangerous goods"),
                ),
                "packages",
            )


def _place_packages(
    packages: Sequence[ShipmentPackage],
    package_containers: Sequence[str | None],
    containers: list[ShipmentContainer],
) -> None:
    by_number = {c.container_number: c for c in containers}
    for package, number in zip(packages, package_containers, strict=True):
        number = (number or "").strip().upper().replace(" ", "")
        if not number:
            if len(containers) == 1:
                package.container = containers[0]
            elif containers:
                # Each container's contents are printed and checked for stowage.
                raise _refuse(
                    lazy_gettext(
                        "Package %(no)s: say which container it travels in.",
                        no=package.package_no,
                    ),
                    "packages",
                )
            continue
        if number not in by_number:
            raise _refuse(
                lazy_gettext(
                    "Package %(no)s is in container %(number)s, which the shipment does not list.",
                    no=package.package_no,
                    number=number,
                ),
                "packages",
            )
        package.container = by_number[number]


def _class_1_goods(line: OrderLine | None) -> Goods | None:
    if line is None:
        return None
    group = compatibility_group(line.hazard_class)
    un_number = normalize_un_number(line.un_number or "")
    return Goods(un_number, group) if group and un_number else None


def _check_stowage(
    lines: list[ShipmentLine],
    packages: Sequence[ShipmentPackage],
    containers: list[ShipmentContainer],
) -> None:
    """Class 1 goods in one container only in mixes the table allows; record the group.

    Goods whose container is not known (a package in none, a line with no package) may
    be stowed with anything, so they are checked against every container.
    """
    placed: dict[int, set[Goods]] = {id(c): set() for c in containers}
    unplaced: set[Goods] = set()
    packed_lines: set[int] = set()
    for package in packages:
        goods = _class_1_goods(package.order_line)
        if package.order_line is not None:
            packed_lines.add(id(package.order_line))
        if goods is None:
            continue
        if package.container is not None:
            placed[id(package.container)].add(goods)
        else:
            unplaced.add(goods)
    for line in lines:
        goods = _class_1_goods(line.order_line)
        if goods is not None and id(line.order_line) not in packed_lines:
            unplaced.add(goods)
    units: list[tuple[ShipmentContainer | None, set[Goods]]] = [
        (c, placed[id(c)] | unplaced) for c in containers
    ] or [(None, unplaced)]
    for container, goods_in in units:
        decision = check_mix(goods_in)
        if not decision.allowed and container is None:
            raise _refuse(
                lazy_gettext(
                    "These goods may not travel together: %(rule)s Stow them in separate "
                    "containers and say which package travels in which.",
                    rule=decision.rule,
                ),
                "containers",
            )
        if not decision.allowed and container is not None:
            raise _refuse(
                lazy_gettext(
                    "These goods may not travel together in container %(number)s: %(rule)s "
                    "Put them in separate containers.",
                    number=container.container_number,
                    rule=decision.rule,
                ),
                "containers",
            )
        if container is not None:
            container.travels_as_group = decision.travels_as


def checked_contents(
    order: Order, data: ShipmentInput, packages: Sequence[ShipmentPackage]
) -> dict[str, Any]:
    """The shipment's lines and containers, checked against the order and the stowage table.

    ``packages`` are the shipment's package rows built from ``data.listed_packages()``
    (already checked for counts and marks), in the same order; each names the order line
    (by its number) it holds and the container it is in. The packages are linked in place;
    the answer goes into the new ``Shipment``'s fields (lines, containers, their numbers).
    """
    listed = data.listed_packages()
    package_lines = [p.line_no for p in listed]
    package_containers = [p.container_number for p in listed]
    lines, containers = data.lines, data.containers
    shipment_lines = _shipment_lines(order, lines, last_lot=data.last_lot)
    dangerous = any(line.order_line.un_number for line in shipment_lines)
    if dangerous and not (order.seller.emergency_contact_phone or "").strip():
        raise _refuse(
            lazy_gettext(
                "Dangerous goods need a 24-hour emergency contact on the declaration: add it "
                "in your company settings before recording the shipment."
            ),
            "lines",
        )
    shipment_containers = checked_containers(containers, dangerous)
    _check_packages(order, shipment_lines, packages, package_lines)
    _place_packages(packages, package_containers, shipment_containers)
    _check_stowage(shipment_lines, packages, shipment_containers)
    values: dict[str, Any] = {"lines": shipment_lines, "containers": shipment_containers}
    if shipment_containers:
        values["container_numbers"] = " ".join(c.container_number for c in shipment_containers)
    return values
