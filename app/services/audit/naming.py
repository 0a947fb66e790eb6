"""What an audit row points at, by name: the order's reference, the listing's title, the
company's legal name, the document's number. The log stores public ids (names change;
ids do not); the operator's page reads them through here, one query per kind of object."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Claim, Company, Document, Order, Product, Rfq, User

# Every action the code records, so the filter offers each kind before the first one
# happens; f-string actions such as "order.<status>" are listed by their values.
# tests/functional/test_first_impressions_operator.py fails when a literal action recorded
# in app/ is missing here.
KNOWN_ACTIONS: tuple[str, ...] = (
    "api_token.created",
    "api_token.revoked",
    "authority.account_created",
    "authority.created",
    "authority.viewed_document",
    "authority.viewed_licence",
    "authority.viewed_licences",
    "buyer.trusted",
    "buyer.untrusted",
    "claim.agreed",  # claim.<status>: claims.states.move_claim
    "claim.decided",
    "claim.decision",
    "claim.escalated",
    "claim.filed",
    "claim.inspection_required",
    "claim.lapsed",
    "claim.record_exported",
    "claim.responded",
    "claim.settled",
    "claim.settlement",
    "claim.withdrawn",
    "company.bank_details_changed",
    "company.emergency_contact_changed",
    "company.evidence_uploaded",
    "company.evidence_viewed",
    "company.registered",
    "company.reporting_currency_changed",
    "company.signatory_changed",
    "company.suspended",
    "company.timezone_changed",
    "company.verification_expired",
    "company.verification_recorded",
    "company.verified",
    "credit.amendment_proposed",
    "credit.credit_amendment_accepted",
    "credit.credit_amendment_refused",
    "credit.opened",
    "document.downloaded",
    "document.issued",
    "document.xml_downloaded",
    "exchange_rate.imported",
    "exchange_rate.recorded",
    "licence.amended",
    "licence.attached_to_order",
    "licence.drawn_down",
    "licence.recorded",
    "licence.revoked",
    "licence.scan_viewed",
    "listing.archived",
    "listing.published",
    "listing.reinstated",
    "listing.suspended",
    "listings.imported",
    "login.failed",
    "login.succeeded",
    "logout",
    "operator.created",
    "order.accepted",
    "order.awarded",
    "order.cancelled",
    "order.change_accepted",
    "order.change_declined",
    "order.change_withdrawn",
    "order.completed",
    "order.delivered",
    "order.delivery_auto_confirmed",
    "order.in_production",
    "order.placed",
    "order.outturn_recorded",
    "order.rejected",
    "order.shipped",
    "password.changed",
    "password.reset",
    "password.reset_requested",
    "payment.card_mismatch",
    "payment.card_started",
    "payment.card_succeeded",
    "payment.letter_of_credit",
    "payment.proof_uploaded",
    "payment.receipt_recorded",
    "payment.receipt_reversed",
    "payment.refunded",
    "payment.released_before_payment",
    "register.exported",
    "register.zip_downloaded",
    "register.zip_requested",
    "rfq.awarded_order",
    "rfq.created",
    "statistics.chapter_restricted",
    "statistics.chapter_restriction_lifted",
    "statistics.unsuppressed_viewed",
    "thread.operator_read",
    "thread.reported",
    "user.added",
    "user.deactivated",
    "user.reactivated",
    "user.role_changed",
    "webhook.disabled",  # webhook.<action>: webhooks.endpoints
    "webhook.enabled",
    "webhook.events_changed",
    "webhook.registered",
    "webhook.removed",
    "webhook.resent",
    "webhook.rotation_ended",
    "webhook.secret_rolled",
)


def action_groups(actions: Iterable[str]) -> list[str]:
    """The kinds before the dot ("order", "listing" ...): one filter choice covers a group."""
    return sorted({action.split(".", 1)[0] for action in actions if "." in action})


def _names(model: Any, column: Any, public_ids: set[str]) -> dict[str, str]:
    if not public_ids:
        return {}
    rows = db.session.execute(
        select(model.public_id, column).where(model.public_id.in_(public_ids))
    )
    return {public_id: str(name) for public_id, name in rows}


def _numbered(model: Any, prefix: str, public_ids: set[str]) -> dict[str, str]:
    """Orders and RFQs are named by their id ("CO-000042"), as their ``reference`` is."""
    if not public_ids:
        return {}
    rows = db.session.execute(
        select(model.public_id, model.id).where(model.public_id.in_(public_ids))
    )
    return {public_id: f"{prefix}-{row_id:06d}" for public_id, row_id in rows}


_LOOKUPS = {
    "order": lambda ids: _numbered(Order, "CO", ids),
    "product": lambda ids: _names(Product, Product.title, ids),
    "company": lambda ids: _names(Company, Company.legal_name, ids),
    "document": lambda ids: _names(Document, Document.number, ids),
    "rfq": lambda ids: _numbered(Rfq, "RFQ", ids),
    "user": lambda ids: _names(User, User.email, ids),
    "claim": lambda ids: _numbered(Claim, "CL", ids),
}

# Details that hold an internal row id (a claim's settlement stores its columns as they are):
# the key, and how the row is named.
ID_DETAILS: dict[str, Any] = {
    "credit_note_id": (Document, Document.number),
    "settled_by_id": (User, User.email),
}
# Orders are named by their id alone, so no query is needed.
ORDER_ID_DETAILS = ("follow_up_order_id",)


def _by_row_id(model: Any, column: Any, row_ids: set[int]) -> dict[int, str]:
    if not row_ids:
        return {}
    rows = db.session.execute(select(model.id, column).where(model.id.in_(row_ids)))
    return {row_id: str(name) for row_id, name in rows}


def id_detail_names(events: Sequence[AuditEvent]) -> dict[tuple[str, int], str]:
    """``(detail key, row id) -> name`` for details that store an internal id."""
    wanted: dict[str, set[int]] = defaultdict(set)
    names: dict[tuple[str, int], str] = {}
    for event in events:
        for key, value in (event.details or {}).items():
            if not isinstance(value, int) or isinstance(value, bool):
                continue
            if key in ID_DETAILS:
                wanted[key].add(value)
            elif key in ORDER_ID_DETAILS:
                names[(key, value)] = f"CO-{value:06d}"
    for key, row_ids in wanted.items():
        model, column = ID_DETAILS[key]
        for row_id, name in _by_row_id(model, column, row_ids).items():
            names[(key, row_id)] = name
    return names


def object_currencies(events: Sequence[AuditEvent]) -> dict[tuple[str, str], str]:
    """The currency of each claim and order the events concern, so an amount a row stores
    without its currency (a claim's asked or awarded amount) is still written as money."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type in ("claim", "order") and event.object_id:
            wanted[event.object_type].add(event.object_id)
        order = (event.details or {}).get("order")
        if isinstance(order, str):
            wanted["order"].add(order)
    currencies: dict[tuple[str, str], str] = {}
    for kind, model in (("claim", Claim), ("order", Order)):
        if wanted[kind]:
            rows = db.session.execute(
                select(model.public_id, model.currency).where(model.public_id.in_(wanted[kind]))
            )
            currencies.update({(kind, public_id): currency for public_id, currency in rows})
    return currencies


def object_names(events: Sequence[AuditEvent]) -> dict[tuple[str, str], str]:
    """``(object_type, public_id) -> name`` for the events' objects and the orders their
    details name; objects since deleted (or of kinds without a name) are left out."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type in _LOOKUPS and event.object_id:
            wanted[event.object_type].add(event.object_id)
        for kind in ("order", "rfq"):  # details that name another object by its id
            named = (event.details or {}).get(kind)
            if isinstance(named, str):
                wanted[kind].add(named)
    names: dict[tuple[str, str], str] = {}
    for kind, public_ids in wanted.items():
        for public_id, name in _LOOKUPS[kind](public_ids).items():
            names[(kind, public_id)] = name
    return names


def company_names(events: Sequence[AuditEvent]) -> dict[int, str]:
    """The legal name of each company the events belong to."""
    ids = {event.company_id for event in events if event.company_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(Company.id, Company.legal_name).where(Company.id.in_(ids)))
    return {company_id: name for company_id, name in rows}
