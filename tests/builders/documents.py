"""Issued documents turned into PDFs: the render job tests run by hand (they queue none)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Document, DocumentKind, DocumentStatus
from app.tasks.documents import render_document


def render_pending(app: Flask, *kinds: DocumentKind) -> list[Document]:
    """Run the render job for documents still being prepared (tests queue none), all or
    those of ``kinds``; returns every document."""
    with app.app_context():
        query = select(Document.id).where(Document.status == DocumentStatus.RENDERING)
        if kinds:
            query = query.where(Document.kind.in_(kinds))
        pending = db.session.scalars(query).all()
    for document_id in pending:
        render_document.call_local(document_id)
    return list(db.session.scalars(select(Document).order_by(Document.id)))
