"""One of every document for a demo order, rendered and stored (``flask demo documents``)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.database import commit
from app.extensions import db
from app.models import CompanyRole, Document, DocumentKind, DocumentStatus, Order, User
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_credit_note
from app.tasks.documents import render_document


def _richest_order() -> Order | None:
    """The order with the most kinds of document (a shipped dangerous-goods order)."""
    order_id = db.session.scalar(
        select(Document.order_id)
        .group_by(Document.order_id)
        .order_by(func.count(func.distinct(Document.kind)).desc(), Document.order_id)
        .limit(1)
    )
    return db.session.get(Order, order_id) if order_id is not None else None


def demo_documents() -> list[Document]:
    """Every document of the demo order, each rendered; one per kind."""
    order = _richest_order()
    if order is None:
        return []
    kinds = {document.kind for document in order.documents}
    invoice = next((d for d in order.documents if d.kind is DocumentKind.COMMERCIAL_INVOICE), None)
    if invoice is not None and DocumentKind.CREDIT_NOTE not in kinds:
        finance = db.session.scalar(
            select(User).where(
                User.company_id == order.seller_id,
                User.company_role.in_([CompanyRole.FINANCE, CompanyRole.OWNER]),
            )
        )
        if finance is not None:
            amount = (invoice.total_minor or 0) // 10
            issue_credit_note(
                Actor(finance), invoice, amount, "Demo: 10% allowance for two damaged drums"
            )
    commit()
    for document in order.documents:
        if document.status is DocumentStatus.RENDERING:
            render_document.call_local(document.id)
    db.session.expire_all()
    latest: dict[DocumentKind, Document] = {}
    for document in order.documents:
        latest[document.kind] = document
    return [latest[kind] for kind in DocumentKind if kind in latest]
