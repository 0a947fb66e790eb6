"""Statistical disclosure control: the one place that decides what a published figure may show.

Every table the statistics pages, CSV and JSON downloads publish goes through ``protect``;
nothing else hides or shows a cell. The rules follow statistical offices (IMTS 2010 §10.3,
the threshold and dominance rules of the SDC handbook):

- **threshold**: a cell shows only with at least ``min_sellers`` distinct sellers and
  ``min_buyers`` distinct buyers;
- **dominance**: the largest firm on either side holds at most ``top1`` of the cell's value
  and the two largest at most ``top2`` (the page names the rule, not these values);
- **secondary suppression**: in every row and column whose total shows, the hidden cells
  are none or at least ``min_hidden_per_line`` (three: a hidden cell with one other hidden
  cell, or none, forces another), so no hidden cell is the difference between a total and
  the cells that show; where too few cells with trade are left, the total is hidden;
- **lag**: the current month and the previous one are never published;
- **restricted chapters**: chapter 36 (explosives) and the chapters the operator names are
  published only rolled up to the chapter and whole calendar years.

Pure functions over plain values: no database, so every rule is tested directly.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

# Chapter 36: explosives, pyrotechnic products, matches, pyrophoric alloys.
ALWAYS_RESTRICTED_CHAPTERS = frozenset({"36"})


@dataclass(frozen=True)
class DisclosureRules:
    min_sellers: int = 3
    min_buyers: int = 3
    top1: Decimal = Decimal("0.60")
    top2: Decimal = Decimal("0.80")
    min_hidden_per_line: int = 3
    lag_months: int = 2  # the current month and the one before it


RULES = DisclosureRules()


class Hidden(enum.StrEnum):
    """Why a figure is confidential (shown to the operator only; the public reads one word)."""

    THRESHOLD = "threshold"
    DOMINANCE = "dominance"
    SECONDARY = "secondary"
    # A restricted chapter asked for by month: published only by chapter and whole year.
    RESTRICTED = "restricted"


@dataclass
class CellStats:
    """A cell's figures and each firm's share of its value."""

    value_minor: int = 0
    net_weight_g: int = 0
    shipments: int = 0
    by_seller: dict[int, int] = field(default_factory=dict)
    by_buyer: dict[int, int] = field(default_factory=dict)

    def add(
        self, seller_id: int, buyer_id: int, value_minor: int, net_weight_g: int, shipments: int
    ) -> None:
        self.value_minor += value_minor
        self.net_weight_g += net_weight_g
        self.shipments += shipments
        self.by_seller[seller_id] = self.by_seller.get(seller_id, 0) + value_minor
        self.by_buyer[buyer_id] = self.by_buyer.get(buyer_id, 0) + value_minor

    def absorb(self, other: CellStats) -> None:
        self.value_minor += other.value_minor
        self.net_weight_g += other.net_weight_g
        self.shipments += other.shipments
        for mine, theirs in ((self.by_seller, other.by_seller), (self.by_buyer, other.by_buyer)):
            for firm, value in theirs.items():
                mine[firm] = mine.get(firm, 0) + value

    @property
    def has_trade(self) -> bool:
        return bool(self.by_seller)


def _dominated(shares: dict[int, int], total: int, rules: DisclosureRules) -> bool:
    if total <= 0:
        return False
    largest = sorted(shares.values(), reverse=True)[:2]
    if Decimal(largest[0]) > rules.top1 * total:
        return True
    return Decimal(sum(largest)) > rules.top2 * total


def primary_reason(cell: CellStats, rules: DisclosureRules = RULES) -> Hidden | None:
    """Why the cell must be hidden on its own figures (None: it may show)."""
    if not cell.has_trade:
        return None  # no trade: nothing about any firm to protect
    if len(cell.by_seller) < rules.min_sellers or len(cell.by_buyer) < rules.min_buyers:
        return Hidden.THRESHOLD
    if _dominated(cell.by_seller, cell.value_minor, rules) or _dominated(
        cell.by_buyer, cell.value_minor, rules
    ):
        return Hidden.DOMINANCE
    return None


# A position in a two-way table: (row, column); None in either place is that margin's total.
Position = tuple[K | None, K | None]


@dataclass
class TwoWayTable(Generic[K]):
    """Cells by (row, column) with their margins, all built from the same contributions."""

    rows: list[K]
    columns: list[K]
    cells: dict[tuple[K | None, K | None], CellStats]

    def cell(self, row: K | None, column: K | None) -> CellStats:
        return self.cells.get((row, column)) or CellStats()


def build_table(
    contributions: Iterable[tuple[K, K, int, int, int, int, int]],
    rows: Sequence[K] | None = None,
    columns: Sequence[K] | None = None,
) -> TwoWayTable[K]:
    """A table from (row, column, seller, buyer, value, weight, shipments) contributions;
    row and column totals and the grand total are summed from the same contributions."""
    cells: dict[tuple[K | None, K | None], CellStats] = {}
    seen_rows: dict[K, None] = {}
    seen_columns: dict[K, None] = {}
    for row, column, seller, buyer, value, weight, shipments in contributions:
        seen_rows.setdefault(row)
        seen_columns.setdefault(column)
        for position in ((row, column), (row, None), (None, column), (None, None)):
            cells.setdefault(position, CellStats()).add(seller, buyer, value, weight, shipments)
    return TwoWayTable(
        rows=list(rows) if rows is not None else sorted(seen_rows),  # type: ignore[type-var]
        columns=list(columns) if columns is not None else sorted(seen_columns),  # type: ignore[type-var]
        cells=cells,
    )


def _lines(
    table: TwoWayTable[K],
) -> list[tuple[tuple[K | None, K | None], list[tuple[K | None, K | None]]]]:
    """Every additive line: (its total, its components); the margins are lines too."""
    row_keys: list[K | None] = [*table.rows, None]
    column_keys: list[K | None] = [*table.columns, None]
    lines: list[tuple[tuple[K | None, K | None], list[tuple[K | None, K | None]]]] = []
    for row in row_keys:
        across: list[tuple[K | None, K | None]] = [(row, column) for column in table.columns]
        lines.append(((row, None), across))
    for column in column_keys:
        down: list[tuple[K | None, K | None]] = [(row, column) for row in table.rows]
        lines.append(((None, column), down))
    return lines


def protect(
    table: TwoWayTable[K], rules: DisclosureRules = RULES
) -> dict[tuple[K | None, K | None], Hidden]:
    """Which positions (cells and totals) must read "confidential", and why.

    Primary suppression on each position's own figures, then secondary suppression until
    every line whose total shows has no hidden component or at least
    ``rules.min_hidden_per_line`` of them. Complements are the smallest cells with trade
    (least information lost); cells without trade are known to be empty and protect
    nothing, so when too few are left the line's total is hidden instead.
    """
    hidden: dict[tuple[K | None, K | None], Hidden] = {}
    for position, stats in table.cells.items():
        reason = primary_reason(stats, rules)
        if reason is not None:
            hidden[position] = reason
    lines = _lines(table)
    changed = True
    while changed:
        changed = False
        for total, components in lines:
            if total in hidden:
                continue
            count = sum(1 for position in components if position in hidden)
            if count == 0 or count >= rules.min_hidden_per_line:
                continue
            candidates = sorted(
                (
                    position
                    for position in components
                    if position not in hidden and table.cell(*position).has_trade
                ),
                key=lambda position: (table.cell(*position).value_minor, str(position)),
            )
            needed = rules.min_hidden_per_line - count
            chosen = candidates[:needed] if len(candidates) >= needed else [total]
            for position in chosen:
                hidden[position] = Hidden.SECONDARY
            changed = True
    return hidden


# Time and categories ----------------------------------------------------------------------


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + (month.month - 1) + count
    return date(index // 12, index % 12 + 1, 1)


def publication_cutoff(today: date, rules: DisclosureRules = RULES) -> date:
    """The first month never published: months before it may show."""
    return add_months(first_of_month(today), -(rules.lag_months - 1))


def is_published_month(month: date, today: date, rules: DisclosureRules = RULES) -> bool:
    return first_of_month(month) < publication_cutoff(today, rules)


def complete_years(
    first_month: date | None, today: date, rules: DisclosureRules = RULES
) -> list[int]:
    """Whole calendar years past the lag: the only periods restricted chapters show in.

    A year to date would grow month by month, and two releases would give the month away.
    """
    if first_month is None:
        return []
    cutoff = publication_cutoff(today, rules)
    return [year for year in range(first_month.year, cutoff.year + 1) if date(year, 12, 1) < cutoff]


def restricted_chapters(named_by_operator: Iterable[str]) -> frozenset[str]:
    """Chapter 36 and every chapter the operator named (a heading names its chapter)."""
    return ALWAYS_RESTRICTED_CHAPTERS | {code[:2] for code in named_by_operator if len(code) >= 2}


def is_restricted(hs_code: str, restricted: frozenset[str]) -> bool:
    return hs_code[:2] in restricted
