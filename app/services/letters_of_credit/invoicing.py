"""A new commercial invoice under the credit, after a credit note cancelled the old one.

Banks examine the invoice as it is printed: a partly credited invoice still shows the old
amount or description. Correcting it therefore takes a credit note for the whole invoice
(the finance pages issue it) and this new invoice, which quotes the credit's number,
issuing bank and description of the goods (field 45A) as invoices under a credit do.
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Document, DocumentKind, LetterOfCredit
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_document
from app.services.errors import Conflict
from app.services.letters_of_credit.facts import invoice_in_force
from app.services.orders.lifecycle import record_event


def issue_invoice_under_credit(actor: Actor, credit: LetterOfCredit) -> Document:
    """Issue the replacement invoice; only once every earlier invoice is wholly credited."""
    order = credit.order
    last: Document | None = db.session.scalar(
        select(Document)
        .where(Document.order_id == order.id, Document.kind == DocumentKind.COMMERCIAL_INVOICE)
        .order_by(Document.id.desc())
        .limit(1)
    )
    if last is None:
        raise Conflict(lazy_gettext("The commercial invoice is issued when the order ships."))
    # The seller's finance issues invoices, as it issues the credit note before this one.
    require(actor.user, Action.ISSUE_CREDIT_NOTE, last)
    if invoice_in_force(order) is not None:
        raise Conflict(
            lazy_gettext("Issue a credit note for the whole invoice first; then a new invoice.")
        )
    related = {
        document.kind.value: document.number
        for document in db.session.scalars(select(Document).where(Document.order_id == order.id))
    }
    terms = credit.terms
    invoice = issue_document(
        actor,
        order,
        DocumentKind.COMMERCIAL_INVOICE,
        related=related,
        letter_of_credit={
            "number": terms.number,
            "issuing_bank": terms.issuing_bank,
            "goods_description": terms.goods_description,
        },
    )
    record_event(actor, order, "documents", note=invoice.number)
    return invoice
