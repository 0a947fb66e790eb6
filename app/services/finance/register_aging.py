"""Receivables and payables: outstanding invoices by days past due, per counterparty in
their own currencies, and in the company's reporting currency for the charts. An invoice
paid beyond its net (an overpayment left on the order) shows as the counterparty's credit,
on both sides: the seller's receivables and the buyer's payables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, func, or_

from app.extensions import db
from app.models import Company, Document, DocumentRate
from app.money import Money
from app.services.finance.register_filter import AgingBucket, Direction, RegisterFilter
from app.services.finance.register_query import RegisterQuery, signed_total, start_of


@dataclass
class AgingLine:
    counterparty_id: str
    counterparty_name: str
    currency: str
    buckets: dict[AgingBucket, int] = field(default_factory=lambda: dict.fromkeys(AgingBucket, 0))
    # Paid beyond the net of its invoices: the buyer's credit with the seller.
    credit_minor: int = 0

    @property
    def total_minor(self) -> int:
        return sum(self.buckets.values())

    def money(self, minor: int) -> Money:
        return Money.from_minor(minor, self.currency)


def aging(company_id: int, direction: Direction, today: date) -> list[AgingLine]:
    """Outstanding amounts per counterparty and currency, by days past due (one query).

    ``today`` is the company's day (``clock.company_today``): an invoice due on the 10th
    is a day overdue once the 11th begins on the company's clock, not on UTC's.
    """
    register = RegisterQuery(company_id, today)
    bucket = register.bucket_of_row()
    outstanding = register.outstanding
    statement = (
        register.select_from(
            register.counterparty.public_id,
            register.counterparty.legal_name,
            Document.currency,
            bucket,
            func.sum(case((outstanding > 0, outstanding), else_=0)),
            func.sum(case((outstanding < 0, -outstanding), else_=0)),
        )
        .where(
            *register.where(RegisterFilter(direction=direction)),
            register.is_invoice,
            outstanding != 0,  # open amounts, and credits (paid beyond the net)
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
    for public_id, name, currency, bucket_value, amount, credit in db.session.execute(statement):
        line = lines.setdefault((public_id, currency), AgingLine(public_id, name, str(currency)))
        line.buckets[AgingBucket(bucket_value)] += int(amount)
        line.credit_minor += int(credit)
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
    """Monthly invoiced amounts and aging totals in the reporting currency (for the charts).

    Months are those of the dates the invoices print; ``today`` is the company's day.
    """
    register = RegisterQuery(company.id, today)
    month_starts = _months_back(today, months)
    signed = signed_total()
    statement = (
        register.select_from(
            Document.issued_on,
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
                and_(
                    Document.issued_on >= month_starts[0],
                    Document.issued_at >= start_of(month_starts[0] - timedelta(days=1)),
                ),
                and_(register.is_invoice, register.outstanding > 0),
            )
        )
        .execution_options(yield_per=1000)
    )
    per_month = dict.fromkeys(month_starts, Decimal(0))
    per_bucket = dict.fromkeys(AgingBucket, Decimal(0))
    for issued_on, currency, amount, outstanding, bucket, rate in db.session.execute(statement):
        month = _month_start(issued_on)
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
