"""The invoice register: every invoice and credit note a company issued or received.

One filtered statement serves the page, its per-currency totals, the exports and the ZIP
job, so what finance staff see is exactly what they download. Payment state comes from
figures the order keeps (paid so far, next due date), so filters and aging run in SQL over
tens of thousands of invoices.

An invoice's *net* amount is its total less its credit notes; what is *outstanding* is the
net less what the order has been paid (deposits included: the commercial invoice covers
the whole order). Credit notes themselves carry no payment state.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Company, Document, DocumentKind, DocumentRate, Order
from app.models.document import INVOICE_KINDS
from app.money import EXPONENTS_OTHER_THAN_2, Money

PAGE_SIZE = 50


class Direction(enum.StrEnum):
    ISSUED = "issued"
    RECEIVED = "received"


class InvoiceStatus(enum.StrEnum):
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    UNPAID = "unpaid"
    OVERDUE = "overdue"


class AgingBucket(enum.StrEnum):
    CURRENT = "current"
    DAYS_1_30 = "1-30"
    DAYS_31_60 = "31-60"
    DAYS_61_90 = "61-90"
    OVER_90 = "over-90"


# Days past due each bucket holds (inclusive); "current" is not yet due or due today.
BUCKET_DAYS: dict[AgingBucket, tuple[int | None, int | None]] = {
    AgingBucket.CURRENT: (None, 0),
    AgingBucket.DAYS_1_30: (1, 30),
    AgingBucket.DAYS_31_60: (31, 60),
    AgingBucket.DAYS_61_90: (61, 90),
    AgingBucket.OVER_90: (91, None),
}


def aging_bucket(days_past_due: int) -> AgingBucket:
    """The bucket of an amount ``days_past_due`` days after its due date."""
    for bucket, (low, high) in BUCKET_DAYS.items():
        if (low is None or days_past_due >= low) and (high is None or days_past_due <= high):
            return bucket
    raise AssertionError(days_past_due)  # the buckets cover every integer


SORTS = ("issued", "number", "amount", "counterparty", "due")


@dataclass(frozen=True)
class RegisterFilter:
    """What the register shows; round-trips through the URL (``to_args``)."""

    date_from: date | None = None
    date_to: date | None = None
    counterparty: str | None = None  # the other company's public id
    kind: DocumentKind | None = None
    direction: Direction | None = None
    status: InvoiceStatus | None = None
    currency: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    q: str = ""
    aging: AgingBucket | None = None
    sort: str = "-issued"

    def to_args(self) -> dict[str, str]:
        """The filter as URL query arguments (empty ones left out)."""
        args = {}
        for name, value in asdict(self).items():
            if value is None or value == "" or (name == "sort" and value == "-issued"):
                continue
            args[name] = value.isoformat() if isinstance(value, date) else str(value)
        return args

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> RegisterFilter:
        """Rebuild a filter stored with ``to_args`` (the ZIP job reads it back this way)."""

        def parsed(name: str, convert: Any) -> Any:
            raw = args.get(name)
            return convert(raw) if raw not in (None, "") else None

        return cls(
            date_from=parsed("date_from", date.fromisoformat),
            date_to=parsed("date_to", date.fromisoformat),
            counterparty=args.get("counterparty") or None,
            kind=parsed("kind", DocumentKind),
            direction=parsed("direction", Direction),
            status=parsed("status", InvoiceStatus),
            currency=args.get("currency") or None,
            amount_min=parsed("amount_min", Decimal),
            amount_max=parsed("amount_max", Decimal),
            q=args.get("q") or "",
            aging=parsed("aging", AgingBucket),
            sort=args.get("sort") or "-issued",
        )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _minor_bound(amount: Decimal, rounding: Any) -> ColumnElement[Any]:
    """``amount`` in each row's minor units (by its currency's exponent), as SQL."""
    default = rounding(amount * 100)
    whens = [
        (Document.currency == code, rounding(amount.scaleb(exponent)))
        for code, exponent in sorted(EXPONENTS_OTHER_THAN_2.items())
    ]
    return case(*whens, else_=default)


def _party(company_id: int) -> ColumnElement[bool]:
    """The company's invoices and credit notes, issued or received."""
    return and_(
        Document.kind.in_(INVOICE_KINDS),
        or_(Document.issuer_id == company_id, Document.recipient_id == company_id),
    )


