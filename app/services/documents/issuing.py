"""Issuing trade documents: a gapless number, a frozen snapshot, a PDF rendered once.

``issue_document`` runs inside the transaction that accepts or ships the order: it takes
the next number of the issuer's series from a counter row locked until that transaction
ends (so numbers are sequential, and a rolled-back issue burns none), freezes the
snapshot, and queues the render job for after the commit. The job stores the PDF bytes
and their SHA-256 once; after that nothing about the document changes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import CursorResult, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.documents.snapshot import Snapshot, build_snapshot
from app.extensions import db
from app.models import (
    Company,
    Document,
    DocumentCounter,
    DocumentKind,
    DocumentStatus,
    Order,
    WeightSettlement,
)
from app.models.base import utcnow
from app.models.document import INVOICE_KINDS, SERIES_CODES, new_verification_token
from app.public_urls import absolute_url
from app.services.accounts.capabilities import Action, require
from app.services.accounts.letterhead import company_letterhead
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed
from app.services.finance.exchange_rates import freeze_rates
from app.services.jobs import enqueue
from app.services.orders.lifecycle import record_event
from app.services.webhooks import events as webhook_events
from app.time_zones import local_date

# Words that say what kind of company it is, not which: skipped when making a prefix.
_LEGAL_FORMS = {"pvt", "private", "ltd", "limited", "co", "company", "inc", "llc", "plc", "the"}


def document_prefix(company: Company) -> str:
    """The company's series prefix, fixed at its first document (e.g. WN for Wah Nobel)."""
    if company.document_prefix:
        return str(company.document_prefix)
    ascii_name = unicodedata.normalize("NFKD", company.legal_name).encode("ascii", "ignore")
    words = [
        word
        for word in re.findall(r"[A-Za-z]+", ascii_name.decode())
        if word.lower() not in _LEGAL_FORMS
    ]
    prefix: str
    if words and words[0].isupper() and 2 <= len(words[0]) <= 6:
        prefix = words[0]  # an acronym already, e.g. MCCT
    else:
        prefix = "".join(word[0] for word in words[:2]).upper() or "CO"
    company.document_prefix = prefix
    return prefix


def next_sequence(issuer_id: int, kind: DocumentKind, year: int) -> int:
    """The next number of a series; the counter row stays locked until the commit."""
    return bump_counter(DocumentCounter, issuer_id=issuer_id, kind=kind, year=year)


def bump_counter(counter: Any, **key: object) -> int:
    """Add one to the ``last_number`` of the ``counter`` row with primary ``key`` and
    return it; the row stays locked until the commit (documents' series, and any other
    gapless series such as the L/C examination reports).

    One ``UPDATE ... RETURNING`` takes the row lock and the number together (PostgreSQL row
    lock; SQLite's write lock is held from ``BEGIN IMMEDIATE``). The first number of a
    series inserts the row; a racing first insert loses on the primary key and updates.
    """
    bump = (
        update(counter)
        .where(*(getattr(counter, name) == value for name, value in key.items()))
        .values(last_number=counter.last_number + 1)
        .returning(counter.last_number)
        .execution_options(synchronize_session=False)
    )
    number = db.session.execute(bump).scalar()
    if number is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(counter).values(**key, last_number=0))
        except IntegrityError:
            pass  # another transaction opened the series first; its row is there now
        number = db.session.execute(bump).scalar()
    assert number is not None
    return int(number)


def verify_url(token: str) -> str:
    """The address printed (and QR-coded) on the document: PUBLIC_BASE_URL's."""
    return absolute_url(f"/verify/{token}")


def issue_document(
    actor: Actor,
    order: Order,
    kind: DocumentKind,
    *,
    related: dict[str, str] | None = None,
    corrects: Document | None = None,
    credit: Snapshot | None = None,
    issued_at: datetime | None = None,
    letter_of_credit: Snapshot | None = None,
    settlement: WeightSettlement | None = None,
) -> Document:
    """Number, freeze and queue the rendering of one document the seller issues
    (``settlement``: the final invoice of a lot on weight terms)."""
    issuer = order.seller
    issued_at = issued_at or utcnow()
    # The date and the numbering year are the issuer's: at 20:00 UTC on 31 December a
    # Karachi seller is already in the new year, and its invoice says so.
    issued_on = local_date(issued_at, issuer.timezone)
    year = issued_on.year
    sequence = next_sequence(issuer.id, kind, year)
    number = f"{document_prefix(issuer)}-{SERIES_CODES[kind]}-{year}-{sequence:06d}"
    token = new_verification_token()
    snapshot = build_snapshot(
        kind,
        order,
        number=number,
        issued_at=issued_at,
        verify_url=verify_url(token),
        related=related,
        credit=credit,
        letter_of_credit=letter_of_credit,
        letterhead=company_letterhead(issuer.id),
        settlement=settlement,
    )
    if kind is DocumentKind.CREDIT_NOTE:
        total: int | None = int((credit or {})["amount_minor"])
    elif kind is DocumentKind.PROFORMA_INVOICE:
        total = order.total_minor
    elif kind is DocumentKind.COMMERCIAL_INVOICE and snapshot.get("stage") == "final":
        # What the final invoice asks beyond the provisional; less is a credit note's.
        total = max(int(snapshot["amounts"]["due_minor"]), 0)
    elif kind is DocumentKind.COMMERCIAL_INVOICE:
        total = int(snapshot["amounts"]["total_minor"])  # the lot's, on an order in lots
    else:
        total = None
    document = Document(
        order=order,
        issuer_id=issuer.id,
        recipient_id=order.buyer_id,
        kind=kind,
        year=year,
        sequence=sequence,
        number=number,
        issued_at=issued_at,
        issued_on=issued_on,
        issued_by_id=actor.user.id if actor.user else None,
        corrects=corrects,
        currency=order.currency if total is not None else None,
        total_minor=total,
        stage=snapshot.get("stage"),
        data=snapshot,
        verification_token=token,
        status=DocumentStatus.RENDERING,
    )
    db.session.add(document)
    db.session.flush()
    if kind in INVOICE_KINDS:
        freeze_rates(document, issuer, order.buyer)
    record_audit(
        actor,
        "document.issued",
        company_id=issuer.id,
        object_type="document",
        object_id=document.public_id,
        details={"number": number, "kind": kind.value, "order": order.public_id},
    )
    if current_app.config["RENDER_DOCUMENTS_AFTER_COMMIT"]:
        enqueue("render_document", document.id)
    webhook_events.on_document_issued(document)
    return document


