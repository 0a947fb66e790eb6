"""Published tables: the cube read for one filter set, every figure passed through disclosure.

The page, the CSV and the JSON downloads all come from ``published_tables``, so no
download can show what the page hides. The operator's view is the same tables with
``disclose=False`` (every figure, and why the public would not see it).
"""

from __future__ import annotations

import enum
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from app.extensions import db
from app.models import FlowDirection, IncotermGroup, RestrictedChapter, TradeFlowFact
from app.services.statistics import disclosure
from app.services.statistics.cube import cube_version, first_month
from app.services.statistics.disclosure import Hidden, TwoWayTable


class RowDimension(enum.StrEnum):
    CHAPTER = "chapter"
    HEADING = "heading"
    PORTS = "ports"
    INCOTERM = "incoterm"
    DIRECTION = "direction"


class Measure(enum.StrEnum):
    VALUE = "value"
    WEIGHT = "weight"
    SHIPMENTS = "shipments"


@dataclass(frozen=True)
class StatisticsQuery:
    """One filter set, as parsed from the URL (``None``: any)."""

    year: int | None = None
    direction: FlowDirection | None = None
    chapter: str | None = None
    heading: str | None = None
    port_of_loading: str | None = None
    port_of_discharge: str | None = None
    incoterm_group: IncotermGroup | None = None
    by: RowDimension = RowDimension.CHAPTER
    measure: Measure = Measure.VALUE


@dataclass(frozen=True)
class Figure:
    """One published position: its figures, or ``hidden`` (the public sees neither)."""

    value_minor: int
    net_weight_g: int
    shipments: int
    hidden: Hidden | None
    has_trade: bool

    @property
    def confidential(self) -> bool:
        return self.hidden is not None


@dataclass
class PublishedTable:
    """Rows by the chosen dimension, columns by month (or year), with totals."""

    rows: list[str]
    columns: list[date]
    figures: dict[tuple[str | None, date | None], Figure]

    def figure(self, row: str | None, column: date | None) -> Figure:
        return self.figures.get((row, column)) or Figure(0, 0, 0, None, False)


@dataclass
class Publication:
    query: StatisticsQuery
    year: int | None
    years: list[int]  # years with at least one published month
    cutoff: date  # the first month never shown
    monthly: PublishedTable
    restricted: PublishedTable  # restricted chapters by whole year
    restricted_chapters: list[str]
    disclosed: bool  # False: the operator's unsuppressed view
    # The filters name a restricted chapter (or a heading in one): its trade shows only in
    # the yearly table, and every monthly figure reads confidential, never zero.
    restricted_filter: bool = False
    options: dict[str, list[str]] = field(default_factory=dict)


def named_chapters() -> list[str]:
    return list(db.session.scalars(sa.select(RestrictedChapter.chapter)))


def _row_column(by: RowDimension) -> sa.ColumnElement[str] | QueryableAttribute[str]:
    if by is RowDimension.HEADING:
        return TradeFlowFact.hs4
    if by is RowDimension.PORTS:
        return TradeFlowFact.port_of_loading + " → " + TradeFlowFact.port_of_discharge
    if by is RowDimension.INCOTERM:
        return sa.cast(TradeFlowFact.incoterm_group, sa.String)
    if by is RowDimension.DIRECTION:
        return sa.cast(TradeFlowFact.direction, sa.String)
    return TradeFlowFact.hs2


def _filters(query: StatisticsQuery) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if query.direction is not None:
        where.append(TradeFlowFact.direction == query.direction)
    if query.chapter:
        where.append(TradeFlowFact.hs2 == query.chapter)
    if query.heading:
        where.append(TradeFlowFact.hs4 == query.heading)
    if query.port_of_loading:
        where.append(TradeFlowFact.port_of_loading == query.port_of_loading)
    if query.port_of_discharge:
        where.append(TradeFlowFact.port_of_discharge == query.port_of_discharge)
    if query.incoterm_group is not None:
        where.append(TradeFlowFact.incoterm_group == query.incoterm_group)
    return where


def _figures(table: TwoWayTable[Any], disclose: bool) -> dict[tuple[Any, Any], Figure]:
    hidden = disclosure.protect(table)
    figures: dict[tuple[str | None, date | None], Figure] = {}
    for position, stats in table.cells.items():
        reason = hidden.get(position)  # type: ignore[call-overload]
        public = disclose and reason is not None
        figures[position] = Figure(  # type: ignore[index]
            0 if public else stats.value_minor,
            0 if public else stats.net_weight_g,
            0 if public else stats.shipments,
            reason,
            stats.has_trade,
        )
    return figures


def _months(year: int, cutoff: date) -> list[date]:
    months = []
    month = date(year, 1, 1)
    while month < min(date(year + 1, 1, 1), cutoff):
        months.append(month)
        month = disclosure.add_months(month, 1)
    return months


def names_restricted(query: StatisticsQuery, restricted: frozenset[str]) -> bool:
    """Whether the filters ask for a restricted chapter, directly or through a heading."""
    return any(
        code is not None and disclosure.is_restricted(code, restricted)
        for code in (query.chapter, query.heading)
    )


def _withheld_months(year: int, cutoff: date) -> PublishedTable:
    """The monthly table of a restricted chapter: no rows, and every total confidential
    (not zero, and not even whether the month had trade)."""
    months = _months(year, cutoff)
    withheld = Figure(0, 0, 0, Hidden.RESTRICTED, True)
    figures: dict[tuple[str | None, date | None], Figure] = {
        (None, column): withheld for column in [*months, None]
    }
    return PublishedTable([], months, figures)


