"""Downloading an issued document: the stored bytes, for the two parties only, audited."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from app.database import commit
from app.demo.rates import add_daily_rates
from app.extensions import db
from app.models import AuditEvent, CompanyRole, Document, DocumentKind, Order
from app.services.audit import Actor
from app.services.documents import issue_document, store_rendered_pdf
from app.services.downloads import download_issued_pdf
from tests.factories import CompanyFactory, OrderFactory, UserFactory

ISSUED_AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
PDF = b"%PDF-1.7 the issued bytes"


def _issued(order: Order, *, rendered: bool = True) -> Document:
    document = issue_document(
        Actor(None), order, DocumentKind.PROFORMA_INVOICE, issued_at=ISSUED_AT
    )
    if rendered:
        store_rendered_pdf(document.id, PDF)
    return document


def _audit_rows() -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.downloaded"))
    )


@pytest.fixture
def order(app_ctx: None) -> Order:
    add_daily_rates(ISSUED_AT.date(), ISSUED_AT.date())
    order: Order = OrderFactory()
    return order


def test_either_party_gets_the_stored_bytes_and_each_download_is_audited(order: Order) -> None:
    document = _issued(order)
    seller_finance = UserFactory(company=order.seller, company_role=CompanyRole.FINANCE)
    for user in (order.placed_by, seller_finance):
        issued = download_issued_pdf(
            Actor(user, "203.0.113.9"), document.public_id, "document.downloaded"
        )
        assert issued is not None
        assert (issued.number, issued.pdf, issued.filename) == (
            document.number,
            PDF,
            f"{document.number}.pdf",
        )
        assert issued.sha256 == hashlib.sha256(PDF).hexdigest()
    rows = _audit_rows()
    assert [(row.actor_id, row.company_id) for row in rows] == [
        (order.placed_by.id, order.buyer_id),
        (seller_finance.id, order.seller_id),
    ]
    for row in rows:
        assert (row.object_type, row.object_id) == ("document", document.public_id)
        assert row.details == {"number": document.number}
        assert row.client_address == "203.0.113.9"
        assert row.occurred_at.tzinfo is not None


def test_another_company_a_document_not_yet_rendered_and_an_unknown_id_get_nothing(
    order: Order,
) -> None:
    issued = _issued(order)
    pending = _issued(order, rendered=False)
    outsider = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.OWNER
    )
    buyer = Actor(order.placed_by)
    assert download_issued_pdf(Actor(outsider), issued.public_id, "document.downloaded") is None
    assert download_issued_pdf(buyer, pending.public_id, "document.downloaded") is None
    assert download_issued_pdf(buyer, "unknown0000000000", "document.downloaded") is None
    assert download_issued_pdf(Actor(None), issued.public_id, "document.downloaded") is None
    assert _audit_rows() == []


def test_a_downloads_commit_leaves_the_next_transaction_waiting_for_the_disk(
    isolated_app: Flask,
) -> None:
    with isolated_app.app_context():
        add_daily_rates(ISSUED_AT.date(), ISSUED_AT.date())
        order: Order = OrderFactory()
        public_id = _issued(order).public_id
        commit()
        buyer = Actor(order.placed_by)
        assert download_issued_pdf(buyer, public_id, "document.downloaded") is not None
        commit()

        # synchronous_commit was relaxed for the download's transaction alone.
        if db.session.get_bind().dialect.name == "postgresql":
            assert db.session.scalar(text("SHOW synchronous_commit")) == "on"
        db.session.remove()
        stored = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id == public_id, AuditEvent.action == "document.downloaded")
        )
        assert stored == 1
        db.session.remove()