def issue_documents(actor: Actor, order: Order, kinds: Sequence[DocumentKind]) -> list[Document]:
    """Issue ``kinds`` in order, each naming the ones before it; one timeline entry."""
    related = {
        document.kind.value: document.number
        for document in db.session.scalars(select(Document).where(Document.order_id == order.id))
    }
    issued = []
    for kind in kinds:
        document = issue_document(actor, order, kind, related=related)
        related[kind.value] = document.number
        issued.append(document)
    if issued:
        record_event(
            actor, order, "documents", note=", ".join(document.number for document in issued)
        )
    return issued


def pdf_digest(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def store_rendered_pdf(document_id: int, pdf: bytes, *, carries_einvoice: bool = False) -> bool:
    """Store the rendered bytes once; False when another render stored them first.

    ``carries_einvoice``: the bytes embed the e-invoice XML (the render job looked).
    """
    stored: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(Document)
        .where(Document.id == document_id, Document.pdf.is_(None))
        .values(
            pdf=pdf,
            sha256=pdf_digest(pdf),
            byte_size=len(pdf),
            rendered_at=utcnow(),
            status=DocumentStatus.ISSUED,
            render_error=None,
            carries_einvoice=carries_einvoice,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(stored.rowcount)


def document_by_token(token: str) -> Document | None:
    """The document a verification link names, with its issuer (public: no scoping)."""
    document: Document | None = db.session.scalar(
        select(Document)
        .where(Document.verification_token == token)
        .options(joinedload(Document.issuer))
    )
    return document


def credited_minor(invoice: Document) -> int:
    """What credit notes have taken off ``invoice`` so far."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Document.total_minor), 0)).where(
            Document.corrects_id == invoice.id, Document.kind == DocumentKind.CREDIT_NOTE
        )
    )
    return int(total or 0)


@dataclass(frozen=True)
class CreditNotePlan:
    """What a credit note would do, checked but not issued: the confirmation page shows it
    and the issue repeats the same checks under the invoice's lock."""

    invoice: Document
    amount_minor: int
    reason: str
    remaining_minor: int  # of the invoice, before this credit

    @property
    def net_after_minor(self) -> int:
        return self.remaining_minor - self.amount_minor


def plan_credit_note(
    actor: Actor, invoice: Document, amount_minor: int, reason: str
) -> CreditNotePlan:
    """The credit note's checks (who, which document, the reason, the amount against what
    remains of the invoice), raising what ``issue_credit_note`` would raise."""
    require(actor.user, Action.ISSUE_CREDIT_NOTE, invoice)
    if invoice.kind is not DocumentKind.COMMERCIAL_INVOICE or invoice.total_minor is None:
        raise ValidationFailed(lazy_gettext("Credit notes correct commercial invoices only."))
    reason = (reason or "").strip()
    if not 3 <= len(reason) <= 500:
        raise ValidationFailed(lazy_gettext("Give the reason for the credit note."), "reason")
    remaining = invoice.total_minor - credited_minor(invoice)
    if amount_minor <= 0:
        raise ValidationFailed(lazy_gettext("The credit must be more than zero."), "amount")
    if amount_minor > remaining:
        raise ValidationFailed(
            lazy_gettext("The credit cannot exceed what remains of the invoice."), "amount"
        )
    return CreditNotePlan(invoice, amount_minor, reason, remaining)


def issue_credit_note(actor: Actor, invoice: Document, amount_minor: int, reason: str) -> Document:
    """A credit note against the seller's commercial invoice, never above what remains of it."""
    require(actor.user, Action.ISSUE_CREDIT_NOTE, invoice)
    # Two clerks crediting the same invoice at once: lock the invoice row (PostgreSQL; SQLite
    # holds its write lock already) so the second reads what the first credited.
    db.session.execute(select(Document.id).where(Document.id == invoice.id).with_for_update()).all()
    reason = plan_credit_note(actor, invoice, amount_minor, reason).reason
    credit = {
        "invoice_number": invoice.number,
        "invoice_issued_on": invoice.issued_on.isoformat(),
        "reason": reason,
        "amount_minor": amount_minor,
    }
    note = issue_document(
        actor, invoice.order, DocumentKind.CREDIT_NOTE, corrects=invoice, credit=credit
    )
    record_event(actor, invoice.order, "documents", note=note.number)
    # The trade statistics count invoices net of credit notes (app.services.statistics.cube).
    enqueue("refresh_trade_flows", invoice.order_id)
    return note
