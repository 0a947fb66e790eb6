"""What a document says, frozen at issue as plain JSON data.

The PDF is rendered from this snapshot and nothing else, so a listing, company or order
edited later never changes an issued document, and a failed render can be retried with
exactly the same content. Amounts are integer minor units with the currency beside them;
dates are ISO strings; texts are the user's text, escaped only when rendered.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pycountry

from app.documents import labels
from app.documents.shipment_snapshot import first_shipment, latest_shipment, shipment_data
from app.documents.snapshot_values import Snapshot as Snapshot
from app.documents.snapshot_values import iso
from app.documents.snapshot_values import quantity_data as quantity_data
from app.documents.snapshot_values import quantity_value as quantity_value
from app.documents.weight_snapshot import (
    final_amounts,
    final_lines,
    outturn_data,
    provisional_amounts,
)
from app.models import (
    Company,
    CompanyLetterhead,
    DocumentKind,
    Order,
    Shipment,
    StoredFile,
    WeightSettlement,
)
from app.money import lot_amount_minor, price_json
from app.reference.trade_codes import is_explosive
from app.time_zones import local_date

# How long a proforma invoice's prices hold.
PROFORMA_VALIDITY_DAYS = 30


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
        "placed_on": iso(local_date(order.placed_at, order.seller.timezone)),
        "incoterm": order.incoterm.value,
        "incoterm_place": order.incoterm_place,
        "payment_terms": order.payment_terms.value,
        "payment_terms_text": list(labels.PAYMENT_TERMS[order.payment_terms]),
        "destination_country": order.destination_country,
        "destination_country_name": country_name(order.destination_country),
        "destination_port": order.destination_port,
        "consignee": order.consignee,
        "notify_party": order.notify_party,
        "requested_delivery_date": iso(order.requested_delivery_date),
        "confirmed_ship_date": iso(order.confirmed_ship_date),
        "notes": order.notes,
        **_tolerance(order),
        # Only on orders that agreed it (older snapshots and one-lot orders lack the key).
        **(
            {"partial_shipments": list(labels.PARTIAL_SHIPMENTS_ALLOWED)}
            if order.partial_shipments
            else {}
        ),
    }


def _tolerance(order: Order) -> Snapshot:
    """The "more or less" clause, only on orders that agreed one (older snapshots lack it)."""
    percent = order.tolerance_percent or 0
    if not percent:
        return {}
    option = "buyer" if order.tolerance_at_buyers_option else "seller"
    return {
        "tolerance": {
            "percent": percent,
            "option": option,
            "text": [text.format(percent=percent) for text in labels.TOLERANCE_AT[option]],
        }
    }


def _carried(order: Order, shipment: Shipment) -> dict[int, Decimal]:
    """order_line_id → what ``shipment`` carries (all of every line when it lists none:
    shipments recorded before lines existed)."""
    if shipment.lines:
        return {line.order_line.id: line.quantity for line in shipment.lines}
    return {line.id: line.quantity for line in order.lines}


def order_lines(order: Order, shipment: Shipment | None = None) -> list[Snapshot]:
    """The order's lines; with ``shipment``, what it carries of each at the agreed price
    (within the tolerance, the shipped quantity is what is invoiced)."""
    shipped: dict[int, Decimal] = {}
    before: dict[int, Decimal] = {}
    if shipment is not None:
        shipped = _carried(order, shipment)
        if not order.provisional_percent:
            # Lots at the contract price round as one quantity: this lot bills the line
            # with it less the line before it (``lot_amount_minor``).
            for earlier in order.shipments:
                if earlier.id is not None and shipment.id is not None and earlier.id < shipment.id:
                    for line_id, quantity in _carried(order, earlier).items():
                        before[line_id] = before.get(line_id, Decimal(0)) + quantity
    return [
        {
            "no": line.line_no,
            "title": line.title,
            "hs_code": line.hs_code,
            "origin_country": line.origin_country,
            "origin_country_name": country_name(line.origin_country),
            "unit": line.unit,
            "quantity": quantity_data(shipped.get(line.id, line.quantity)),
            "unit_price_minor": price_json(line.unit_price_minor),
            "line_total_minor": (
                lot_amount_minor(
                    before.get(line.id, Decimal(0)), shipped[line.id], line.unit_price_minor
                )
                if line.id in shipped
                else line.line_total_minor
            ),
            # What earlier lots shipped of the line, when any: the e-invoice checks the
            # lot's amount against it (absent from one-lot orders and older snapshots).
            **({"shipped_before": quantity_data(before[line.id])} if before.get(line.id) else {}),
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
        if shipment is None or line.id in shipped
    ]


def amounts(
    order: Order,
    lot: Shipment | None = None,
    lines: list[Snapshot] | None = None,
    *,
    from_lines: bool = False,
) -> Snapshot:
    """The order's amounts; for a ``lot`` of an order shipped in several (or ``from_lines``,
    a final invoice's settled lines), the amounts of its ``lines`` as printed, freight
    and insurance on the first lot only."""
    goods, freight, insurance = order.goods_total_minor, order.freight_minor, order.insurance_minor
    total = order.total_minor
    if lot is not None and lines is not None and (order.partial_shipments or from_lines):
        goods = sum(int(line["line_total_minor"]) for line in lines)
        if lot is not first_shipment(order):
            freight = insurance = 0
        total = goods + freight + insurance
    # Exports are zero-rated: tax is shown, and is zero, as s.23 asks.
    return {
        "goods_minor": goods,
        "freight_minor": freight,
        "insurance_minor": insurance,
        "tax_rate_percent": "0",
        "tax_minor": 0,
        "total_minor": total,
        "tax_basis": list(labels.EXPORT_ZERO_RATED),
    }


def invoice_stage(
    kind: DocumentKind, order: Order, settlement: WeightSettlement | None
) -> str | None:
    """ "provisional" or "final" for a commercial invoice on weight terms; else None."""
    if kind is not DocumentKind.COMMERCIAL_INVOICE:
        return None
    if settlement is not None:
        return "final"
    return "provisional" if order.provisional_percent else None


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
    settlement: WeightSettlement | None = None,
) -> Snapshot:
    """Everything ``kind`` prints for ``order``: parties, terms, lines, amounts, shipment.

    A commercial invoice on weight terms is the lot's provisional one, or with
    ``settlement`` (the outturn entered) its final one (``weight_snapshot``).

    ``related`` names sibling documents by kind (e.g. the commercial invoice number on the
    packing list); ``credit`` carries a credit note's invoice, reason and amount.
    """
    # Dates print as the issuer's (the seller's) clock reads them.
    issued_on = local_date(issued_at, order.seller.timezone)
    shipment = settlement.shipment if settlement is not None else latest_shipment(order)
    # What the document is about: the order (proforma, credit note) or the lot shipped.
    lot = None if kind in (DocumentKind.PROFORMA_INVOICE, DocumentKind.CREDIT_NOTE) else shipment
    lines = order_lines(order, None if kind is DocumentKind.PROFORMA_INVOICE else shipment)
    stage = invoice_stage(kind, order, settlement)
    if settlement is not None:
        lines = final_lines(lines, settlement)
    priced = amounts(order, lot, lines, from_lines=settlement is not None)
    if stage == "provisional":
        priced = provisional_amounts(priced, order.provisional_percent)
    elif settlement is not None:
        priced = final_amounts(priced, settlement)
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
        "lines": lines,
        "amounts": priced,
        "shipment": shipment_data(shipment) if shipment is not None else None,
        "related": dict(related or {}),
        "verify_url": verify_url,
        "has_explosives": any(is_explosive(line.hazard_class) for line in order.lines),
    }
    if stage is not None:
        snapshot["stage"] = stage
        snapshot["title"] = list(labels.STAGE_TITLES[stage])
    if settlement is not None:
        snapshot["outturn"] = outturn_data(order, settlement)
    if kind is DocumentKind.PROFORMA_INVOICE:
        snapshot["valid_until"] = (issued_on + timedelta(days=PROFORMA_VALIDITY_DAYS)).isoformat()
        lead_times = [line.lead_time_days for line in order.lines if line.lead_time_days]
        snapshot["delivery_period"] = {
            "ship_by": iso(order.confirmed_ship_date),
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
