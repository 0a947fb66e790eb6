"""Where the order lifecycle hands over to trade documents.

Accepting an order issues the proforma invoice; shipping it issues the commercial invoice,
packing list and the other shipment papers. The documents service plugs in here and only
here, so no view or lifecycle code changes when it does.
"""

from __future__ import annotations

from app.models import Document, DocumentKind, Order
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_documents

# In issue order: each names the ones before it (the packing list quotes the invoice).
SHIPMENT_DOCUMENTS = (
    DocumentKind.COMMERCIAL_INVOICE,
    DocumentKind.PACKING_LIST,
    DocumentKind.CERTIFICATE_OF_ORIGIN,
    DocumentKind.SHIPPING_MARKS,
)


def on_order_accepted(actor: Actor, order: Order) -> None:
    """Issue the documents due on acceptance: the proforma invoice."""
    issue_documents(actor, order, [DocumentKind.PROFORMA_INVOICE])


def on_order_shipped(actor: Actor, order: Order) -> list[Document]:
    """Issue the papers of the shipment (of the lot) just recorded; the dangerous-goods
    declaration when a line has a UN number."""
    kinds = list(SHIPMENT_DOCUMENTS)
    if any(line.un_number for line in order.lines):
        kinds.append(DocumentKind.DANGEROUS_GOODS)
    return issue_documents(actor, order, kinds)
