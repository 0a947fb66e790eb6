"""The register's one statement, in pieces: which documents are the company's, their
counterparty, what each invoice nets after credit notes and still has outstanding, and the
WHERE and ORDER BY clauses a ``RegisterFilter`` makes.

Page, totals, exports, ZIP and aging all build on ``RegisterQuery``, so they agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from app.models import Company, Document, DocumentKind, Order
from app.models.document import INVOICE_KINDS
from app.money import EXPONENTS_OTHER_THAN_2
from app.services.finance.register_filter import (
    BUCKET_DAYS,
    AgingBucket,
    Direction,
    InvoiceStatus,
    RegisterFilter,
)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _minor_bound(amount: Decimal, rounding: Any) -> ColumnElement[Any]:
    """``amount`` in each row's minor units (by its currency's exponent), as SQL."""
    default = rounding(amount * 100)
    whens = [
        (Document.currency == code, rounding(amount.scaleb(exponent)))
        for code, exponent in sorted(EXPONENTS_OTHER_THAN_2.items())
    ]
    return case(*whens, else_=default)


def party_clause(company_id: int) -> ColumnElement[bool]:
    """The company's invoices and credit notes, issued or received."""
    return and_(
        Document.kind.in_(INVOICE_KINDS),
        or_(Document.issuer_id == company_id, Document.recipient_id == company_id),
    )


def other_party_column(company_id: int) -> ColumnElement[int]:
    """The id of each document's other company: the recipient of what it issued, and so on."""
    return case((Document.issuer_id == company_id, Document.recipient_id), else_=Document.issuer_id)


# Made once: an alias builds its column collections and adapters on first use, which
# per request cost more than the rest of the statement.
_COUNTERPARTY = aliased(Company, name="counterparty")
_CORRECTED = aliased(Document, name="corrected")
_CREDIT_NOTE = aliased(Document, name="credit_note")


_EARLIER = aliased(Document, name="earlier")
_LATER = aliased(Document, name="later")


def _outstanding(net: ColumnElement[Any]) -> ColumnElement[Any]:
    """What is still owed on each invoice of ``net``: the order's receipts less the net.

    An order shipped in lots has an invoice per lot; its receipts pay them oldest first,
    so a lot's invoice is open for what the receipts left after the earlier ones, and
    what was paid beyond them all shows (negative) on the last. Weight terms give a lot a
    provisional and a final invoice, paid the same way. The subqueries run only for such
    orders: every other order has one invoice.
    """
    earlier = _EARLIER
    prior_net = (
        select(
            func.coalesce(
                func.sum(
                    case(
                        (earlier.kind == DocumentKind.CREDIT_NOTE, -earlier.total_minor),
                        else_=earlier.total_minor,
                    )
                ),
                0,
            )
        )
        .where(
            earlier.order_id == Document.order_id,
            or_(
                and_(earlier.kind == DocumentKind.COMMERCIAL_INVOICE, earlier.id < Document.id),
                and_(earlier.kind == DocumentKind.CREDIT_NOTE, earlier.corrects_id < Document.id),
            ),
        )
        .correlate(Document)
        .scalar_subquery()
    )
    later_exists = (
        select(_LATER.id)
        .where(
            _LATER.order_id == Document.order_id,
            _LATER.kind == DocumentKind.COMMERCIAL_INVOICE,
            _LATER.id > Document.id,
        )
        .correlate(Document)
        .exists()
    )
    left = prior_net + net - Order.paid_minor  # owed on this and the earlier lots
    capped = case((left > net, net), else_=left)
    return case(
        (
            or_(Order.partial_shipments, Order.provisional_percent > 0),
            case((and_(later_exists, capped < 0), 0), else_=capped),
        ),
        else_=net - Order.paid_minor,
    )


