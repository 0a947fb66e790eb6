"""What every blueprint that shows orders shares: template helpers and the filtered list.

The buyer's and the seller's order pages, finance and payments render the same order
macros (``templates/orders/_order.html``); they register ``order_template_helpers`` as a
context processor. Both parties' order lists read their filters with ``order_filter``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from babel import Locale
from flask import request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.i18n import current_locale_code
from app.models import Company, Document, DocumentKind, Order, OrderChangeProposal, OrderStatus
from app.models.base import utcnow
from app.payments.gateway import configured_gateway
from app.services.accounts.capabilities import Action, Side, can
from app.services.accounts.clock import company_today
from app.services.fulfilment.proposals import PROPOSAL_LABELS, order_proposals
from app.services.fulfilment.proposals import describe as describe_proposal
from app.services.orders.bank_changes import recent_bank_change
from app.services.orders.lifecycle import STATUS_LABELS
from app.services.orders.lots import partly_shipped
from app.services.orders.queries import OrderFilter, next_action
from app.services.orders.shipped import already_shipped, line_amounts_shipped
from app.services.orders.tolerance import Tolerance
from app.services.orders.waiting import WaitingFor
from app.services.payments.controls import current_hold
from app.services.quotations.queries import rfq_of_order
from app.web.forms import CorridorForm, as_choices
from app.web.guards import signed_in_user
from app.web.once import submission_key
from app.web.order_labels import (
    CHARGE_BEARER_LABELS,
    DOCUMENT_KIND_LABELS,
    MILESTONE_LABELS,
    MILESTONE_STATE_LABELS,
    MILESTONE_TRIGGER_LABELS,
    NEXT_ACTION_LABELS,
    PAYMENT_METHOD_LABELS,
    PAYMENT_STATUS_LABELS,
    PAYMENT_TERMS_LABELS,
    SHIPMENT_MODE_LABELS,
    SHIPMENT_STATUS_LABELS,
    document_label,
)


def _document_lot(order: Order, document: Document) -> int | None:
    """Which lot a shipment paper of an order in lots belongs to (None otherwise): a
    final invoice its settlement's, any other the lots recorded by its issue."""
    if not order.partial_shipments:
        return None
    lots = sorted(order.shipments, key=lambda s: (s.recorded_at, s.id))
    for number, shipment in enumerate(lots, start=1):
        settlement = shipment.weight_settlement if order.provisional_percent else None
        if settlement is not None and document.id in (
            settlement.final_invoice_id,
            settlement.credit_note_id,
        ):
            return number
    if document.kind in _ORDER_DOCUMENTS:
        return None
    recorded = sum(1 for shipment in lots if shipment.recorded_at <= document.issued_at)
    return recorded or None


_ORDER_DOCUMENTS = frozenset({DocumentKind.PROFORMA_INVOICE, DocumentKind.CREDIT_NOTE})


def _viewer_is_buyer(order: Order) -> bool:
    return signed_in_user().company_id == order.buyer_id


def _proposals_of(order: Order) -> list[OrderChangeProposal]:
    # The timeline (loaded for the page anyway) says whether there are any: an order
    # without proposals costs no statement.
    if not any(event.kind == "change_proposed" for event in order.events):
        return []
    return order_proposals(order)


def _bank_change_notice(order: Order) -> tuple[Company, datetime] | None:
    other = order.seller if _viewer_is_buyer(order) else order.buyer
    changed_at = recent_bank_change(other, utcnow())
    return (other, changed_at) if changed_at else None


def _priced_as_ordered(order: Order) -> bool:
    """Whether the order is still worth what its lines were ordered at (nothing shipped
    other than ordered within the tolerance)."""
    return order.goods_total_minor == sum(line.line_total_minor for line in order.lines)


