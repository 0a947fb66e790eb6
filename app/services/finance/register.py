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

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import Company, Document, DocumentRate
from app.services.finance.register_aging import (
    AgingLine,
    ReportingFigures,
    aging,
    reporting_figures,
)
from app.services.finance.register_filter import (
    BUCKET_DAYS,
    SORTS,
    AgingBucket,
    Direction,
    InvoiceStatus,
    RegisterFilter,
    aging_bucket,
)
from app.services.finance.register_query import (
    RegisterQuery,
    other_party_column,
    party_clause,
    signed_total,
)
from app.services.finance.register_row import (
    CurrencyTotal,
    RegisterRow,
    read_rows,
    row_columns,
    row_statement,
)

# The filter, rows and aging live in register_filter, register_row and register_aging;
# the views, exports and ZIP job have always found these names here.
__all__ = [
    "BUCKET_DAYS",
    "PAGE_SIZE",
    "SORTS",
    "AgingBucket",
    "AgingLine",
    "CurrencyTotal",
    "Direction",
    "InvoiceStatus",
    "RegisterFilter",
    "RegisterPage",
    "RegisterRow",
    "ReportingFigures",
    "aging",
    "aging_bucket",
    "filter_options",
    "frozen_rates",
    "overdue_count",
    "register_document",
    "register_document_ids",
    "register_page",
    "register_rows",
    "register_totals",
    "reporting_figures",
]

PAGE_SIZE = 50


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
    register = RegisterQuery(company_id, today)
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
        register.select_from(*row_columns(register))
        .outerjoin(register.corrected, register.corrected.id == Document.corrects_id)
        .where(Document.id.in_(page_ids))
        .order_by(*register.order_by(chosen.sort))
    )
    return RegisterPage(rows=list(read_rows(register, statement)), totals=totals, page=page)


def overdue_count(company_id: int, today: date) -> int:
    """How many of the company's invoices (issued or received) are past due, unpaid: the
    finance home's count, the same filter its link opens."""
    totals = register_totals(
        RegisterQuery(company_id, today), RegisterFilter(status=InvoiceStatus.OVERDUE)
    )
    return sum(total.count for total in totals)


def register_totals(register: RegisterQuery, chosen: RegisterFilter) -> list[CurrencyTotal]:
    signed = signed_total()
    open_amount = case((register.outstanding > 0, register.outstanding), else_=0)
    credit = case((register.outstanding < 0, -register.outstanding), else_=0)
    statement = (
        register.select_from(
            Document.currency,
            func.count(Document.id),
            func.coalesce(func.sum(signed), 0),
            func.coalesce(func.sum(open_amount), 0),
            func.coalesce(func.sum(credit), 0),
            names=False,
        )
        .where(*register.where(chosen))
        .group_by(Document.currency)
        .order_by(Document.currency)
    )
    return [
        CurrencyTotal(currency, int(count), int(amount), int(outstanding), int(credited))
        for currency, count, amount, outstanding, credited in db.session.execute(statement)
    ]


def register_rows(company_id: int, chosen: RegisterFilter, today: date) -> Iterator[RegisterRow]:
    """Every row of the filtered set, streamed in pages of the database cursor (exports)."""
    register = RegisterQuery(company_id, today)
    statement = row_statement(register, chosen).execution_options(yield_per=500)
    yield from read_rows(register, statement)


def register_document_ids(company_id: int, chosen: RegisterFilter, today: date) -> list[int]:
    """The ids of the filtered set, in register order (what a ZIP export holds)."""
    register = RegisterQuery(company_id, today)
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
        select(other_party_column(company_id).label("company_id"), Document.currency)
        .where(party_clause(company_id))
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
        select(Document).where(Document.public_id == public_id, party_clause(company_id))
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