def _other_party(company_id: int) -> ColumnElement[int]:
    return case((Document.issuer_id == company_id, Document.recipient_id), else_=Document.issuer_id)


# Made once: an alias builds its column collections and adapters on first use, which
# per request cost more than the rest of the statement.
_COUNTERPARTY = aliased(Company, name="counterparty")
_CORRECTED = aliased(Document, name="corrected")
_CREDIT_NOTE = aliased(Document, name="credit_note")


@dataclass
class _Register:
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
            (self.is_invoice, Document.total_minor - credited - Order.paid_minor), else_=0
        )

    def party(self) -> ColumnElement[bool]:
        return _party(self.company_id)

    def other_party(self) -> ColumnElement[int]:
        return _other_party(self.company_id)

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
        if chosen.date_from:
            clauses.append(Document.issued_at >= _start_of(chosen.date_from))
        if chosen.date_to:
            clauses.append(Document.issued_at < _start_of(chosen.date_to + timedelta(days=1)))
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
            clauses.append(and_(self.is_invoice, self.outstanding > 0, Order.paid_minor > 0))
        elif chosen.status is InvoiceStatus.UNPAID:
            clauses.append(and_(self.is_invoice, self.outstanding > 0, Order.paid_minor <= 0))
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


@dataclass(frozen=True)
class RegisterRow:
    document: Document
    direction: Direction
    counterparty_name: str
    counterparty_id: str
    order_public_id: str
    order_reference: str
    buyer_po: str | None
    corrects_number: str | None
    net_minor: int
    paid_minor: int
    outstanding_minor: int
    due_on: date | None
    today: date

    @property
    def is_credit_note(self) -> bool:
        return self.document.kind is DocumentKind.CREDIT_NOTE

    @property
    def currency(self) -> str:
        return str(self.document.currency)

    @property
    def signed_minor(self) -> int:
        """The document's amount as the books take it: credit notes negative."""
        total = self.document.total_minor or 0
        return -total if self.is_credit_note else total

    @property
    def status(self) -> InvoiceStatus | None:
        if self.is_credit_note:
            return None
        if self.outstanding_minor <= 0:
            return InvoiceStatus.PAID
        return InvoiceStatus.PARTLY_PAID if self.paid_minor > 0 else InvoiceStatus.UNPAID

    @property
    def is_overdue(self) -> bool:
        return (
            not self.is_credit_note
            and self.outstanding_minor > 0
            and self.due_on is not None
            and self.due_on < self.today
        )

    def money(self, minor: int) -> Money:
        return Money.from_minor(minor, self.currency)


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    count: int
    amount_minor: int  # invoices less credit notes
    outstanding_minor: int

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def outstanding(self) -> Money:
        return Money.from_minor(self.outstanding_minor, self.currency)


def _row_columns(register: _Register) -> tuple[Any, ...]:
    return (
        Document,
        register.counterparty.legal_name,
        register.counterparty.public_id,
        Order.public_id,
        Order.id,
        Order.buyer_po_number,
        register.corrected.number,
        register.net,
        Order.paid_minor,
        register.outstanding,
        Order.next_due_on,
    )


def _rows(register: _Register, statement: Select[Any]) -> Iterator[RegisterRow]:
    for (
        document,
        name,
        counterparty_id,
        order_public_id,
        order_id,
        buyer_po,
        corrects_number,
        net,
        paid,
        outstanding,
        due_on,
    ) in db.session.execute(statement):
        yield RegisterRow(
            document=document,
            direction=(
                Direction.ISSUED
                if document.issuer_id == register.company_id
                else Direction.RECEIVED
            ),
            counterparty_name=name,
            counterparty_id=counterparty_id,
            order_public_id=order_public_id,
            order_reference=f"CO-{order_id:06d}",
            buyer_po=buyer_po,
            corrects_number=corrects_number,
            net_minor=int(net or 0),
            paid_minor=int(paid or 0),
            outstanding_minor=int(outstanding or 0),
            due_on=due_on if outstanding and outstanding > 0 else None,
            today=register.today,
        )


def _row_statement(register: _Register, chosen: RegisterFilter) -> Select[Any]:
    return (
        register.select_from(*_row_columns(register))
        .outerjoin(register.corrected, register.corrected.id == Document.corrects_id)
        .where(*register.where(chosen))
        .order_by(*register.order_by(chosen.sort))
    )


