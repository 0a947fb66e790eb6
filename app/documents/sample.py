"""A typical commercial invoice, built in memory (no database), for warming a render worker.

WeasyPrint, Pango and fontconfig fill their caches (fonts, glyphs, the stylesheet) on the
first layouts. A worker renders this once before it forks render children, so each child
starts warm: a child of a cold worker spends about 0.3 s more on the same invoice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.documents.snapshot import Snapshot, build_snapshot
from app.models import (
    Company,
    DocumentKind,
    Incoterm,
    Order,
    OrderLine,
    PaymentTerms,
    Shipment,
    ShipmentMode,
    ShipmentPackage,
)

ISSUED_AT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def _company(name: str, local: str, country: str, tax_id: str, city: str) -> Company:
    return Company(
        legal_name=name,
        legal_name_local=local,
        country=country,
        address="1 Sample Road",
        city=city,
        postal_code="00000",
        tax_id=tax_id,
        contact_email="documents@sample.example",
        bank_name="Sample Bank",
        bank_account="PK36SCBL0000001123456702",
        bank_swift="SCBLPKKX",
    )


def sample_snapshot(kind: DocumentKind = DocumentKind.COMMERCIAL_INVOICE) -> Snapshot:
    """A three-line shipped order's ``kind`` snapshot; nothing touches the session."""
    order = Order(
        id=1,
        seller=_company("Sample Chemicals (Pvt) Ltd", "سیمپل کیمیکلز", "PK", "1234567-8", "Wah"),
        buyer=_company(
            "Sample Trading Co., Ltd.", "样本贸易有限公司", "CN", "91310000MA1FL8XQ37", "Shanghai"
        ),
        buyer_po_number="PO-0001",
        currency="USD",
        incoterm=Incoterm.FOB,
        incoterm_place="Karachi",
        destination_country="CN",
        destination_port="Shanghai",
        consignee="Sample Trading Co., Ltd.\n88 Century Avenue, Shanghai",
        payment_terms=PaymentTerms.DEPOSIT_BALANCE_BL,
        placed_at=ISSUED_AT,
        confirmed_ship_date=date(2026, 2, 1),
        goods_total_minor=3_000_000,
        freight_minor=0,
        insurance_minor=0,
        total_minor=3_000_000,
        lines=[
            OrderLine(
                line_no=n,
                title=title,
                hs_code=hs_code,
                origin_country="PK",
                unit="TNE",
                quantity=10,
                unit_price_minor=100_000,
                line_total_minor=1_000_000,
                un_number=un_number,
                hazard_class=hazard_class,
                proper_shipping_name=title.upper() if un_number else None,
            )
            for n, (title, hs_code, un_number, hazard_class) in enumerate(
                [
                    ("Emulsion explosive 32 mm", "360200", "UN0241", "1.5D"),
                    ("Ammonium nitrate, porous prilled", "310230", "UN1942", "5.1"),
                    ("Chromite ore Cr2O3 40 %", "261000", None, None),
                ],
                start=1,
            )
        ],
    )
    order.shipments = [
        Shipment(
            mode=ShipmentMode.SEA,
            carrier="COSCO",
            vessel="COSCO Pakistan",
            voyage="118E",
            transport_document_number="COSU6300000001",
            container_numbers="CSNU6342117 TGHU7654321",
            port_of_loading="Karachi",
            port_of_discharge="Shanghai",
            etd=date(2026, 2, 1),
            eta=date(2026, 2, 20),
            net_weight_g=30_000_000,
            gross_weight_g=31_000_000,
            recorded_at=ISSUED_AT,
            packages=[
                ShipmentPackage(package_no=1, count=30, package_type="CT", marks="SAMPLE 1-30")
            ],
        )
    ]
    return build_snapshot(
        kind,
        order,
        number="SC-CI-2026-000001",
        issued_at=ISSUED_AT,
        verify_url="http://corridor.invalid/verify/sample",
        related={"commercial_invoice": "SC-CI-2026-000001"},
    )
