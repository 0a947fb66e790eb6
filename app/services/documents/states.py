"""Where each of a company's documents stands (being prepared, ready, failed), for the
order page to follow a rendering without a reload."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from app.extensions import db
from app.models import Document, DocumentStatus

# A page asks about the documents it shows; an order issues at most a handful at once.
MAX_ASKED = 50


def document_states(company_id: int | None, public_ids: Sequence[str]) -> dict[str, DocumentStatus]:
    """Status of each asked document the company issued or received; others are left out
    (another company's id reads as unknown, as its download would answer 404)."""
    wanted = list(dict.fromkeys(public_ids))[:MAX_ASKED]
    if company_id is None or not wanted:
        return {}
    rows = db.session.execute(
        select(Document.public_id, Document.status).where(
            Document.public_id.in_(wanted),
            (Document.issuer_id == company_id) | (Document.recipient_id == company_id),
        )
    )
    return {public_id: status for public_id, status in rows}