@dataclass(frozen=True)
class RegisterPage:
    rows: list[RegisterRow]
    totals: list[CurrencyTotal]
    page: int

    @property
    def count(self) -> int:
        return sum(total.count for total in self.totals)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / PAGE_SIZE))


def register_page(company_id: int, chosen: RegisterFilter, page: int, today: date) -> RegisterPage:
    """One page of rows and the totals of the whole filtered set: two queries.

    The page's 50 ids come from a subquery over the documents alone (joined to orders,
    credits or names only when the filter or sort reads them), so only those 50 rows are
    joined to everything the page shows, not the thousands the filter matches.
    """
    register = _Register(company_id, today)
    totals = register_totals(register, chosen)
    count = sum(total.count for total in totals)
    page = min(max(page, 1), max(1, math.ceil(count / PAGE_SIZE)))
    page_ids = (
        register.select_from(
            Document.id,
            names=chosen.sort.lstrip("-") == "counterparty",
            payments=register.needs_payments(chosen),
        )
        .where(*register.where(chosen))
        .order_by(*register.order_by(chosen.sort))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .correlate(None)  # a query of its own, run first, not one per outer row
    )
    statement = (
        register.select_from(*_row_columns(register))
        .outerjoin(register.corrected, register.corrected.id == Document.corrects_id)
        .where(Document.id.in_(page_ids))
        .order_by(*register.order_by(chosen.sort))
    )
    return RegisterPage(rows=list(_rows(register, statement)), totals=totals, page=page)


def register_totals(register: _Register, chosen: RegisterFilter) -> list[CurrencyTotal]:
    signed = case(
        (Document.kind == DocumentKind.CREDIT_NOTE, -Document.total_minor),
        else_=Document.total_minor,
    )
    open_amount = case((register.outstanding > 0, register.outstanding), else_=0)
    statement = (
        register.select_from(
            Document.currency,
            func.count(Document.id),
            func.coalesce(func.sum(signed), 0),
            func.coalesce(func.sum(open_amount), 0),
            names=False,
        )
        .where(*register.where(chosen))
        .group_by(Document.currency)
        .order_by(Document.currency)
    )
    return [
        CurrencyTotal(currency, int(count), int(amount), int(outstanding))
        for currency, count, amount, outstanding in db.session.execute(statement)
    ]


def register_rows(company_id: int, chosen: RegisterFilter, today: date) -> Iterator[RegisterRow]:
    """Every row of the filtered set, streamed in pages of the database cursor (exports)."""
    register = _Register(company_id, today)
    statement = _row_statement(register, chosen).execution_options(yield_per=500)
    yield from _rows(register, statement)


def register_document_ids(company_id: int, chosen: RegisterFilter, today: date) -> list[int]:
    """The ids of the filtered set, in register order (what a ZIP export holds)."""
    register = _Register(company_id, today)
    statement = (
        register.select_from(
            Document.id,
            names=chosen.sort.lstrip("-") == "counterparty",
            payments=register.needs_payments(chosen),
        )
        .where(*register.where(chosen))
        .order_by(*register.order_by(chosen.sort))
    )
    return list(db.session.scalars(statement))


def filter_options(company_id: int) -> tuple[list[tuple[str, str]], list[str]]:
    """The counterparties (public id, name) and currencies of this company's invoices."""
    # The distinct (company, currency) pairs first, from the documents alone; then the few
    # hundred names (this runs on every view of the register).
    pairs = (
        select(_other_party(company_id).label("company_id"), Document.currency)
        .where(_party(company_id))
        .distinct()
        .subquery("pairs")
    )
    statement = (
        select(Company.public_id, Company.legal_name, pairs.c.currency)
        .join(pairs, pairs.c.company_id == Company.id)
        .order_by(Company.legal_name)
    )
    companies: dict[str, str] = {}
    currencies: set[str] = set()
    for public_id, name, currency in db.session.execute(statement):
        companies[public_id] = name
        currencies.add(currency)
    return list(companies.items()), sorted(currencies)


def register_document(company_id: int, public_id: str) -> Document | None:
    """An invoice or credit note the company issued or received (None: anything else)."""
    document: Document | None = db.session.scalar(
        select(Document).where(Document.public_id == public_id, _party(company_id))
    )
    return document


