"""What people type into the order forms: checkout and the seller's shipment record."""

from __future__ import annotations

from datetime import date, timedelta


def in_days(days: int) -> str:
    """The ISO date ``days`` from today, as a date field posts it."""
    return (date.today() + timedelta(days=days)).isoformat()


def checkout_form(**changes: str) -> dict[str, str]:
    """The checkout form, filled in for FOB Karachi to Shanghai on advance payment, asking
    for the review page (``action="place"`` places the order)."""
    data = {
        "delivery": "FOB|Karachi",
        "destination_country": "CN",
        "destination_port": "Shanghai",
        "consignee": "Shanghai Minmetals Trading Co., Ltd.\n88 Century Avenue, Shanghai",
        "notify_party": "Same as consignee",
        "buyer_po_number": "PO-2026-0042",
        "requested_delivery_date": (date.today() + timedelta(days=60)).isoformat(),
        "payment_terms": "advance",
        "notes": "Pack on pallets.",
        "action": "review",
    }
    data.update(changes)
    return data


def shipment_form(**changes: str) -> dict[str, str]:
    """The shipment form: a COSCO sailing with two containers and two package rows."""
    data = {
        "mode": "sea",
        "carrier": "COSCO Shipping Lines",
        "vessel": "COSCO Pakistan",
        "voyage": "042E",
        "transport_document_number": "COSU6301234567",
        "container_numbers": "CSNU1234567, TGHU7654321",
        "port_of_loading": "Karachi",
        "port_of_discharge": "Shanghai",
        "etd": in_days(10),
        "eta": in_days(28),
        "net_weight_kg": "200",
        "gross_weight_kg": "216",
        "packages-0-count": "8",
        "packages-0-package_type": "fibreboard box",
        "packages-0-marks": "WN / SMT 1-8",
        "packages-0-net_weight_kg": "25",
        "packages-0-gross_weight_kg": "27",
        "packages-1-count": "1",
        "packages-1-marks": "WN / SMT SAMPLE",
    }
    data.update(changes)
    return data
