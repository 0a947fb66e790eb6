"""What a document says, frozen at issue as plain JSON data.

The PDF is rendered from this snapshot and nothing else, so a listing, company or order
edited later never changes an issued document, and a failed render can be retried with
exactly the same content. Amounts are integer minor units with the currency beside them;
dates are ISO strings; texts are the user's text, escaped only when rendered.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pycountry

from app.documents import labels
from app.models import (
    Company,
    CompanyLetterhead,
    DocumentKind,
    Order,
    Shipment,
    ShipmentPackage,
    StoredFile,
)
from app.models.base import plain_decimal
from app.reference.trade_codes import is_explosive
from app.time_zones import local_date

# How long a proforma invoice's prices hold.
PROFORMA_VALIDITY_DAYS = 30

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


def country_name(code: str | None) -> str:
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code


def tax_id_kind(country: str) -> str:
    return {"CN": "USCC", "PK": "NTN"}.get(country, "Tax ID")


def party(company: Company, *, with_bank: bool = False) -> Snapshot:
    data: Snapshot = {
        "legal_name": company.legal_name,
        "legal_name_local": company.legal_name_local,
        "address": company.address,
        "city": company.city,
        "postal_code": company.postal_code,
        "country": company.country,
        "country_name": country_name(company.country),
        "tax_id": company.tax_id,
        "tax_id_kind": tax_id_kind(company.country),
        "sales_tax_registration": company.sales_tax_registration,
        "email": company.contact_email,
        "phone": company.contact_phone,
    }
    if with_bank:
        data["bank"] = (
            {
                "beneficiary": company.bank_beneficiary or company.legal_name,
                "name": company.bank_name,
                "account": company.bank_account,
                "swift": company.bank_swift,
                "address": company.bank_address,
            }
            if company.has_bank_details
            else None
        )
    return data


def letterhead_data(letterhead: CompanyLetterhead | None) -> Snapshot:
    """Who signs and what is printed with the signature, frozen with the document.

    The pictures are named by their stored file (never edited) and its SHA-256, so the
    renderer prints exactly the logo and stamp the company had when the document was issued.
    """

    def picture(stored: StoredFile | None) -> Snapshot | None:
        return None if stored is None else {"file": stored.public_id, "sha256": stored.sha256}

    if letterhead is None:
        return {
            "signatory_name": None,
            "signatory_title": None,
            "signing_place": None,
            "logo": None,
            "stamp": None,
        }
    return {
        "signatory_name": letterhead.signatory_name,
        "signatory_title": letterhead.signatory_title,
        "signing_place": letterhead.signing_place,
        "logo": picture(letterhead.logo),
        "stamp": picture(letterhead.stamp),
    }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def order_terms(order: Order) -> Snapshot:
    terms = _order_terms(order)
    revision = order.quote_revision
    if revision is not None:
        # An order awarded from a quote names the accepted revision and its terms' hash.
        terms["quote"] = {
            "reference": f"{revision.rfq.reference} rev. {revision.revision_no}",
            "id": revision.public_id,
            "sha256": order.quote_terms_sha256,
        }
    return terms


def _order_terms(order: Order) -> Snapshot:
    return {
        "reference": order.reference,
        "buyer_po_number": order.buyer_po_number,
        "placed_on": _iso(local_date(order.placed_at, order.seller.timezone)),
        "incoterm": order.incoterm.value,
        "incoterm_place": order.incoterm_place,
        "payment_terms": order.payment_terms.value,
        "payment_terms_text": list(labels.PAYMENT_TERMS[order.payment_terms]),
        "destination_country": order.destination_country,
        "destination_country_name": country_name(order.destination_country),
        "destination_port": order.destination_port,
        "consignee": order.consignee,
        "notify_party": order.notify_party,
        "requested_delivery_date": _iso(order.requested_delivery_date),
        "confirmed_ship_date": _iso(order.confirmed_ship_date),
        "notes": order.notes,
    }


def order_lines(order: Order) -> list[Snapshot]:
    return [
        {
            "no": line.line_no,
            "title": line.title,
            "hs_code": line.hs_code,
            "origin_country": line.origin_country,
            "origin_country_name": country_name(line.origin_country),
            "unit": line.unit,
            "quantity": quantity_data(line.quantity),
            "unit_price_minor": line.unit_price_minor,
            "line_total_minor": line.line_total_minor,
            "lead_time_days": line.lead_time_days,
            "units_per_package": line.units_per_package,
            "net_weight_g": line.net_weight_g,
            "gross_weight_g": line.gross_weight_g,
            "un_number": line.un_number,
            "proper_shipping_name": line.proper_shipping_name,
            "hazard_class": line.hazard_class,
            "packing_group": line.packing_group,
            "net_explosive_mass_g": line.net_explosive_mass_g,
            "subsidiary_risk": line.subsidiary_risk,
            "ems": line.ems,
        }
        for line in sorted(order.lines, key=lambda line: line.line_no)
    ]


def amounts(order: Order) -> Snapshot:
    # Exports are zero-rated: tax is shown, and is zero, as s.23 asks.
    return {
        "goods_minor": order.goods_total_minor,
        "freight_minor": order.freight_minor,
        "insurance_minor": order.insurance_minor,
        "tax_rate_percent": "0",
        "tax_minor": 0,
        "total_minor": order.total_minor,
        "tax_basis": list(labels.EXPORT_ZERO_RATED),
    }


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
            "packed_on": _iso(container.packed_on),
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


def shipment_data(shipment: Shipment) -> Snapshot:
    packages = []
    for package in sorted(shipment.packages, key=lambda p: p.package_no):
        length_mm, width_mm, height_mm = package_dimensions(package)
        volume_mm3 = (
            length_mm * width_mm * height_mm if length_mm and width_mm and height_mm else None
        )
        packages.append(
            {
                "package_no": package.package_no,
                "public_id": f"{shipment.order.reference}-{package.package_no:03d}",
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
        "etd": _iso(shipment.etd),
        "eta": _iso(shipment.eta),
        "net_weight_g": shipment.net_weight_g,
        "gross_weight_g": shipment.gross_weight_g,
        "packages": packages,
        "package_count": sum(p["count"] for p in packages),
        "lines": shipment_lines(shipment, packages),
        "containers": containers_data(shipment, packages),
    }


def latest_shipment(order: Order) -> Shipment | None:
    return max(order.shipments, key=lambda s: (s.recorded_at, s.id), default=None)


def build_snapshot(
    kind: DocumentKind,
    order: Order,
    *,
    number: str,
    issued_at: datetime,
    verify_url: str,
    related: dict[str, str] | None = None,
    credit: Snapshot | None = None,
    letter_of_credit: Snapshot | None = None,
    letterhead: CompanyLetterhead | None = None,
) -> Snapshot:
    """Everything ``kind`` prints for ``order``: parties, terms, lines, amounts, shipment.

    ``related`` names sibling documents by kind (e.g. the commercial invoice number on the
    packing list); ``credit`` carries a credit note's invoice, reason and amount.
    """
    # Dates print as the issuer's (the seller's) clock reads them.
    issued_on = local_date(issued_at, order.seller.timezone)
    shipment = latest_shipment(order)
    snapshot: Snapshot = {
        "kind": kind.value,
        "title": list(labels.TITLES[kind]),
        "number": number,
        "issued_on": issued_on.isoformat(),
        "seller": {
            **party(order.seller, with_bank=True),
            "letterhead": letterhead_data(letterhead),
        },
        "buyer": party(order.buyer),
        "order": order_terms(order),
        "currency": order.currency,
        "lines": order_lines(order),
        "amounts": amounts(order),
        "shipment": shipment_data(shipment) if shipment is not None else None,
        "related": dict(related or {}),
        "verify_url": verify_url,
        "has_explosives": any(is_explosive(line.hazard_class) for line in order.lines),
    }
    if kind is DocumentKind.PROFORMA_INVOICE:
        snapshot["valid_until"] = (issued_on + timedelta(days=PROFORMA_VALIDITY_DAYS)).isoformat()
        lead_times = [line.lead_time_days for line in order.lines if line.lead_time_days]
        snapshot["delivery_period"] = {
            "ship_by": _iso(order.confirmed_ship_date),
            "lead_time_days": max(lead_times) if lead_times else None,
        }
    if kind is DocumentKind.CREDIT_NOTE:
        snapshot["credit"] = dict(credit or {})
    if kind is DocumentKind.DANGEROUS_GOODS:
        # IMDG 5.4.3.2: who answers for the goods day and night while they travel.
        snapshot["emergency_contact"] = {
            "name": order.seller.emergency_contact_name,
            "phone": order.seller.emergency_contact_phone,
        }
    if letter_of_credit is not None:
        # An invoice under a documentary credit quotes its number and its goods (45A).
        snapshot["letter_of_credit"] = dict(letter_of_credit)
    return snapshot