def frozen_rates(company_id: int, document_ids: list[int]) -> dict[int, DocumentRate]:
    """The rate each document froze into this company's reporting currency."""
    if not document_ids:
        return {}
    rates = db.session.scalars(
        select(DocumentRate).where(
            DocumentRate.company_id == company_id, DocumentRate.document_id.in_(document_ids)
        )
    )
    return {rate.document_id: rate for rate in rates}


# Receivables and payables ------------------------------------------------------------


@dataclass
class AgingLine:
    counterparty_id: str
    counterparty_name: str
    currency: str
    buckets: dict[AgingBucket, int] = field(default_factory=lambda: dict.fromkeys(AgingBucket, 0))

    @property
    def total_minor(self) -> int:
        return sum(self.buckets.values())

    def money(self, minor: int) -> Money:
        return Money.from_minor(minor, self.currency)


def aging(company_id: int, direction: Direction, today: date) -> list[AgingLine]:
    """Outstanding amounts per counterparty and currency, by days past due (one query)."""
    register = _Register(company_id, today)
    bucket = register.bucket_of_row()
    statement = (
        register.select_from(
            register.counterparty.public_id,
            register.counterparty.legal_name,
            Document.currency,
            bucket,
            func.sum(register.outstanding),
        )
        .where(
            *register.where(RegisterFilter(direction=direction)),
            register.is_invoice,
            register.outstanding > 0,
        )
        .group_by(
            register.counterparty.public_id,
            register.counterparty.legal_name,
            Document.currency,
            bucket,
        )
        .order_by(register.counterparty.legal_name, Document.currency)
    )
    lines: dict[tuple[str, str], AgingLine] = {}
    for public_id, name, currency, bucket_value, amount in db.session.execute(statement):
        line = lines.setdefault((public_id, currency), AgingLine(public_id, name, str(currency)))
        line.buckets[AgingBucket(bucket_value)] += int(amount)
    return list(lines.values())


@dataclass(frozen=True)
class ReportingFigures:
    """Amounts converted at each document's frozen rate into the company's currency."""

    currency: str
    months: list[tuple[date, Decimal]]  # first day of month, net invoiced
    buckets: dict[AgingBucket, Decimal]


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months_back(today: date, count: int) -> list[date]:
    months = [_month_start(today)]
    while len(months) < count:
        previous = months[-1] - timedelta(days=1)
        months.append(_month_start(previous))
    return list(reversed(months))


def reporting_figures(
    company: Company, direction: Direction, today: date, months: int = 12
) -> ReportingFigures:
    """Monthly invoiced amounts and aging totals in the reporting currency (for the charts)."""
    register = _Register(company.id, today)
    month_starts = _months_back(today, months)
    signed = case(
        (Document.kind == DocumentKind.CREDIT_NOTE, -Document.total_minor),
        else_=Document.total_minor,
    )
    statement = (
        register.select_from(
            Document.issued_at,
            Document.currency,
            signed,
            register.outstanding,
            register.bucket_of_row(),
            DocumentRate.rate,
        )
        .join(
            DocumentRate,
            and_(
                DocumentRate.document_id == Document.id,
                DocumentRate.company_id == company.id,
                # After a change of reporting currency older documents froze another one.
                DocumentRate.currency == company.reporting_currency,
            ),
        )
        .where(*register.where(RegisterFilter(direction=direction)))
        .where(
            or_(
                Document.issued_at >= _start_of(month_starts[0]),
                and_(register.is_invoice, register.outstanding > 0),
            )
        )
        .execution_options(yield_per=1000)
    )
    per_month = dict.fromkeys(month_starts, Decimal(0))
    per_bucket = dict.fromkeys(AgingBucket, Decimal(0))
    for issued_at, currency, amount, outstanding, bucket, rate in db.session.execute(statement):
        month = _month_start(issued_at.date())
        if month in per_month:
            per_month[month] += Money.from_minor(int(amount), currency).amount * rate
        if outstanding and outstanding > 0:
            per_bucket[AgingBucket(bucket)] += (
                Money.from_minor(int(outstanding), currency).amount * rate
            )
    reporting = company.reporting_currency
    return ReportingFigures(
        currency=reporting,
        months=[
            (month, Money(value, reporting).rounded().amount) for month, value in per_month.items()
        ],
        buckets={b: Money(v, reporting).rounded().amount for b, v in per_bucket.items()},
    )