def _monthly(
    query: StatisticsQuery, year: int, cutoff: date, restricted: frozenset[str], disclose: bool
) -> PublishedTable:
    start = date(year, 1, 1)
    end = min(date(year + 1, 1, 1), cutoff)
    row = _row_column(query.by)
    rows = db.session.execute(
        sa.select(
            row,
            TradeFlowFact.month,
            TradeFlowFact.seller_id,
            TradeFlowFact.buyer_id,
            sa.func.sum(TradeFlowFact.value_usd_minor),
            sa.func.sum(TradeFlowFact.net_weight_g),
            sa.func.sum(TradeFlowFact.shipments),
        )
        .where(
            TradeFlowFact.month >= start,
            TradeFlowFact.month < end,
            TradeFlowFact.hs2.not_in(sorted(restricted)),
            *_filters(query),
        )
        .group_by(row, TradeFlowFact.month, TradeFlowFact.seller_id, TradeFlowFact.buyer_id)
    )
    months = _months(year, cutoff)
    table: TwoWayTable[str] = disclosure.build_table(
        ((r, m, s, b, int(v), int(w), int(n)) for r, m, s, b, v, w, n in rows),  # type: ignore[misc]
        columns=months,  # type: ignore[arg-type]
    )
    return PublishedTable(table.rows, months, _figures(table, disclose))


def _restricted(
    query: StatisticsQuery, years: list[int], restricted: frozenset[str], disclose: bool
) -> PublishedTable:
    if not years:
        return PublishedTable([], [], {})
    filters = _filters(replace(query, heading=None))  # rolled up: no heading shows
    rows = db.session.execute(
        sa.select(
            TradeFlowFact.hs2,
            TradeFlowFact.month,
            TradeFlowFact.seller_id,
            TradeFlowFact.buyer_id,
            sa.func.sum(TradeFlowFact.value_usd_minor),
            sa.func.sum(TradeFlowFact.net_weight_g),
            sa.func.sum(TradeFlowFact.shipments),
        )
        .where(
            TradeFlowFact.month >= date(years[0], 1, 1),
            TradeFlowFact.month < date(years[-1] + 1, 1, 1),
            TradeFlowFact.hs2.in_(sorted(restricted)),
            *filters,
        )
        .group_by(
            TradeFlowFact.hs2, TradeFlowFact.month, TradeFlowFact.seller_id, TradeFlowFact.buyer_id
        )
    )
    columns = [date(year, 1, 1) for year in years]
    table: TwoWayTable[str] = disclosure.build_table(
        (
            (hs2, date(month.year, 1, 1), s, b, int(v), int(w), int(n))  # type: ignore[misc]
            for hs2, month, s, b, v, w, n in rows
        ),
        columns=columns,  # type: ignore[arg-type]
    )
    return PublishedTable(table.rows, columns, _figures(table, disclose))


def _publish(query: StatisticsQuery, today: date, named: list[str], disclose: bool) -> Publication:
    cutoff = disclosure.publication_cutoff(today)
    restricted = disclosure.restricted_chapters(named)
    first = first_month()
    last_published = disclosure.add_months(cutoff, -1)
    years = list(range(first.year, last_published.year + 1)) if first else []
    year = query.year if query.year in years else (years[-1] if years else None)
    restricted_filter = names_restricted(query, restricted)
    if year is None:
        monthly = PublishedTable([], [], {})
    elif restricted_filter and disclose:
        monthly = _withheld_months(year, cutoff)
    else:
        monthly = _monthly(query, year, cutoff, restricted, disclose)
    whole_years = disclosure.complete_years(first, today)
    return Publication(
        query=replace(query, year=year),
        year=year,
        years=years,
        cutoff=cutoff,
        monthly=monthly,
        restricted=_restricted(query, whole_years, restricted, disclose),
        restricted_chapters=sorted(restricted),
        disclosed=disclose,
        restricted_filter=restricted_filter,
        options=_options(cutoff, restricted),
    )


def _options(cutoff: date, restricted: frozenset[str]) -> dict[str, list[str]]:
    """The values the filters offer: only those that occur in published months."""
    published = (TradeFlowFact.month < cutoff,)
    options: dict[str, list[str]] = {}
    for name, column in (
        ("chapter", TradeFlowFact.hs2),
        ("heading", TradeFlowFact.hs4),
        ("loading", TradeFlowFact.port_of_loading),
        ("discharge", TradeFlowFact.port_of_discharge),
    ):
        values = db.session.scalars(sa.select(column).where(*published).distinct()).all()
        if name == "heading":
            values = [v for v in values if v[:2] not in restricted]
        options[name] = sorted(values)
    return options


class PublicationCache:
    """Published tables per filter set and cube version, least recently used first out.

    The cube changes only when a refresh bumps its version, so a table computed once serves
    every reader until then; the key also holds the day's cutoff and the restricted list.
    """

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Publication] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Publication | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, publication: Publication) -> None:
        with self._lock:
            self._entries[key] = publication
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


PUBLICATIONS = PublicationCache()


def published_tables(query: StatisticsQuery, today: date, *, disclose: bool = True) -> Publication:
    """The tables for ``query`` as the public (or, ``disclose=False``, the operator) sees
    them on ``today``; computed once per cube version."""
    named = sorted(named_chapters())
    key = (cube_version(), query, disclosure.publication_cutoff(today), tuple(named), disclose)
    found = PUBLICATIONS.get(key)
    if found is None:
        found = _publish(query, today, named, disclose)
        PUBLICATIONS.put(key, found)
    return found
