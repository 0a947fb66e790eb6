"""What people type into the forms: a listing, checkout and the seller's shipment record."""

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


def listing_form(**changes: str) -> dict[str, str]:
    """The listing form, filled in for chromite ore lumps sold in USD from stock, two price
    tiers, FOB Karachi (the category ``chromite`` must exist)."""
    data = {
        "title": "Chromite ore lumps Cr2O3 40 %",
        "description": "Hand-sorted lumps.",
        "category": "chromite",
        "hs_code": "2610.00",
        "unit": "TNE",
        "moq": "500",
        "currency": "USD",
        "price_tiers-0-min_quantity": "500",
        "price_tiers-0-unit_price": "265.50",
        "price_tiers-1-min_quantity": "2000",
        "price_tiers-1-unit_price": "252",
        "availability": "stock",
        "stock_quantity": "12000",
        "origin_country": "PK",
        "incoterms-0-rule": "FOB",
        "incoterms-0-named_place": "Karachi",
        "package_type": "bulk",
        "specifications-0-name": "Cr2O3",
        "specifications-0-value": "≥ 40 %",
    }
    data.update(changes)
    return data
