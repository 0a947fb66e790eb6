"""Downloading an issued document: the stored bytes, for the two parties only, audited."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime

import pytest
from flask import Flask
from pypdf import PdfWriter
from sqlalchemy import select, text

from app.database import commit
from app.demo.rates import add_daily_rates
from app.extensions import db
from app.models import AuditEvent, CompanyRole, Document, DocumentKind, Order, User
from app.models.base import utcnow
from app.services.accounts.auth import session_user
from app.services.audit.recording import Actor, record_audit
from app.services.documents.downloads import IssuedPdf, Refusal, download_issued_pdf
from app.services.documents.issuing import issue_document, store_rendered_pdf
from tests.factories import CompanyFactory, OrderFactory, UserFactory
from tests.support.auth import TEST_PASSWORD

ISSUED_AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def _blank_pdf() -> bytes:
    """A real one-page PDF without attachments (stands in for a packing list)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _blank_pdf()


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


_STORED_AUDIT_ROW = text(
    "SELECT actor_id, actor_email, company_id, action, object_type, object_id,"
    " client_address, CAST(details AS TEXT) AS details FROM audit_events WHERE id = :id"
)


def _download(user: User, public_id: str, address: str | None = None) -> IssuedPdf | Refusal:
    """A download by ``user`` through the session id their sign-in put in the cookie."""
    return download_issued_pdf(user.get_id(), public_id, "document.downloaded", address)


def _stored(event_id: int) -> dict[str, object]:
    """An audit row as the database holds it, the details as their stored text."""
    return dict(db.session.execute(_STORED_AUDIT_ROW, {"id": event_id}).mappings().one())


def test_either_party_gets_the_stored_bytes_and_each_download_is_audited(order: Order) -> None:
    document = _issued(order)
    seller_finance = UserFactory(company=order.seller, company_role=CompanyRole.FINANCE)
    for user in (order.placed_by, seller_finance):
        actor = Actor(user, "203.0.113.9")
        before = utcnow()
        issued = _download(user, document.public_id, actor.address)
        after = utcnow()
        assert isinstance(issued, IssuedPdf)
        assert (issued.number, issued.pdf, issued.filename) == (
            document.number,
            PDF,
            f"{document.number}.pdf",
        )
        assert issued.sha256 == hashlib.sha256(PDF).hexdigest()
        (downloaded,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.actor_id == user.id)
        ).all()
        assert downloaded.company_id == user.company_id
        # The row is the one record_audit writes for the same download, column by column.
        expected_id = record_audit(
            actor,
            "document.downloaded",
            object_type="document",
            object_id=document.public_id,
            details={"number": document.number},
        )
        assert _stored(downloaded.id) == _stored(expected_id)
        assert downloaded.details == {"number": document.number}
        assert downloaded.actor_email == user.email
        assert before <= downloaded.occurred_at <= after


def test_another_company_a_document_not_yet_rendered_and_an_unknown_id_get_nothing(
    order: Order,
) -> None:
    issued = _issued(order)
    pending = _issued(order, rendered=False)
    outsider = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.OWNER
    )
    operator = UserFactory(operator=True)  # signed in, but of no company
    buyer = order.placed_by
    assert _download(outsider, issued.public_id) is Refusal.NOT_FOUND
    assert _download(operator, issued.public_id) is Refusal.NOT_FOUND
    assert _download(buyer, pending.public_id) is Refusal.NOT_FOUND
    assert _download(buyer, "unknown0000000000") is Refusal.NOT_FOUND
    assert _audit_rows() == []


def test_a_session_that_no_longer_holds_gets_nothing(order: Order) -> None:
    """The download applies the user loader's rule itself: same version, still active."""
    public_id = _issued(order).public_id
    buyer = order.placed_by
    colleague = UserFactory(company=buyer.company, company_role=CompanyRole.VIEWER)
    old_session = buyer.get_id()
    buyer.session_version += 1  # signed out everywhere, or a new password
    colleague.active = False
    db.session.flush()
    for session_id in (
        old_session,
        colleague.get_id(),
        f"unknown0000000000:{buyer.session_version}",
        buyer.public_id,
        f"{buyer.public_id}:x",
        f"{buyer.public_id}:{2**31}",  # past the column's range: refused, not an error
        f"{buyer.public_id}:{'9' * 40}",
        f"{buyer.public_id}:²",  # a digit to str.isdigit, not to int()
    ):
        assert (
            download_issued_pdf(session_id, public_id, "document.downloaded", None)
            is Refusal.SIGNED_OUT
        ), session_id
        assert session_user(session_id) is None, session_id
    assert isinstance(_download(buyer, public_id), IssuedPdf)
    assert len(_audit_rows()) == 1


@pytest.mark.parametrize("waits", [False, True], ids=["relaxed", "waits-for-disk"])
def test_only_the_download_transaction_skips_the_wal_flush_wait(
    order: Order, app: Flask, monkeypatch: pytest.MonkeyPatch, waits: bool
) -> None:
    monkeypatch.setitem(app.config, "DOWNLOAD_AUDIT_WAITS_FOR_DISK", waits)
    public_id = _issued(order).public_id
    assert isinstance(_download(order.placed_by, public_id), IssuedPdf)
    if db.session.get_bind().dialect.name == "postgresql":
        relaxed = db.session.scalar(text("SHOW synchronous_commit")) == "off"
        assert relaxed is not waits


def test_a_download_refuses_a_transaction_that_changes_something_else(order: Order) -> None:
    public_id = _issued(order).public_id
    order.consignee = "Someone else"
    with pytest.raises(RuntimeError, match="nothing but its audit row"):
        _download(order.placed_by, public_id)


def _committed_order() -> tuple[Order, str]:
    """An order with one issued document, committed for real: (order, document's id)."""
    add_daily_rates(ISSUED_AT.date(), ISSUED_AT.date())
    order: Order = OrderFactory()
    public_id = _issued(order).public_id
    commit()
    return order, public_id


def test_over_http_a_download_commits_its_row_and_a_refused_one_leaves_none(
    isolated_app: Flask,
) -> None:
    with isolated_app.app_context():
        order, public_id = _committed_order()
        email = order.placed_by.email
        db.session.remove()
    client = isolated_app.test_client()
    assert (
        client.post("/login", data={"email": email, "password": TEST_PASSWORD}).status_code == 302
    )
    assert client.get(f"/documents/{public_id}.pdf").data == PDF
    # A proforma carries no e-invoice: 404, and the audit row its request wrote rolls back.
    assert client.get(f"/documents/{public_id}.xml").status_code == 404

    with isolated_app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_id == public_id, AuditEvent.action.like("document.%download%")
            )
        ).all()
        assert actions == ["document.downloaded"]
        db.session.remove()


def test_the_relaxed_commit_does_not_outlive_the_download_transaction(
    isolated_app: Flask,
) -> None:
    with isolated_app.app_context():
        order, public_id = _committed_order()
        assert isinstance(_download(order.placed_by, public_id), IssuedPdf)
        connection = db.session.connection().connection.driver_connection
        commit()
        if db.session.get_bind().dialect.name == "postgresql":
            # The same pooled connection, in its next transaction, waits for the disk again.
            with connection.cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                assert cursor.fetchone() == ("on",)
            connection.rollback()
        db.session.remove()
