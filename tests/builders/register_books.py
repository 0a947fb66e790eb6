"""The invoice register's books: a seller who sells to two buyers and buys from a third,
with four commercial invoices and a credit note (shared by the register's tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from app.demo.rates import add_daily_rates
from app.extensions import db
from app.models import (
    Company,
    CompanyRole,
    Document,
    DocumentKind,
    OrderLine,
    PaymentTerms,
    User,
)
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_credit_note, issue_document, store_rendered_pdf
from app.services.payments.milestones import (
    ReceiptInput,
    create_milestones,
    record_receipt,
)
from app.services.payments.schedule import on_shipment
from tests.factories import CompanyFactory, OrderFactory, UserFactory

TODAY = date(2026, 3, 20)


@dataclass
class Books:
    seller: Company  # "S": sells to B1 and B2, buys from X
    b1: Company
    b2: Company
    x: Company
    finance: User
    i1: Document
    i2: Document
    i3: Document
    i4: Document
    cn: Document

    def numbers(self, *documents: Document) -> set[str]:
        return {document.number for document in documents}


def make_invoice(
    seller: Company,
    buyer: Company,
    currency: str,
    total_minor: int,
    issued: date,
    po: str,
    *,
    terms: PaymentTerms = PaymentTerms.ADVANCE,
    paid_minor: int = 0,
    payer: User | None = None,
) -> Document:
    """A shipped order with its milestones, its commercial invoice issued on ``issued``, and
    ``paid_minor`` received by bank transfer through the payments service."""
    add_daily_rates(issued - timedelta(days=1), issued)
    order = OrderFactory(
        seller=seller,
        buyer=buyer,
        currency=currency,
        total_minor=total_minor,
        goods_total_minor=total_minor,
        payment_terms=terms,
        buyer_po_number=po,
        shipped=True,
        lines=[
            OrderLine(
                line_no=1, title="Ammonium nitrate", hs_code="310230", origin_country="PK",
                unit="KGM", quantity=1, unit_price_minor=total_minor, line_total_minor=total_minor,
            )
        ],
    )  # fmt: skip
    create_milestones(order, issued)
    on_shipment(order, issued)
    invoice = issue_document(
        Actor(None),
        order,
        DocumentKind.COMMERCIAL_INVOICE,
        issued_at=datetime.combine(issued, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9),
    )
    store_rendered_pdf(invoice.id, f"%PDF-1.7 {invoice.number}".encode())
    if paid_minor:
        finance = payer or UserFactory(company=seller, company_role=CompanyRole.FINANCE)
        record_receipt(
            Actor(finance),
            order.milestones[0],
            ReceiptInput(
                amount=str(Decimal(paid_minor) / 100), value_date=issued, bank_reference="TT-REF"
            ),
        )
    db.session.flush()
    return invoice


@pytest.fixture(name="books")
def books_fixture(app_ctx: None) -> Books:
    """The books (import ``books_fixture`` into a test module to use ``books``)."""
    seller = CompanyFactory(legal_name="Wah Nobel Chemicals (Pvt) Ltd", buys=True)
    b1 = CompanyFactory(chinese_buyer=True, legal_name="MCCT International")
    b2 = CompanyFactory(chinese_buyer=True, legal_name="Shanghai Minmetals Trading")
    x = CompanyFactory(legal_name="Karakoram Minerals (Pvt) Ltd")
    finance = UserFactory(company=seller, company_role=CompanyRole.FINANCE, email="fin@wn.example")
    i1 = make_invoice(
        seller,
        b1,
        "USD",
        100_000,
        date(2026, 1, 10),
        "PO-ALPHA-1",
        paid_minor=100_000,
        payer=finance,
    )
    i2 = make_invoice(
        seller, b1, "USD", 250_000, date(2026, 2, 15), "PO-BETA-2", paid_minor=75_000, payer=finance
    )
    i3 = make_invoice(
        seller, b2, "EUR", 80_000, date(2026, 3, 1), "PO-ALPHA-3", terms=PaymentTerms.NET_30
    )
    i4 = make_invoice(x, seller, "USD", 30_000, date(2026, 2, 20), "PO-GAMMA-4")
    cn = issue_credit_note(Actor(finance), i2, 20_000, "Two drums short-shipped")
    store_rendered_pdf(cn.id, b"%PDF-1.7 credit")
    db.session.flush()
    return Books(seller, b1, b2, x, finance, i1, i2, i3, i4, cn)  # fmt: skip
