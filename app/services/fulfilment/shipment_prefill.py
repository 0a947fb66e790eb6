"""What the seller's shipment form starts with: the ports the order's terms already name.

Incoterms 2020 name different places: for the F-terms (FCA, FAS, FOB) and EXW the named
place is where the goods are handed over in the seller's country, so it may be the port of
loading; for the C-terms (CPT, CIP, CFR, CIF) it is the destination (port), and for the
D-terms (DAP, DPU, DDP) the place of delivery. Taking the named place of a CFR order as the
port of loading printed "Shanghai" as the port of loading on every document.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Incoterm, Order

# The named place lies in the seller's country: handed over there.
_HANDED_OVER_AT_ORIGIN = frozenset({Incoterm.EXW, Incoterm.FCA, Incoterm.FAS, Incoterm.FOB})
# The named place is the destination (port for CFR/CIF, place for CPT/CIP).
_NAMED_DESTINATION = frozenset({Incoterm.CPT, Incoterm.CIP, Incoterm.CFR, Incoterm.CIF})


@dataclass(frozen=True, slots=True)
class ShipmentPorts:
    port_of_loading: str
    port_of_discharge: str


def _origin_port(order: Order) -> str | None:
    """The listing's port of loading when the order's listings agree on one."""
    ports = {
        line.product.origin_port
        for line in order.lines
        if line.product is not None and line.product.origin_port
    }
    return ports.pop() if len(ports) == 1 else None


def shipment_ports(order: Order) -> ShipmentPorts:
    """Port of loading: the listing's origin port, else (F-terms and EXW only) the named
    place, else blank. Port of discharge: the named place for C-terms; the ordered
    destination port otherwise (D-terms name an inland place as often as a port)."""
    loading = _origin_port(order)
    if loading is None and order.incoterm in _HANDED_OVER_AT_ORIGIN:
        loading = order.incoterm_place
    if order.incoterm in _NAMED_DESTINATION:
        discharge = order.incoterm_place
    else:
        discharge = order.destination_port or (
            order.incoterm_place if order.incoterm not in _HANDED_OVER_AT_ORIGIN else ""
        )
    return ShipmentPorts(port_of_loading=loading or "", port_of_discharge=discharge or "")
