"""Issuing documents: gapless numbers per series, frozen snapshots, bytes written once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.database import commit, rollback, write_intent
from app.demo.rates import add_daily_rates
from app.extensions import db
from app.models import (
    Company,
    CompanyRole,
    Document,
    DocumentIsImmutable,
    DocumentKind,
    DocumentStatus,
    Order,
)
from app.services.audit.recording import Actor
from app.services.documents.issuing import (
    credited_minor,
    document_prefix,
    issue_credit_note,
    issue_document,
    next_sequence,
    store_rendered_pdf,
)
from app.services.errors import NotAllowed, ValidationFailed
from tests.factories import CompanyFactory, OrderFactory, UserFactory, this_weeks_rates

ISSUED_AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


@pytest.fixture
def order(app_ctx: None) -> Order:
    add_daily_rates(ISSUED_AT.date(), ISSUED_AT.date())
    order: Order = OrderFactory()
    order.seller.legal_name = "Wah Nobel Chemicals (Pvt) Ltd"
    db.session.flush()
    return order


def _issue(order: Order, kind: DocumentKind = DocumentKind.PROFORMA_INVOICE) -> Document:
    return issue_document(Actor(None), order, kind, issued_at=ISSUED_AT)


def test_numbers_run_per_issuer_kind_and_year_without_gaps(order: Order) -> None:
    first = _issue(order)
    second = _issue(order)
    invoice = _issue(order, DocumentKind.COMMERCIAL_INVOICE)
    next_year = issue_document(
        Actor(None),
        order,
        DocumentKind.PROFORMA_INVOICE,
        issued_at=datetime(2027, 1, 2, tzinfo=UTC),
    )
    assert [first.number, second.number, invoice.number, next_year.number] == [
        "WN-PI-2026-000001",
        "WN-PI-2026-000002",
        "WN-CI-2026-000001",
        "WN-PI-2027-000001",
    ]
    other_seller = OrderFactory()
    assert _issue(other_seller).sequence == 1


@pytest.mark.parametrize(
    ("legal_name", "prefix"),
    [
        ("Wah Nobel Chemicals (Pvt) Ltd", "WN"),
        ("MCCT International", "MCCT"),
        ("The Karakoram Minerals Company", "KM"),
        ("上海五矿贸易有限公司", "CO"),
    ],
)
def test_the_series_prefix_comes_from_the_name_and_then_stays(
    app_ctx: None, legal_name: str, prefix: str
) -> None:
    company: Company = CompanyFactory(legal_name=legal_name)
    assert document_prefix(company) == prefix
    company.legal_name = "Renamed Trading Ltd"
    assert document_prefix(company) == prefix


def test_a_rolled_back_issue_burns_no_number(order: Order) -> None:
    _issue(order)
    savepoint = db.session.begin_nested()
    _issue(order)
    savepoint.rollback()
    assert _issue(order).number == "WN-PI-2026-000002"


def test_the_snapshot_freezes_what_the_document_says(order: Order) -> None:
    document = _issue(order)
    title = order.lines[0].title
    order.seller.legal_name = "Renamed Chemicals Ltd"
    db.session.flush()
    assert document.data["seller"]["legal_name"] == "Wah Nobel Chemicals (Pvt) Ltd"
    assert document.data["lines"][0]["title"] == title
    assert document.data["number"] == document.number
    assert document.data["verify_url"].endswith(f"/verify/{document.verification_token}")
    assert document.total_minor == order.total_minor
    assert document.status is DocumentStatus.RENDERING


def test_issued_documents_refuse_changes_through_the_orm(order: Order) -> None:
    document = _issue(order)
    assert store_rendered_pdf(document.id, b"%PDF-1.7 issued")
    db.session.expire(document)
    assert document.pdf == b"%PDF-1.7 issued" and document.is_ready
    for change in (
        lambda: setattr(document, "number", "WN-PI-2026-999999"),
        lambda: setattr(document, "data", {"forged": True}),
        lambda: setattr(document, "total_minor", 1),
        lambda: setattr(document, "pdf", b"%PDF-1.7 forged"),
    ):
        savepoint = db.session.begin_nested()
        change()
        with pytest.raises(DocumentIsImmutable):
            db.session.flush()
        savepoint.rollback()
    db.session.delete(document)
    with pytest.raises(DocumentIsImmutable):
        db.session.flush()


def test_the_bytes_are_stored_once(order: Order) -> None:
    document = _issue(order)
    assert store_rendered_pdf(document.id, b"%PDF first")
    assert not store_rendered_pdf(document.id, b"%PDF second")
    db.session.expire(document)
    assert document.pdf == b"%PDF first"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE documents SET number = 'FORGED-1' WHERE id = :id",
        "UPDATE documents SET total_minor = 1 WHERE id = :id",
        "UPDATE documents SET issued_on = '2020-01-01' WHERE id = :id",
        "UPDATE documents SET pdf = :forged WHERE id = :id",
        "UPDATE documents SET sha256 = 'abc' WHERE id = :id",
        "DELETE FROM documents WHERE id = :id",
    ],
)
def test_the_database_refuses_changes_made_with_raw_sql(order: Order, statement: str) -> None:
    document = _issue(order)
    store_rendered_pdf(document.id, b"%PDF-1.7 issued")
    savepoint = db.session.begin_nested()
    with pytest.raises(DBAPIError):
        db.session.execute(text(statement), {"id": document.id, "forged": b"%PDF forged"})
    savepoint.rollback()
    stored = db.session.execute(
        text("SELECT number, pdf FROM documents WHERE id = :id"), {"id": document.id}
    ).one()
    assert stored.number == document.number and bytes(stored.pdf) == b"%PDF-1.7 issued"


def test_render_bookkeeping_may_change_before_the_pdf_exists(order: Order) -> None:
    document = _issue(order)
    document.render_attempts = 2
    document.render_error = "layout timed out"
    db.session.flush()  # allowed: not part of what the document says


def test_fifty_concurrent_issues_take_contiguous_numbers(isolated_app: Flask) -> None:
    with isolated_app.app_context():
        this_weeks_rates()
        order_id = OrderFactory().id
        commit()
    barrier = threading.Barrier(10)
    failures: list[str] = []

    def issue_six() -> None:
        with isolated_app.app_context():
            barrier.wait()
            for attempt in range(6):
                with write_intent():
                    try:
                        order = db.session.get(Order, order_id)
                        assert order is not None
                        issue_document(Actor(None), order, DocumentKind.COMMERCIAL_INVOICE)
                        if attempt == 2:
                            rollback()  # an abandoned issue: its number is taken again
                            continue
                        commit()
                    except Exception as error:  # reported below
                        rollback()
                        failures.append(repr(error))
            db.session.remove()

    threads = [threading.Thread(target=issue_six) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    with isolated_app.app_context():
        sequences = db.session.scalars(select(Document.sequence).order_by(Document.sequence))
        assert list(sequences) == list(range(1, 51))
        count = db.session.scalar(select(func.count()).select_from(Document))
        assert count == 50
        db.session.remove()


def test_a_counter_row_is_created_by_the_first_issue_only(order: Order) -> None:
    seller_id = order.seller_id
    assert next_sequence(seller_id, DocumentKind.PACKING_LIST, 2026) == 1
    assert next_sequence(seller_id, DocumentKind.PACKING_LIST, 2026) == 2


def _finance(order: Order, role: CompanyRole = CompanyRole.FINANCE) -> Actor:
    return Actor(UserFactory(company=order.seller, company_role=role))


def test_credit_notes_never_exceed_what_remains_of_the_invoice(order: Order) -> None:
    invoice = _issue(order, DocumentKind.COMMERCIAL_INVOICE)
    finance = _finance(order)
    first = issue_credit_note(finance, invoice, 100_000, "Two drums short-shipped")
    assert first.number == "WN-CN-2026-000001"
    assert first.corrects is invoice and first.total_minor == 100_000
    assert first.data["credit"]["invoice_number"] == invoice.number
    assert [(e.kind, e.note) for e in order.events][-1] == ("documents", first.number)
    with pytest.raises(ValidationFailed, match="cannot exceed"):
        issue_credit_note(finance, invoice, 150_001, "Price correction")
    last = issue_credit_note(finance, invoice, 150_000, "Price correction")
    assert last.number == "WN-CN-2026-000002"
    assert credited_minor(invoice) == invoice.total_minor
    with pytest.raises(ValidationFailed, match="cannot exceed"):
        issue_credit_note(finance, invoice, 1, "One cent more")
    for amount, reason in ((0, "Nothing"), (-5, "Negative"), (10, "")):
        with pytest.raises(ValidationFailed):
            issue_credit_note(finance, invoice, amount, reason)


def test_only_the_issuers_finance_and_owner_credit_invoices(order: Order) -> None:
    invoice = _issue(order, DocumentKind.COMMERCIAL_INVOICE)
    proforma = _issue(order)
    assert issue_credit_note(_finance(order, CompanyRole.OWNER), invoice, 10, "Rounding").number
    for actor in (
        _finance(order, CompanyRole.SALES),
        Actor(UserFactory(company=order.buyer, company_role=CompanyRole.FINANCE)),
        Actor(None),
    ):
        with pytest.raises(NotAllowed):
            issue_credit_note(actor, invoice, 10, "Not theirs to credit")
    with pytest.raises(ValidationFailed, match="commercial invoices only"):
        issue_credit_note(_finance(order), proforma, 10, "Proformas are not invoices")
