"""How what each milestone received is spread over the order's milestones (pure, no app)."""

from __future__ import annotations

import pytest

from app.models import Allocation, allocate

DEPOSIT, BALANCE = 9_085_320, 21_199_080  # 30/70 of USD 302,844.00


@pytest.mark.parametrize(
    ("received", "amounts", "expected"),
    [
        # Nothing in, part in, exactly paid.
        ([0, 0], [DEPOSIT, BALANCE], Allocation((0, 0), 0)),
        ([100_000, 0], [DEPOSIT, BALANCE], Allocation((100_000, 0), 0)),
        ([DEPOSIT, BALANCE], [DEPOSIT, BALANCE], Allocation((DEPOSIT, BALANCE), 0)),
        # The deposit overpaid by 86,930.00: the excess pays part of the balance.
        ([17_778_320, 0], [DEPOSIT, BALANCE], Allocation((DEPOSIT, 8_693_000), 0)),
        # Overpaid beyond the whole order: the rest is the credit.
        ([17_778_320, 13_221_680], [DEPOSIT, BALANCE], Allocation((DEPOSIT, BALANCE), 715_600)),
        # All of it quoted on the balance: the open deposit is paid before any credit.
        ([0, 30_284_400], [DEPOSIT, BALANCE], Allocation((DEPOSIT, BALANCE), 0)),
        ([0, 25_000_000], [DEPOSIT, BALANCE], Allocation((3_800_920, BALANCE), 0)),
        # Forward first: the first's excess goes to the second, not the third.
        ([150, 0, 0], [100, 100, 100], Allocation((100, 50, 0), 0)),
        ([0, 250, 0], [100, 100, 100], Allocation((50, 100, 100), 0)),
        # One milestone (advance): any excess is credit.
        ([30_284_401], [30_284_400], Allocation((30_284_400,), 1)),
    ],
)
def test_allocation(received: list[int], amounts: list[int], expected: Allocation) -> None:
    allocation = allocate(received, amounts)
    assert allocation == expected
    assert sum(allocation.applied) + allocation.credit_minor == sum(received)
