"""Two demo orders on L/C at sight between MCCT and Wah Nobel, shipped, with the B/L
uploaded and the check run: one set complies; the other has three discrepancies (late
shipment, invoice over the credit, consignee wording). A third order, accepted, waits for
MCCT's finance to enter the credit its bank opened. Seeded once.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pikepdf
from sqlalchemy import select

from app.demo.licences import approve_shipment
from app.demo.orders import _shipment
from app.extensions import db
from app.models import CreditDocumentKind, LetterOfCredit, Order, Product, User
from app.services.audit.recording import Actor
from app.services.fulfilment import actions
from app.services.letters_of_credit import examination, shipment_documents, terms
from app.services.orders import cart
from app.services.orders.placing import OrderTerms, find_group, place_order

LISTING = "Emulsion explosive cartridges 32 mm (UN0241, 1.5D)"
BANK_CONSIGNEE = "To order of Bank of China, Shanghai Branch"
AWAITING_CREDIT_PO = "MCCT-PO-2026-LC3"


def _user(email: str) -> User | None:
    user: User | None = db.session.scalar(select(User).where(User.email == email))
    return user


def _scan(title: str) -> bytes:
    """A one-page PDF standing in for the carrier's scan."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = title
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _credit_terms(order: Order, *, late: bool, short: bool) -> terms.CreditTermsInput:
    today = date.today()
    amount = order.total_minor - (100_000 if short else 0)
    return terms.CreditTermsInput(
        number=f"LC-BOC-SH-{order.id:05d}",
        issue_date=today,
        expiry_date=today + timedelta(days=45),
        expiry_place="Shanghai",
        expiry_country="CN",
        applicant=order.buyer.legal_name,
        beneficiary=order.seller.legal_name,
        issuing_bank="Bank of China, Shanghai Branch",
        advising_bank="Habib Bank Limited, Karachi",
        currency=order.currency,
        amount=f"{amount // 100}.{amount % 100:02d}",
        available_with="Bank of China, Shanghai Branch",
        port_of_loading="Karachi",
        port_of_discharge="Shanghai",
        latest_shipment_date=today + timedelta(days=1 if late else 20),
        goods_description=order.lines[0].title,
        incoterm=order.incoterm.value,
        incoterm_place=order.incoterm_place,
        documents_required=[
            {"kind": "commercial_invoice", "originals": 1, "copies": 2, "wording": ""},
            {"kind": "packing_list", "originals": 1, "copies": 2, "wording": ""},
            {"kind": "bill_of_lading", "originals": 3, "copies": 3, "wording": ""},
            {"kind": "certificate_of_origin", "originals": 1, "copies": 1, "wording": ""},
        ],
        consignee_wording=BANK_CONSIGNEE,
        notify_wording=order.buyer.legal_name,
    )


def _bill_of_lading(order: Order, *, consignee: str) -> shipment_documents.ShipmentDocumentInput:
    shipment = _shipment(order)
    on_board = date.today() + timedelta(days=2)
    return shipment_documents.ShipmentDocumentInput(
        kind=CreditDocumentKind.BILL_OF_LADING.value,
        issuer="COSCO Shipping Lines Co., Ltd.",
        reference=shipment.transport_document_number,
        issued_on=on_board,
        originals=3,
        copies=3,
        fields={
            "signed_as": "carrier",
            "on_board_date": on_board,
            "vessel": shipment.vessel,
            "port_of_loading": "Karachi, Pakistan",
            "port_of_discharge": "Shanghai, China",
            "consignee": consignee,
            "notify": order.buyer.legal_name,
            "clean": True,
            "freight": "collect",
            "gross_weight_kg": str(shipment.gross_weight_kg),
            "packages": str(shipment.packages[0].count),
            "marks": shipment.packages[0].marks,
            "container_numbers": shipment.container_numbers,
        },
    )


def seed_credits() -> int:
    """Place the L/C orders once (two shipped and checked, one awaiting its credit);
    returns how many were placed."""
    buyer, finance = _user("purchaser@mcct.example"), _user("finance@mcct.example")
    sales = _user("sales@wahnobel.example")
    product = db.session.scalar(select(Product).where(Product.title == LISTING))
    if buyer is None or finance is None or sales is None or product is None:
        return 0
    if db.session.scalar(
        select(LetterOfCredit.id).join(Order).where(Order.buyer_id == buyer.company_id).limit(1)
    ):
        return 0
    for discrepant in (False, True):
        # Trial lots of 5 t (200 cartons): their 200 shipping marks each render in seconds
        # while a new user's first pages wait for the demo's documents.
        order = _accepted_order(
            buyer, sales, product, "MCCT-PO-2026-LC" + ("2" if discrepant else "1"), 5_000
        )
        milestone = terms.credit_milestone(order)
        assert milestone is not None
        credit = terms.open_credit(
            Actor(finance), milestone, _credit_terms(order, late=discrepant, short=discrepant)
        )
        actions.start_production(Actor(sales), order)
        approve_shipment(order)  # MIIT's approval for this shipment to China
        actions.record_shipment(Actor(sales), order, _shipment(order))
        consignee = order.buyer.legal_name if discrepant else BANK_CONSIGNEE
        shipment_documents.add_shipment_document(
            Actor(sales),
            order,
            _bill_of_lading(order, consignee=consignee),
            _scan("Bill of lading"),
            "bill-of-lading.pdf",
        )
        examination.run_check(Actor(sales), credit, date.today() + timedelta(days=5))
    # A third, accepted and waiting for MCCT's finance to enter the credit its bank opens
    # (MIIT has approved its shipment already).
    approve_shipment(_accepted_order(buyer, sales, product, AWAITING_CREDIT_PO))
    return 3


def _accepted_order(
    buyer: User, sales: User, product: Product, po_number: str, kilograms: int = 25_000
) -> Order:
    cart.set_cart_quantity(Actor(buyer), product, kilograms)
    group = find_group(Actor(buyer), f"{product.seller.public_id}-{product.currency}")
    assert group is not None
    order = place_order(
        Actor(buyer),
        group.key,
        OrderTerms(
            incoterm="FOB",
            incoterm_place="Karachi",
            destination_country="CN",
            destination_port="Shanghai",
            consignee=BANK_CONSIGNEE,
            notify_party=order_notify(buyer),
            payment_terms="lc_at_sight",
            buyer_po_number=po_number,
        ),
    )
    actions.accept(Actor(sales), order, confirmed_ship_date=date.today() + timedelta(days=2))
    return order


def order_notify(buyer: User) -> str:
    return buyer.company.legal_name if buyer.company else ""
