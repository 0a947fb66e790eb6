"""The trade-flow cube: one fact per shipped order and HS heading, refreshed incrementally.

A shipment (and a credit note) asks for its order's refresh by job name; the nightly run
picks up every order with an invoice or credit note issued since the last run. A refresh
replaces the order's facts from its commercial invoices net of credit notes, so it can run
any number of times with the same result. No page reads invoices: they read the facts.

Value is in US dollars at the rate each invoice froze: the invoice's own currency when it
is dollars, else the rate it froze into a party's dollar books, else the rate the same rule
(``exchange_rates.rate_on``) gives for its issue date. An order whose rate is still missing
is left out until the nightly run finds one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Company,
    Document,
    DocumentKind,
    DocumentRate,
    FlowDirection,
    Incoterm,
    IncotermGroup,
    Order,
    OrderLine,
    Shipment,
    ShipmentStatus,
    TradeFlowCubeState,
    TradeFlowFact,
)
from app.models.base import utcnow
from app.money import Money
from app.services.finance.exchange_rates import RateMissing, rate_on
from app.services.jobs import enqueue
from app.services.statistics.disclosure import publication_cutoff

REFRESH_JOB = "refresh_trade_flows"
USD = "USD"
BATCH = 500
# The nightly run re-reads a day before its watermark: a transaction that committed late
# with an earlier issue time is still picked up.
OVERLAP = timedelta(days=1)

INCOTERM_GROUPS: dict[Incoterm, IncotermGroup] = {
    Incoterm.EXW: IncotermGroup.E,
    Incoterm.FCA: IncotermGroup.F,
    Incoterm.FAS: IncotermGroup.F,
    Incoterm.FOB: IncotermGroup.F,
    Incoterm.CPT: IncotermGroup.C,
    Incoterm.CIP: IncotermGroup.C,
    Incoterm.CFR: IncotermGroup.C,
    Incoterm.CIF: IncotermGroup.C,
    Incoterm.DAP: IncotermGroup.D,
    Incoterm.DPU: IncotermGroup.D,
    Incoterm.DDP: IncotermGroup.D,
}


def direction_of(origin_country: str, destination_country: str) -> FlowDirection:
    if origin_country == "PK" and destination_country == "CN":
        return FlowDirection.PK_CN
    if origin_country == "CN" and destination_country == "PK":
        return FlowDirection.CN_PK
    return FlowDirection.OTHER


def ask_for_refresh(order_id: int) -> None:
    """Refresh the order's facts once the current transaction commits (services call this)."""
    enqueue(REFRESH_JOB, order_id)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` exactly (largest remainder)."""
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [total] + [0] * (len(weights) - 1) if weights else []
    shares = [total * weight // weight_sum for weight in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


@dataclass
class _OrderData:
    order: Order
    seller_country: str
    lines: list[OrderLine]
    shipments: list[Shipment]
    invoices: list[Document]
    credit_notes: dict[int, list[Document]]  # by the invoice they correct
    usd_rates: dict[int, Decimal]  # frozen document rates into dollars, by document


def _usd_rate(invoice: Document, frozen: dict[int, Decimal]) -> Decimal | None:
    assert invoice.currency is not None
    if invoice.currency == USD:
        return Decimal(1)
    if invoice.id in frozen:
        return frozen[invoice.id]
    try:
        return rate_on(invoice.currency, USD, invoice.issued_on).rate
    except RateMissing:
        return None


def _facts_for(data: _OrderData, now: datetime) -> list[TradeFlowFact] | None:
    """The order's facts; None when a dollar rate is still missing (retried nightly)."""
    order = data.order
    if order.shipment_status is ShipmentStatus.NOT_SHIPPED or not data.invoices:
        return []
    value_usd_minor = 0
    for invoice in data.invoices:
        rate = _usd_rate(invoice, data.usd_rates)
        if rate is None:
            return None
        assert invoice.currency is not None and invoice.total_minor is not None
        credited = sum(note.total_minor or 0 for note in data.credit_notes.get(invoice.id, []))
        net = Money.from_minor(invoice.total_minor - credited, invoice.currency).amount
        value_usd_minor += Money(net * rate, USD).rounded().to_minor()
    if value_usd_minor <= 0 or not data.lines:
        return []
    by_heading: dict[str, int] = defaultdict(int)
    for line in data.lines:
        digits = re.sub(r"\D", "", line.hs_code)  # "3602.00" and "360200" alike
        by_heading[digits[:4].ljust(4, "0")] += line.line_total_minor
    headings = sorted(by_heading)
    weights = [by_heading[h] for h in headings]
    values = allocate(value_usd_minor, weights)
    net_weights = allocate(sum(s.net_weight_g for s in data.shipments), weights)
    first = data.shipments[0] if data.shipments else None
    month = min(invoice.issued_on for invoice in data.invoices).replace(day=1)
    return [
        TradeFlowFact(
            order_id=order.id,
            month=month,
            direction=direction_of(data.seller_country, order.destination_country),
            hs2=heading[:2],
            hs4=heading,
            port_of_loading=(first.port_of_loading.strip() if first else "")[:100] or "—",
            port_of_discharge=(
                first.port_of_discharge.strip() if first else order.destination_port
            )[:100]
            or "—",
            incoterm_group=INCOTERM_GROUPS[order.incoterm],
            seller_id=order.seller_id,
            buyer_id=order.buyer_id,
            value_usd_minor=value,
            net_weight_g=weight,
            shipments=max(len(data.shipments), 1),
            refreshed_at=now,
        )
        for heading, value, weight in zip(headings, values, net_weights, strict=True)
        if value > 0
    ]


def _load(order_ids: Sequence[int]) -> list[_OrderData]:
    """Everything the facts of these orders need, in a handful of queries."""
    orders = db.session.scalars(sa.select(Order).where(Order.id.in_(order_ids))).all()
    countries: dict[int, str] = {
        company_id: country
        for company_id, country in db.session.execute(
            sa.select(Company.id, Company.country).where(
                Company.id.in_({order.seller_id for order in orders})
            )
        )
    }
    lines: dict[int, list[OrderLine]] = defaultdict(list)
    for line in db.session.scalars(
        sa.select(OrderLine).where(OrderLine.order_id.in_(order_ids)).order_by(OrderLine.id)
    ):
        lines[line.order_id].append(line)
    shipments: dict[int, list[Shipment]] = defaultdict(list)
    for shipment in db.session.scalars(
        sa.select(Shipment).where(Shipment.order_id.in_(order_ids)).order_by(Shipment.id)
    ):
        shipments[shipment.order_id].append(shipment)
    invoices: dict[int, list[Document]] = defaultdict(list)
    notes: dict[int, list[Document]] = defaultdict(list)
    for document in db.session.scalars(
        sa.select(Document)
        .where(
            Document.order_id.in_(order_ids),
            Document.kind.in_((DocumentKind.COMMERCIAL_INVOICE, DocumentKind.CREDIT_NOTE)),
        )
        .order_by(Document.id)
    ):
        if document.kind is DocumentKind.COMMERCIAL_INVOICE:
            invoices[document.order_id].append(document)
        elif document.corrects_id is not None:
            notes[document.corrects_id].append(document)
    usd_rates: dict[int, Decimal] = {
        document_id: rate
        for document_id, rate in db.session.execute(
            sa.select(DocumentRate.document_id, DocumentRate.rate)
            .join(Document, Document.id == DocumentRate.document_id)
            .where(
                Document.order_id.in_(order_ids),
                Document.kind == DocumentKind.COMMERCIAL_INVOICE,
                DocumentRate.currency == USD,
            )
        )
    }
    return [
        _OrderData(
            order,
            countries[order.seller_id],
            lines[order.id],
            shipments[order.id],
            invoices[order.id],
            notes,
            usd_rates,
        )
        for order in orders
    ]


def bump_version(refreshed_through: datetime | None = None) -> int:
    """A new cube version (published tables cached for the old one are dropped)."""
    state = db.session.get(TradeFlowCubeState, 1)
    if state is None:
        state = TradeFlowCubeState(id=1, version=0)
        db.session.add(state)
    # A conditional increment: two refreshes at once each get their own version.
    db.session.flush()
    db.session.execute(
        sa.update(TradeFlowCubeState)
        .where(TradeFlowCubeState.id == 1)
        .values(version=TradeFlowCubeState.version + 1, changed_at=utcnow())
    )
    if refreshed_through is not None:
        db.session.execute(
            sa.update(TradeFlowCubeState)
            .where(TradeFlowCubeState.id == 1)
            .values(refreshed_through=refreshed_through)
        )
    db.session.refresh(state)
    return state.version


def cube_version() -> tuple[int, datetime | None]:
    """The cube's current version and when it changed ((0, None) before any refresh)."""
    row = db.session.execute(
        sa.select(TradeFlowCubeState.version, TradeFlowCubeState.changed_at).where(
            TradeFlowCubeState.id == 1
        )
    ).first()
    return (0, None) if row is None else (int(row[0]), row[1])


def refresh_orders(
    order_ids: Iterable[int], now: datetime | None = None, *, touched: set[date] | None = None
) -> int:
    """Replace these orders' facts from their invoices; the number of facts written.
    ``touched`` collects the months whose facts were replaced or written.

    Idempotent: the same orders refreshed twice leave the same facts.
    """
    now = now or utcnow()
    ids = sorted(set(order_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        loaded = _load(batch)
        facts_by_order = {data.order.id: _facts_for(data, now) for data in loaded}
        # A missing dollar rate keeps the facts the order had (none, or older ones).
        replace = [order_id for order_id, facts in facts_by_order.items() if facts is not None]
        if not replace:
            continue
        if touched is not None:
            touched.update(
                db.session.scalars(
                    sa.select(TradeFlowFact.month).where(TradeFlowFact.order_id.in_(replace))
                )
            )
        db.session.execute(sa.delete(TradeFlowFact).where(TradeFlowFact.order_id.in_(replace)))
        fresh = [fact for facts in facts_by_order.values() if facts for fact in facts]
        if touched is not None:
            touched.update(fact.month for fact in fresh)
        db.session.add_all(fresh)
        written += len(fresh)
    db.session.flush()
    return written


def refresh_order(order_id: int, now: datetime | None = None) -> int:
    """The per-shipment job's unit of work.

    Published tables are recomputed only when a published month changed: an order shipped
    and invoiced this month is not published for two months, so the day's shipments leave
    every cached table valid; a credit note on an older invoice does not.
    """
    now = now or utcnow()
    touched: set[date] = set()
    written = refresh_orders([order_id], now, touched=touched)
    if any(month < publication_cutoff(now.date()) for month in touched):
        bump_version()
    return written


def orders_touched_since(since: datetime | None) -> list[int]:
    """Orders with an invoice or credit note issued since ``since`` (all when None), and
    shipped orders with an invoice but no facts yet (their dollar rate was missing)."""
    touched = sa.select(Document.order_id).where(
        Document.kind.in_((DocumentKind.COMMERCIAL_INVOICE, DocumentKind.CREDIT_NOTE))
    )
    if since is not None:
        touched = touched.where(Document.issued_at >= since - OVERLAP)
    missing = (
        sa.select(Document.order_id)
        .join(Order, Order.id == Document.order_id)
        .where(
            Document.kind == DocumentKind.COMMERCIAL_INVOICE,
            Order.shipment_status != ShipmentStatus.NOT_SHIPPED,
            ~sa.exists().where(TradeFlowFact.order_id == Document.order_id),
        )
    )
    return sorted(set(db.session.scalars(touched.distinct())) | set(db.session.scalars(missing)))


def refresh_nightly(now: datetime | None = None) -> int:
    """The nightly unit of work: every order touched since the last run; the facts written."""
    now = now or utcnow()
    state = db.session.get(TradeFlowCubeState, 1)
    since = state.refreshed_through if state is not None else None
    written = refresh_orders(orders_touched_since(since), now)
    bump_version(refreshed_through=now)
    return written


def first_month() -> date | None:
    return db.session.scalar(sa.select(sa.func.min(TradeFlowFact.month)))
