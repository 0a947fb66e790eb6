"""The register as a spreadsheet: CSV and XLSX of the filtered set, every row with the rate
its document froze into the company's reporting currency (never today's rate)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any

from flask_babel import gettext
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

from app.models import Company, DocumentRate
from app.money import Money
from app.services.finance.exchange_rates import in_reporting_currency
from app.services.finance.register import (
    RegisterFilter,
    RegisterRow,
    frozen_rates,
    register_rows,
)

BATCH = 500
# A spreadsheet runs text starting with these as a formula: such cells get a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Stable English column codes, one per heading below and in the same order: a buyer's ERP
# maps its import by these, whatever language the person exporting reads. Never renamed.
COLUMN_CODES: tuple[str, ...] = (
    "number",
    "kind",
    "direction",
    "issue_date",
    "counterparty",
    "order",
    "buyer_po",
    "corrects",
    "currency",
    "amount",
    "net_amount",
    "outstanding",
    "status",
    "due_date",
    "reporting_currency",
    "exchange_rate",
    "rate_date",
    "rate_source",
    "amount_reporting",
    "net_amount_reporting",
    "sha256",
)


def headers(column_codes: bool = False) -> list[str]:
    """The heading row: translated for people (the default), or the stable codes."""
    if column_codes:
        return list(COLUMN_CODES)
    return [
        gettext("Number"),
        gettext("Kind"),
        gettext("Issued or received"),
        gettext("Issue date"),
        gettext("Counterparty"),
        gettext("Order"),
        gettext("Buyer PO"),
        gettext("Corrects"),
        gettext("Currency"),
        gettext("Amount"),
        gettext("Net amount"),
        gettext("Outstanding"),
        gettext("Status"),
        gettext("Due date"),
        gettext("Reporting currency"),
        gettext("Exchange rate"),
        gettext("Rate date"),
        gettext("Rate source"),
        gettext("Amount in reporting currency"),
        gettext("Net amount in reporting currency"),
        gettext("SHA-256"),
    ]


@dataclass(frozen=True)
class ExportLine:
    row: RegisterRow
    rate: DocumentRate | None

    def amounts(self) -> tuple[Decimal, Decimal, Decimal]:
        row = self.row
        outstanding = max(row.outstanding_minor, 0)
        return (
            row.money(row.signed_minor).amount,
            row.money(row.net_minor if not row.is_credit_note else row.signed_minor).amount,
            row.money(outstanding).amount,
        )

    def reporting(self) -> tuple[Decimal | None, Decimal | None]:
        if self.rate is None:
            return None, None
        row = self.row
        net = row.signed_minor if row.is_credit_note else row.net_minor
        amount = in_reporting_currency(row.signed_minor, row.currency, self.rate)
        net_amount = in_reporting_currency(net, row.currency, self.rate)
        return amount.amount, net_amount.amount


def export_lines(company: Company, chosen: RegisterFilter, today: date) -> Iterator[ExportLine]:
    """The filtered rows with their frozen rates, fetched a batch at a time."""
    rows = register_rows(company.id, chosen, today)
    while batch := list(islice(rows, BATCH)):
        rates = frozen_rates(company.id, [row.document.id for row in batch])
        for row in batch:
            yield ExportLine(row, rates.get(row.document.id))


def _cells(line: ExportLine, labels: dict[str, Any]) -> list[Any]:
    row, rate = line.row, line.rate
    amount, net, outstanding = line.amounts()
    in_reporting, net_in_reporting = line.reporting()
    status = "" if row.status is None else str(labels["status"][row.status])
    if row.is_overdue:
        status = f"{status}{labels.get('joiner', ' · ')}{labels['overdue']}"
    return [
        row.document.number,
        # A commercial invoice on weight terms says which stage it is.
        str(
            labels["stage"][row.document.stage]
            if row.document.stage
            else labels["kind"][row.document.kind]
        ),
        str(labels["direction"][row.direction]),
        row.document.issued_on,
        row.counterparty_name,
        row.order_reference,
        row.buyer_po or "",
        row.corrects_number or "",
        row.currency,
        amount,
        net,
        outstanding if not row.is_credit_note else None,
        status,
        row.due_on,
        rate.currency if rate else "",
        rate.rate if rate else None,
        rate.rate_date if rate else None,
        rate.source if rate else "",
        in_reporting,
        net_in_reporting,
        row.document.sha256 or "",
    ]


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """A cell as Excel should show it: an amount with its currency's decimals (68.40, not
    the 68.4 of Excel's General format), text safe from formulas."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "#,##0" + ("." + "0" * places if places else "")
        return cell
    return _safe_text(value)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(_safe_text(value))


def register_csv(
    company: Company,
    chosen: RegisterFilter,
    today: date,
    labels: dict[str, Any],
    *,
    column_codes: bool = False,
) -> tuple[bytes, int]:
    """UTF-8 with a byte-order mark (so spreadsheet programs read Chinese names right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(column_codes))
    count = 0
    for line in export_lines(company, chosen, today):
        writer.writerow([_csv_value(value) for value in _cells(line, labels)])
        count += 1
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), count


@dataclass
class _Totals:
    amount: Decimal = Decimal(0)
    outstanding: Decimal = Decimal(0)
    reporting: Decimal = Decimal(0)
    count: int = 0


def register_xlsx(
    company: Company,
    chosen: RegisterFilter,
    today: date,
    labels: dict[str, Any],
    *,
    column_codes: bool = False,
) -> tuple[bytes, int]:
    """A write-only workbook (rows stream to disk): the register, then totals per currency."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("register" if column_codes else gettext("Invoice register"))
    sheet.append(headers(column_codes))
    totals: dict[str, _Totals] = {}
    count = 0
    for line in export_lines(company, chosen, today):
        cells = [_xlsx_cell(sheet, value) for value in _cells(line, labels)]
        sheet.append(cells)
        count += 1
        amount, _, outstanding = line.amounts()
        total = totals.setdefault(line.row.currency, _Totals())
        total.amount += amount
        total.outstanding += outstanding if not line.row.is_credit_note else 0
        if line.rate is not None and line.rate.currency == company.reporting_currency:
            total.reporting += line.reporting()[0] or 0
        total.count += 1
    summary = workbook.create_sheet("totals" if column_codes else gettext("Totals"))
    summary.append(
        ["currency", "documents", "amount", "outstanding", "amount_reporting"]
        if column_codes
        else [
            gettext("Currency"),
            gettext("Documents"),
            gettext("Amount"),
            gettext("Outstanding"),
            gettext("Amount in %(currency)s", currency=company.reporting_currency),
        ]
    )
    for currency in sorted(totals):
        total = totals[currency]
        summary.append(
            [
                _xlsx_cell(summary, value)
                for value in (
                    currency,
                    total.count,
                    Money(total.amount, currency).rounded().amount,
                    Money(total.outstanding, currency).rounded().amount,
                    Money(total.reporting, company.reporting_currency).rounded().amount,
                )
            ]
        )
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        return file.read(), count
