"""A documentary credit with a complying ("golden") set of documents.

``golden_credit`` places 200 kg of emulsion explosive CIF Shanghai on L/C at sight, has the
seller accept (freight and insurance agreed) and ship (one 20' container, 8 cases), the
buyer's finance enter the credit whose terms match the order, and the seller upload the
bill of lading and the insurance certificate as the carrier and insurer issued them. The
check finds nothing on it when presented ``PRESENTED_AFTER_SHIPMENT`` days after loading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import Flask

from app.extensions import db
from app.models import CreditDocumentKind, Incoterm, LetterOfCredit, Order, ProductIncoterm, User
from app.services.audit.recording import Actor
from app.services.fulfilment import actions
from app.services.letters_of_credit import shipment_documents, terms
from tests.builders.orders import accept, place_for, record_shipment, start_production
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories.rates import this_weeks_rates
from tests.support.pdfs import save, text_pdf

SHIPPED_ON = date(2026, 11, 20)  # a Friday: the B/L's on-board date
PRESENTED_ON = date(2026, 11, 27)


@dataclass
class CreditCase:
    trade: Trade
    order: Order
    credit: LetterOfCredit
    buyer_finance: User
    seller_finance: User


def cif_trade() -> Trade:
    return make_trade(incoterms=[ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai")])


def container_shipment() -> actions.ShipmentInput:
    return actions.ShipmentInput(
        mode="sea",
        carrier="COSCO",
        vessel="COSCO Pakistan",
        transport_document_number="COSU6301234567",
        port_of_loading="Karachi",
        port_of_discharge="Shanghai",
        etd=date.today() + timedelta(days=3),
        eta=date.today() + timedelta(days=21),
        net_weight_kg=Decimal(200),
        gross_weight_kg=Decimal(220),
        container_numbers="CSNU1234565",
        packages=[actions.PackageInput(count=8, marks="WN/SMT 1-8")],
    )


def credit_terms(**changes: object) -> terms.CreditTermsInput:
    """The MT700 of the golden credit: USD 530.00 (goods 500.00, freight 20.00, insurance
    10.00), latest shipment 30 November 2026, expiry 20 December 2026 in Shanghai."""
    data = terms.CreditTermsInput(
        number="LC2026SH0042",
        issue_date=date(2026, 11, 2),
        expiry_date=date(2026, 12, 20),
        expiry_place="Shanghai",
        expiry_country="CN",
        applicant="Shanghai Minmetals Trading Co., Ltd.\n88 Century Avenue, Shanghai",
        beneficiary="Wah Nobel Chemicals (Pvt) Ltd\nWah Cantt, Pakistan",
        issuing_bank="Bank of China, Shanghai Branch",
        advising_bank="Habib Bank Limited, Karachi",
        currency="USD",
        amount="530.00",
        available_with="Bank of China, Shanghai Branch",
        available_by="sight_payment",
        port_of_loading="Karachi",
        port_of_discharge="Shanghai",
        latest_shipment_date=date(2026, 11, 30),
        goods_description="Emulsion explosive 32 mm",
        quantity=200,
        quantity_unit="KGM",
        incoterm="CIF",
        incoterm_place="Shanghai",
        documents_required=[
            {"kind": "commercial_invoice", "originals": 1, "copies": 2, "wording": ""},
            {"kind": "packing_list", "originals": 1, "copies": 2, "wording": ""},
            {
                "kind": "bill_of_lading",
                "originals": 3,
                "copies": 3,
                "wording": "Full set of clean on board ocean bills of lading",
            },
            {"kind": "insurance_certificate", "originals": 1, "copies": 1, "wording": ""},
            {"kind": "certificate_of_origin", "originals": 1, "copies": 1, "wording": ""},
        ],
        consignee_wording="To order of Bank of China, Shanghai Branch",
        notify_wording="Shanghai Minmetals Trading Co., Ltd.",
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def bill_of_lading(**fields: object) -> shipment_documents.ShipmentDocumentInput:
    values: dict[str, object] = {
        "signed_as": "carrier",
        "on_board_date": SHIPPED_ON,
        "vessel": "COSCO Pakistan",
        "port_of_loading": "Karachi, Pakistan",
        "port_of_discharge": "Shanghai, China",
        "consignee": "To order of Bank of China, Shanghai Branch",
        "notify": "Shanghai Minmetals Trading Co., Ltd.",
        "clean": True,
        "freight": "prepaid",
        "gross_weight_kg": "220",
        "packages": "8",
        "marks": "WN/SMT 1-8",
        "container_numbers": "CSNU1234565",
        "seal_numbers": "CN778812",
        "goods": "Emulsion explosive",
    }
    values.update(fields)
    return shipment_documents.ShipmentDocumentInput(
        kind=CreditDocumentKind.BILL_OF_LADING.value,
        issuer="COSCO Shipping Lines Co., Ltd.",
        reference="COSU6301234567",
        issued_on=SHIPPED_ON,
        originals=3,
        copies=3,
        fields=values,
    )


def insurance_certificate(
    amount: str = "583.00", **changes: object
) -> shipment_documents.ShipmentDocumentInput:
    data = shipment_documents.ShipmentDocumentInput(
        kind=CreditDocumentKind.INSURANCE_CERTIFICATE.value,
        issuer="China Pacific Insurance Co., Ltd.",
        reference="CPIC-2026-77120",
        issued_on=SHIPPED_ON - timedelta(days=1),
        originals=1,
        copies=1,
        amount=amount,
        currency="USD",
        cover_effective_on=SHIPPED_ON - timedelta(days=1),
        fields={
            "cover_from": "Karachi",
            "cover_to": "Shanghai",
            "risks": "Institute Cargo Clauses (A)",
        },
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def upload(
    app: Flask, user: User, order: Order, data: shipment_documents.ShipmentDocumentInput
) -> None:
    with app.test_request_context():
        shipment_documents.add_shipment_document(
            Actor(user),
            order,
            data,
            save(text_pdf(f"{data.kind} {data.reference}")),
            f"{data.reference}.pdf",
        )
        db.session.commit()


def golden_credit(app: Flask) -> CreditCase:
    this_weeks_rates()
    trade = cif_trade()
    buyer_finance, seller_finance = finance_of(trade.buyer), finance_of(trade.seller)
    order = place_for(
        app,
        trade.purchaser,
        [(trade.product, 200)],
        incoterm="CIF",
        incoterm_place="Shanghai",
        payment_terms="lc_at_sight",
    )
    accept(app, trade, order, freight=Decimal("20"), insurance=Decimal("10"))
    with app.test_request_context():
        milestone = order.milestones[0]
        credit = terms.open_credit(Actor(buyer_finance), milestone, credit_terms())
        db.session.commit()
    start_production(app, trade, order)
    record_shipment(app, trade, order, container_shipment())
    upload(app, trade.sales, order, bill_of_lading())
    upload(app, trade.sales, order, insurance_certificate())
    return CreditCase(trade, order, credit, buyer_finance, seller_finance)
