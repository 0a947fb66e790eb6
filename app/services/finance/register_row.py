"""The register's rows and per-currency totals, as the page and the exports read them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select

from app.extensions import db
from app.models import Document, DocumentKind, Order
from app.money import Money
from app.services.finance.register_filter import Direction, InvoiceStatus, RegisterFilter
from app.services.finance.register_query import RegisterQuery


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
        return (
            InvoiceStatus.PARTLY_PAID
            if self.outstanding_minor < self.net_minor
            else InvoiceStatus.UNPAID
        )

    @property
    def credit_minor(self) -> int:
        """Paid beyond the invoice's net: the buyer's credit on the order (0 for none)."""
        return 0 if self.is_credit_note else max(-self.outstanding_minor, 0)

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
    credit_minor: int = 0  # paid beyond the invoices' net (overpayments)

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def outstanding(self) -> Money:
        return Money.from_minor(self.outstanding_minor, self.currency)

    @property
    def credit(self) -> Money:
        return Money.from_minor(self.credit_minor, self.currency)


def row_columns(register: RegisterQuery) -> tuple[Any, ...]:
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


def read_rows(register: RegisterQuery, statement: Select[Any]) -> Iterator[RegisterRow]:
    for (
        document,
        name,
        counterparty_id,
        order_public_id,
        order_id,
        buyer_po,
        corrects_number,
        net,
        _order_paid,
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
            # What the order's receipts paid of this invoice (all of them, with one invoice).
            paid_minor=int(net or 0) - int(outstanding or 0),
            outstanding_minor=int(outstanding or 0),
            due_on=due_on if outstanding and outstanding > 0 else None,
            today=register.today,
        )


def row_statement(register: RegisterQuery, chosen: RegisterFilter) -> Select[Any]:
    return (
        register.select_from(*row_columns(register))
        .outerjoin(register.corrected, register.corrected.id == Document.corrects_id)
        .where(*register.where(chosen))
        .order_by(*register.order_by(chosen.sort))
    )