def order_template_helpers() -> dict[str, Any]:
    """What the shared order macros (templates/orders/_order.html) read, on both sides."""
    territories = Locale.parse(current_locale_code()).territories
    return {
        "country_name": lambda code: territories.get(code, code),
        "status_labels": STATUS_LABELS,
        "payment_status_labels": PAYMENT_STATUS_LABELS,
        "shipment_status_labels": SHIPMENT_STATUS_LABELS,
        "payment_terms_labels": PAYMENT_TERMS_LABELS,
        "shipment_mode_labels": SHIPMENT_MODE_LABELS,
        "document_kind_labels": DOCUMENT_KIND_LABELS,
        "document_label": document_label,
        "document_lot": _document_lot,
        "milestone_labels": MILESTONE_LABELS,
        "milestone_trigger_labels": MILESTONE_TRIGGER_LABELS,
        "payment_method_labels": PAYMENT_METHOD_LABELS,
        "milestone_state_labels": MILESTONE_STATE_LABELS,
        "charge_bearer_labels": CHARGE_BEARER_LABELS,
        # A fresh one-time key for each form that writes money (app.web.once).
        "submission_key": submission_key,
        # The viewer's company's day (the value date a receipt form proposes).
        "today": company_today(getattr(signed_in_user(), "company", None)),
        # Payments fall due, and are overdue, on the payer's (the buyer's) days: both
        # parties see the same badge, and a payment due today is not late for anyone.
        "payer_today": lambda order: company_today(order.buyer),
        "card_payments_on": configured_gateway() is not None,
        "viewer_is_buyer": _viewer_is_buyer,
        # The page only offers what the capability table allows; the services ask again.
        "may_upload_proof": lambda order: can(signed_in_user(), Action.PAY, order),
        "may_record_receipt": lambda order: can(signed_in_user(), Action.RECORD_RECEIPT, order),
        # Weight terms: the seller's finance enters a lot's outturn (the final invoice).
        "may_settle_outturn": lambda order: can(signed_in_user(), Action.SETTLE_OUTTURN, order),
        "next_action_labels": NEXT_ACTION_LABELS,
        "next_action": next_action,
        # What holds the seller's next move back for a payment (None: nothing).
        "payment_hold": current_hold,
        "Side": Side,
        "waiting_labels": WAITING_LABELS,
        # Change proposals on the order (app.web.order_changes): both parties see them all.
        "order_proposals": _proposals_of,
        "proposal_labels": PROPOSAL_LABELS,
        "describe_proposal": describe_proposal,
        # The other party's bank account changed lately: say so, with the date (fraud).
        "bank_change_notice": _bank_change_notice,
        # An order awarded from a quote links back to its RFQ and history.
        "rfq_of_order": rfq_of_order,
        # "More or less 5 %": the clause, and each line's range until it ships.
        "tolerance_of": Tolerance.of,
        # order_line_id → quantity shipped, once anything shipped (else an empty dict).
        "shipped_of": lambda order: already_shipped(order) if order.shipments else {},
        "shipped_amounts_of": line_amounts_shipped,
        "priced_as_ordered": _priced_as_ordered,
        # Lots have left and more may follow (an order allowed partial shipments).
        "partly_shipped": partly_shipped,
    }


class OrderFilterForm(CorridorForm):
    """The order list's filters, read from the query string (both parties' lists)."""

    class Meta:
        # A GET form: filters change nothing, and a bookmarked list must keep working.
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    counterparty = SelectField(_l("Company"), validators=[Optional()])
    po = StringField(_l("PO number"), validators=[Optional(), Length(max=50)])
    placed_from = DateField(_l("Placed from"), validators=[Optional()], name="from")
    placed_to = DateField(_l("Placed until"), validators=[Optional()], name="to")
    # Set by the home pages' counts ("3 orders to accept"); kept while other filters change.
    waiting = SelectField(
        _l("Waiting for you"),
        choices=as_choices([("", ""), *((kind.value, kind.value) for kind in WaitingFor)]),
        validators=[Optional()],
    )


# What the list says it shows when a home page's count opened it.
WAITING_LABELS = {
    WaitingFor.ACCEPT: _l("Orders waiting for you to accept or reject"),
    WaitingFor.PAYMENT: _l("Orders waiting for your payment"),
    WaitingFor.DOCUMENTS: _l("Orders with documents nobody in your company has downloaded yet"),
    WaitingFor.RECEIPT: _l(
        "Orders with a proof of transfer waiting for the receipt to be recorded"
    ),
    WaitingFor.PRODUCE: _l("Accepted orders waiting for you to start production"),
    WaitingFor.SHIP: _l("Orders in production waiting for you to record the shipment"),
    WaitingFor.DELIVERY: _l("Shipped orders waiting for you to confirm delivery"),
}


def status_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Any"))), *((s.value, str(STATUS_LABELS[s])) for s in OrderStatus)]


def list_page_url(endpoint: str) -> Callable[[int], str]:
    """Links to other pages of a filtered list keep the filters."""

    def url(page: int) -> str:
        arguments: dict[str, Any] = request.args.to_dict()
        arguments["page"] = page
        return url_for(endpoint, **arguments)

    return url


def order_filter(form: OrderFilterForm, companies: list[Company]) -> OrderFilter:
    """The list filters the query string carries; a malformed one is ignored, not an error."""
    form.status.choices = as_choices(status_choices())
    form.counterparty.choices = as_choices(
        [("", gettext("Any")), *((c.public_id, c.legal_name) for c in companies)]
    )
    form.validate()

    def valid(field: Any) -> Any:
        return None if field.errors else (field.data or None)

    status = valid(form.status)
    waiting = valid(form.waiting)
    return OrderFilter(
        waiting=WaitingFor(waiting) if waiting else None,
        status=OrderStatus(status) if status else None,
        counterparty=valid(form.counterparty),
        po_number=valid(form.po),
        placed_from=valid(form.placed_from),
        placed_to=valid(form.placed_to),
    )