@dataclass
class RegisterQuery:
    """The statement's pieces: the columns rows and totals need, and the WHERE clauses."""

    company_id: int
    today: date
    counterparty: Any = field(init=False)
    corrected: Any = field(init=False)
    credited: Any = field(init=False)
    is_invoice: ColumnElement[bool] = field(init=False)
    net: ColumnElement[int] = field(init=False)
    outstanding: ColumnElement[int] = field(init=False)

    def __post_init__(self) -> None:
        self.counterparty = _COUNTERPARTY
        self.corrected = _CORRECTED
        credit_note = _CREDIT_NOTE
        self.credited = (
            select(
                credit_note.corrects_id.label("invoice_id"),
                func.sum(credit_note.total_minor).label("amount"),
            )
            .where(
                credit_note.kind == DocumentKind.CREDIT_NOTE,
                # A credit note has its invoice's two parties: only this company's count.
                or_(
                    credit_note.issuer_id == self.company_id,
                    credit_note.recipient_id == self.company_id,
                ),
            )
            .group_by(credit_note.corrects_id)
            .subquery("credited")
        )
        self.is_invoice = Document.kind == DocumentKind.COMMERCIAL_INVOICE
        credited = func.coalesce(self.credited.c.amount, 0)
        self.net = case((self.is_invoice, Document.total_minor - credited), else_=0)
        self.outstanding = case(
            (self.is_invoice, _outstanding(Document.total_minor - credited)), else_=0
        )

    def party(self) -> ColumnElement[bool]:
        return party_clause(self.company_id)

    def other_party(self) -> ColumnElement[int]:
        return other_party_column(self.company_id)

    def select_from(self, *columns: Any, names: bool = True, payments: bool = True) -> Select[Any]:
        """The register's documents with (``payments``) their order and credits, and
        (``names``) the counterparty company; each join only where it is needed."""
        statement = select(*columns).select_from(Document).where(self.party())
        if payments:
            statement = statement.join(Order, Order.id == Document.order_id).outerjoin(
                self.credited, self.credited.c.invoice_id == Document.id
            )
        if names:
            statement = statement.join(
                self.counterparty, self.counterparty.id == self.other_party()
            )
        return statement

    @staticmethod
    def needs_payments(chosen: RegisterFilter) -> bool:
        """Whether the filter or sort reads the order (paid, due) or the credits."""
        return bool(chosen.status or chosen.aging or chosen.sort.lstrip("-") == "due")

    def overdue(self) -> ColumnElement[bool]:
        return and_(self.is_invoice, self.outstanding > 0, Order.next_due_on < self.today)

    def bucket_clause(self, bucket: AgingBucket) -> ColumnElement[bool]:
        """Open invoices whose oldest unpaid due date falls in ``bucket``."""
        low, high = BUCKET_DAYS[bucket]
        due = Order.next_due_on
        clauses: list[ColumnElement[bool]] = [self.is_invoice, self.outstanding > 0]
        if bucket is AgingBucket.CURRENT:
            clauses.append(or_(due.is_(None), due >= self.today))
        else:
            assert low is not None
            clauses.append(due <= self.today - timedelta(days=low))
            if high is not None:
                clauses.append(due >= self.today - timedelta(days=high))
        return and_(*clauses)

    def bucket_of_row(self) -> ColumnElement[str]:
        due = Order.next_due_on
        return case(
            (or_(due.is_(None), due >= self.today), literal(AgingBucket.CURRENT.value)),
            (due >= self.today - timedelta(days=30), literal(AgingBucket.DAYS_1_30.value)),
            (due >= self.today - timedelta(days=60), literal(AgingBucket.DAYS_31_60.value)),
            (due >= self.today - timedelta(days=90), literal(AgingBucket.DAYS_61_90.value)),
            else_=literal(AgingBucket.OVER_90.value),
        )

    def where(self, chosen: RegisterFilter) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        # Dates are the ones documents print (the issuer's day). The moment, a day wider
        # than any zone's offset, keeps the (party, kind, issued_at) indexes in use.
        if chosen.date_from:
            clauses.append(Document.issued_on >= chosen.date_from)
            clauses.append(Document.issued_at >= start_of(chosen.date_from - timedelta(days=1)))
        if chosen.date_to:
            clauses.append(Document.issued_on <= chosen.date_to)
            clauses.append(Document.issued_at < start_of(chosen.date_to + timedelta(days=2)))
        if chosen.counterparty:
            chosen_id = (
                select(Company.id).where(Company.public_id == chosen.counterparty).scalar_subquery()
            )
            clauses.append(self.other_party() == chosen_id)
        if chosen.kind:
            clauses.append(Document.kind == chosen.kind)
        if chosen.direction is Direction.ISSUED:
            clauses.append(Document.issuer_id == self.company_id)
        elif chosen.direction is Direction.RECEIVED:
            clauses.append(Document.recipient_id == self.company_id)
        if chosen.currency:
            clauses.append(Document.currency == chosen.currency)
        if chosen.amount_min is not None:
            clauses.append(Document.total_minor >= _minor_bound(chosen.amount_min, math.ceil))
        if chosen.amount_max is not None:
            clauses.append(Document.total_minor <= _minor_bound(chosen.amount_max, math.floor))
        if chosen.q:
            pattern = (
                "%"
                + chosen.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            # The PO lives on the order: matched orders by a subquery (a handful of ids),
            # so a search needs no join of every document to its order.
            matching_orders = (
                select(Order.id)
                .where(func.lower(Order.buyer_po_number).like(pattern, escape="\\"))
                .correlate(None)
            )
            clauses.append(
                or_(
                    func.lower(Document.number).like(pattern, escape="\\"),
                    Document.order_id.in_(matching_orders),
                )
            )
        if chosen.status is InvoiceStatus.PAID:
            clauses.append(and_(self.is_invoice, self.outstanding <= 0))
        elif chosen.status is InvoiceStatus.PARTLY_PAID:
            clauses.append(and_(self.is_invoice, self.outstanding > 0, self.outstanding < self.net))
        elif chosen.status is InvoiceStatus.UNPAID:
            clauses.append(
                and_(self.is_invoice, self.outstanding > 0, self.outstanding >= self.net)
            )
        elif chosen.status is InvoiceStatus.OVERDUE:
            clauses.append(self.overdue())
        if chosen.aging is not None:
            clauses.append(self.bucket_clause(chosen.aging))
        return clauses

    def order_by(self, sort: str) -> list[Any]:
        descending = sort.startswith("-")
        key = sort.lstrip("-")
        column: Any = {
            "issued": Document.issued_at,
            "number": Document.number,
            "amount": Document.total_minor,
            "counterparty": self.counterparty.legal_name,
            "due": Order.next_due_on,
        }.get(key, Document.issued_at)
        tie = Document.id.desc() if descending else Document.id
        return [column.desc() if descending else column, tie]


def signed_total() -> ColumnElement[int]:
    """The document's amount as the books take it: credit notes negative."""
    return case(
        (Document.kind == DocumentKind.CREDIT_NOTE, -Document.total_minor),
        else_=Document.total_minor,
    )
