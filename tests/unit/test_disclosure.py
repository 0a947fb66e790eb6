"""Disclosure control: which published figures read "confidential", and why."""

from __future__ import annotations

import random
from datetime import date

from app.services.statistics.disclosure import (
    CellStats,
    Hidden,
    build_table,
    complete_years,
    is_published_month,
    is_restricted,
    primary_reason,
    protect,
    publication_cutoff,
    restricted_chapters,
)


def _cell(*contributions: tuple[int, int, int]) -> CellStats:
    cell = CellStats()
    for seller, buyer, value in contributions:
        cell.add(seller, buyer, value, value // 10, 1)
    return cell


def test_a_cell_of_two_sellers_is_hidden() -> None:
    cell = _cell((1, 11, 100), (2, 12, 100), (2, 13, 100))
    assert primary_reason(cell) is Hidden.THRESHOLD


def test_a_cell_of_two_buyers_is_hidden() -> None:
    cell = _cell((1, 11, 100), (2, 12, 100), (3, 12, 100))
    assert primary_reason(cell) is Hidden.THRESHOLD


def test_three_sellers_and_three_buyers_of_equal_size_show() -> None:
    cell = _cell((1, 11, 100), (2, 12, 100), (3, 13, 100))
    assert primary_reason(cell) is None


def test_a_firm_with_70_percent_of_the_value_hides_the_cell() -> None:
    cell = _cell((1, 11, 700), (2, 12, 150), (3, 13, 150))
    assert primary_reason(cell) is Hidden.DOMINANCE


def test_a_buyer_with_70_percent_of_the_value_hides_the_cell() -> None:
    cell = _cell((1, 11, 340), (2, 11, 360), (3, 12, 150), (4, 13, 150))
    assert primary_reason(cell) is Hidden.DOMINANCE


def test_two_firms_with_85_percent_together_hide_the_cell() -> None:
    cell = _cell((1, 11, 450), (2, 12, 400), (3, 13, 75), (4, 14, 75))
    assert primary_reason(cell) is Hidden.DOMINANCE


def test_an_empty_cell_is_no_secret() -> None:
    assert primary_reason(CellStats()) is None


def test_a_lone_hidden_cell_in_a_row_forces_two_more() -> None:
    firms = [(1, 11), (2, 12), (3, 13)]
    contributions = [("26", m, s, b, 100, 1, 1) for m in ("a", "b", "c", "d") for s, b in firms]
    contributions = [c for c in contributions if c[1] != "a"]
    contributions.append(("26", "a", 9, 19, 100, 1, 1))  # one firm alone in January
    table = build_table(contributions)
    hidden = protect(table)
    assert hidden[("26", "a")] is Hidden.THRESHOLD
    in_row = [column for column in table.columns if ("26", column) in hidden]
    assert len(in_row) >= 3 or ("26", None) in hidden


def _random_cube(seed: int) -> list[tuple[str, str, int, int, int, int, int]]:
    generator = random.Random(seed)
    rows = [f"{n:02d}" for n in generator.sample(range(10, 99), generator.randint(2, 7))]
    columns = [f"m{n:02d}" for n in range(1, generator.randint(2, 12) + 1)]
    contributions = []
    for row in rows:
        for column in columns:
            if generator.random() < 0.15:
                continue  # no trade in this cell
            for _ in range(generator.randint(1, 6)):
                seller = generator.randint(1, 8)
                buyer = generator.randint(20, 28)
                value = generator.choice([10, 100, 1000, 5000, 20000])
                contributions.append((row, column, seller, buyer, value, value, 1))
    return contributions


def test_no_hidden_cell_is_the_difference_between_a_visible_total_and_visible_cells() -> None:
    """For many generated cubes: every row and every column (margins too) whose total shows
    holds no hidden cell with trade, or at least two, so subtraction never isolates one."""
    checked_lines = 0
    hidden_cells = 0
    for seed in range(300):
        table = build_table(_random_cube(seed))
        hidden = protect(table)
        rows: list[str | None] = [*table.rows, None]
        columns: list[str | None] = [*table.columns, None]
        lines = [((r, None), [(r, c) for c in table.columns]) for r in rows] + [
            ((None, c), [(r, c) for r in table.rows]) for c in columns
        ]
        for total, components in lines:
            if total in hidden:
                continue
            checked_lines += 1
            unknown = [p for p in components if p in hidden]
            hidden_cells += len(unknown)
            visible_sum = sum(table.cell(*p).value_minor for p in components if p not in hidden)
            remainder = table.cell(*total).value_minor - visible_sum
            # Subtraction yields the sum of the hidden cells, never one of them alone.
            assert remainder == sum(table.cell(*p).value_minor for p in unknown)
            assert len(unknown) != 1, (seed, total, unknown)
            assert len(unknown) == 0 or len(unknown) >= 3, (seed, total, unknown)
        # Every primary reason still holds: a secondary pass never un-hides anything.
        for position, stats in table.cells.items():
            if primary_reason(stats) is not None:
                assert position in hidden
    assert checked_lines > 1000
    assert hidden_cells > 100


def test_the_current_and_previous_month_are_never_published() -> None:
    today = date(2026, 12, 7)
    assert publication_cutoff(today) == date(2026, 11, 1)
    assert is_published_month(date(2026, 10, 1), today)
    assert not is_published_month(date(2026, 11, 1), today)
    assert not is_published_month(date(2026, 12, 1), today)
    # On the first of January the previous December is still held back.
    assert publication_cutoff(date(2027, 1, 1)) == date(2026, 12, 1)
    assert not is_published_month(date(2026, 12, 1), date(2027, 1, 31))
    assert is_published_month(date(2026, 12, 1), date(2027, 2, 1))


def test_chapter_36_and_named_chapters_are_restricted_and_whole_years_only() -> None:
    restricted = restricted_chapters(["2610", "28"])
    assert restricted == frozenset({"36", "26", "28"})
    assert is_restricted("360200", restricted)
    assert is_restricted("2610", restricted)
    assert not is_restricted("7202", restricted)
    # December 2025 is published from 1 February 2026: only then is 2025 a whole year.
    assert complete_years(date(2024, 3, 1), date(2026, 1, 31)) == [2024]
    assert complete_years(date(2024, 3, 1), date(2026, 2, 1)) == [2024, 2025]
    assert complete_years(None, date(2026, 2, 1)) == []
