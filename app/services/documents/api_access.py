"""Documents for an ERP's token: the company's invoices and credit notes, and the stored
bytes of any issued document it issued or received, audited as a page download is.

The pages check a browser session (``downloads.download_issued_pdf``); a token has already
named its person, so here the rights are the same rule (issuer or recipient) on that
person's company.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Document, DocumentKind, DocumentStatus
from app.services.audit.recording import Actor, record_audit
from app.services.documents.downloads import IssuedPdf

# What an ERP books: invoices and the credit notes that correct them.
INVOICE_KINDS = (
    DocumentKind.PROFORMA_INVOICE,
    DocumentKind.COMMERCIAL_INVOICE,
    DocumentKind.CREDIT_NOTE,
)
MAX_LIMIT = 100


class UnknownCursor(LookupError):
    """``starting_after`` names no document of this company."""


@dataclass(frozen=True)
class DocumentSlice:
    documents: list[Document]
    has_more: bool


def _mine(company_id: int) -> ColumnElement[bool]:
    return or_(Document.issuer_id == company_id, Document.recipient_id == company_id)


def company_invoices(
    company_id: int,
    *,
    kind: DocumentKind | None = None,
    limit: int = 10,
    starting_after: str | None = None,
) -> DocumentSlice:
    """The company's issued invoices and credit notes (issued or received), newest first."""
    kinds = (kind,) if kind is not None else INVOICE_KINDS
    query = select(Document).where(
        _mine(company_id), Document.kind.in_(kinds), Document.status == DocumentStatus.ISSUED
    )
    if starting_after is not None:
        cursor = db.session.execute(
            select(Document.issued_at, Document.id).where(
                Document.public_id == starting_after, _mine(company_id)
            )
        ).first()
        if cursor is None:
            raise UnknownCursor(starting_after)
        issued_at, document_id = cursor
        query = query.where(
            or_(
                Document.issued_at < issued_at,
                and_(Document.issued_at == issued_at, Document.id < document_id),
            )
        )
    limit = min(max(limit, 1), MAX_LIMIT)
    rows = list(
        db.session.scalars(
            # The order's public id goes into each answer: loaded with the page.
            query.options(joinedload(Document.order))
            .order_by(Document.issued_at.desc(), Document.id.desc())
            .limit(limit + 1)
        )
    )
    return DocumentSlice(rows[:limit], len(rows) > limit)


def issued_tag(company_id: int, public_id: str) -> str | None:
    """The SHA-256 of an issued document the company may read (its ETag), else None;
    answers a conditional request without reading or auditing the bytes."""
    return db.session.scalar(
        select(Document.sha256).where(
            Document.public_id == public_id,
            Document.status == DocumentStatus.ISSUED,
            _mine(company_id),
        )
    )


def download_issued(actor: Actor, public_id: str, action: str) -> IssuedPdf | None:
    """The stored bytes of an issued document the actor's company issued or received, with
    the audit row ``action`` added to the current transaction; None (404) otherwise."""
    user = actor.user
    if user is None or user.company_id is None:
        return None
    row = db.session.execute(
        select(Document.public_id, Document.number, Document.sha256, Document.pdf).where(
            Document.public_id == public_id,
            Document.status == DocumentStatus.ISSUED,
            _mine(user.company_id),
        )
    ).first()
    if row is None or row.pdf is None:
        return None
    record_audit(
        actor,
        action,
        object_type="document",
        object_id=row.public_id,
        details={"number": row.number},
    )
    return IssuedPdf(row.public_id, row.number, row.sha256 or "", bytes(row.pdf))
