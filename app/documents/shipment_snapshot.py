"""What a shipment prints: transport, packages, containers and the quantity per order line.

Every shipping paper (packing list, commercial invoice, DG declaration, labels) takes
these rows from the shipment's snapshot, so their counts agree.
"""

from __future__ import annotations

from typing import Any

from app.documents import labels
from app.documents.snapshot_values import Snapshot, iso, quantity_data
from app.models import Order, Shipment, ShipmentPackage


def _same_or_none(values: list[Any]) -> Any:
    distinct = {v for v in values if v}
    return distinct.pop() if len(distinct) == 1 else None


def _sum_known(values: list[int | None]) -> int | None:
    return sum(v for v in values if v is not None) if values and None not in values else None


def shipment_lines(shipment: Shipment, packages: list[Snapshot]) -> list[Snapshot]:
    """What the shipment carries per order line, with the packages that hold it.

    Every document prints quantities and package counts from these rows, so the packing
    list, commercial invoice and DG declaration agree. A shipment recorded before it had
    lines shipped every order line whole (as ``services.fulfilment.shipment_contents``).
    """
    quantities = (
        [(line.order_line, line.quantity) for line in shipment.lines]
        if shipment.lines
        else [(line, line.quantity) for line in shipment.order.lines]
    )
    rows = []
    for order_line, quantity in sorted(quantities, key=lambda pair: pair[0].line_no):
        held = [p for p in packages if p["line_no"] == order_line.line_no]
        rows.append(
            {
                "line_no": order_line.line_no,
                "title": order_line.title,
                "unit": order_line.unit,
                "quantity": quantity_data(quantity),
                "un_number": order_line.un_number,
                "hazard_class": order_line.hazard_class,
                "packages": sum(p["count"] for p in held) if held else None,
                "package_type": _same_or_none([p["package_type"] for p in held]),
                "net_weight_g": _sum_known([p["net_weight_g"] for p in held]),
                "gross_weight_g": _sum_known([p["gross_weight_g"] for p in held]),
            }
        )
    return rows


def containers_data(shipment: Shipment, packages: list[Snapshot]) -> list[Snapshot]:
    """Each container with its seal, what it holds and its packing certificate."""
    return [
        {
            "number": container.container_number,
            "type": container.container_type,
            "seal": container.seal_number,
            "travels_as_group": container.travels_as_group,
            "packed_by": container.packed_by,
            "packed_at": container.packed_at,
            "packed_on": iso(container.packed_on),
            "contents": [
                p for p in packages if p["container_number"] == container.container_number
            ],
        }
        for container in sorted(shipment.containers, key=lambda c: c.position)
    ]


def package_dimensions(package: ShipmentPackage) -> tuple[int | None, int | None, int | None]:
    """The package's length, width and height in mm: as recorded on the shipment, else the
    order line's (the listing's package size frozen at ordering). A seller rarely retypes the
    carton size the listing already gives, and the packing list printed "—" beside it."""
    if package.length_mm or package.width_mm or package.height_mm:
        return package.length_mm, package.width_mm, package.height_mm
    line = package.order_line
    if line is None:
        return None, None, None
    return line.length_mm, line.width_mm, line.height_mm


def lot_number(shipment: Shipment) -> int | None:
    """The lot's place among the order's shipments (1, 2, ...) when the order ships in
    lots; None for an order in one lot."""
    order = shipment.order
    if not order.partial_shipments:
        return None
    ordered = sorted(order.shipments, key=lambda s: (s.recorded_at, s.id))
    return ordered.index(shipment) + 1


def shipment_data(shipment: Shipment) -> Snapshot:
    lot = lot_number(shipment)
    # Package ids are printed on labels: a later lot's restart at 1, so they name the lot.
    package_prefix = shipment.order.reference + (f"-L{lot}" if lot and lot > 1 else "")
    packages = []
    for package in sorted(shipment.packages, key=lambda p: p.package_no):
        length_mm, width_mm, height_mm = package_dimensions(package)
        volume_mm3 = (
            length_mm * width_mm * height_mm if length_mm and width_mm and height_mm else None
        )
        packages.append(
            {
                "package_no": package.package_no,
                "public_id": f"{package_prefix}-{package.package_no:03d}",
                "count": package.count,
                "package_type": package.package_type,
                "marks": package.marks,
                "contents": package.contents,
                "line_no": package.order_line.line_no if package.order_line else None,
                "un_number": package.order_line.un_number if package.order_line else None,
                "hazard_class": package.order_line.hazard_class if package.order_line else None,
                "container_number": (
                    package.container.container_number if package.container else None
                ),
                "net_weight_g": package.net_weight_g,
                "gross_weight_g": package.gross_weight_g,
                "length_mm": length_mm,
                "width_mm": width_mm,
                "height_mm": height_mm,
                # Cubic metres, 3 decimals, for the whole line (count packages alike).
                "cbm_milli": (volume_mm3 * package.count) // 1_000_000 if volume_mm3 else None,
            }
        )
    return {
        "mode": shipment.mode.value,
        "mode_text": list(labels.SHIPMENT_MODES[shipment.mode]),
        "carrier": shipment.carrier,
        "vessel": shipment.vessel,
        "voyage": shipment.voyage,
        "flight": shipment.flight,
        "transport_document_number": shipment.transport_document_number,
        # Stored space-separated (commas and new lines are accepted too).
        "container_numbers": (shipment.container_numbers or "").replace(",", " ").split(),
        "port_of_loading": shipment.port_of_loading,
        "port_of_discharge": shipment.port_of_discharge,
        "etd": iso(shipment.etd),
        "eta": iso(shipment.eta),
        "net_weight_g": shipment.net_weight_g,
        "gross_weight_g": shipment.gross_weight_g,
        "packages": packages,
        "package_count": sum(p["count"] for p in packages),
        "lines": shipment_lines(shipment, packages),
        "containers": containers_data(shipment, packages),
        **({"lot": [text.format(n=lot) for text in labels.LOT_N]} if lot else {}),
    }


def latest_shipment(order: Order) -> Shipment | None:
    return max(order.shipments, key=lambda s: (s.recorded_at, s.id), default=None)


def first_shipment(order: Order) -> Shipment | None:
    """The order's first lot: it carries the freight and insurance on its invoice."""
    return min(order.shipments, key=lambda s: (s.recorded_at, s.id), default=None)
