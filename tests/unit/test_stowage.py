"""Mixed stowage of class 1 goods: every pair of the 13 compatibility groups against
table 176.144(a) of 49 CFR (which mirrors IMDG 7.2.7.2), written out here from the
regulation, not read from the code."""

from __future__ import annotations

import pytest

from app.reference.stowage import GROUPS, Goods, check_mix, pair_rule

# 49 CFR 176.144(a), "Authorized Mixed Stowage for Explosives": X = may not be stowed in
# the same compartment, magazine or cargo transport unit; a digit = allowed under that
# note; a blank (here ".") = allowed. Columns in the order A B C D E F G H J K L N S.
EXPECTED = {
    ("A", "A"): ".", ("A", "B"): "X", ("A", "C"): "X", ("A", "D"): "X", ("A", "E"): "X",
    ("A", "F"): "X", ("A", "G"): "X", ("A", "H"): "X", ("A", "J"): "X", ("A", "K"): "X",
    ("A", "L"): "X", ("A", "N"): "X", ("A", "S"): "X",
    ("B", "A"): "X", ("B", "B"): ".", ("B", "C"): "X", ("B", "D"): "X", ("B", "E"): "X",
    ("B", "F"): "X", ("B", "G"): "X", ("B", "H"): "X", ("B", "J"): "X", ("B", "K"): "X",
    ("B", "L"): "X", ("B", "N"): "X", ("B", "S"): ".",
    ("C", "A"): "X", ("C", "B"): "X", ("C", "C"): ".", ("C", "D"): "6", ("C", "E"): "6",
    ("C", "F"): "X", ("C", "G"): "1", ("C", "H"): "X", ("C", "J"): "X", ("C", "K"): "X",
    ("C", "L"): "X", ("C", "N"): "4", ("C", "S"): ".",
    ("D", "A"): "X", ("D", "B"): "X", ("D", "C"): "6", ("D", "D"): ".", ("D", "E"): "6",
    ("D", "F"): "X", ("D", "G"): "1", ("D", "H"): "X", ("D", "J"): "X", ("D", "K"): "X",
    ("D", "L"): "X", ("D", "N"): "4", ("D", "S"): ".",
    ("E", "A"): "X", ("E", "B"): "X", ("E", "C"): "6", ("E", "D"): "6", ("E", "E"): ".",
    ("E", "F"): "X", ("E", "G"): "1", ("E", "H"): "X", ("E", "J"): "X", ("E", "K"): "X",
    ("E", "L"): "X", ("E", "N"): "4", ("E", "S"): ".",
    ("F", "A"): "X", ("F", "B"): "X", ("F", "C"): "X", ("F", "D"): "X", ("F", "E"): "X",
    ("F", "F"): ".", ("F", "G"): "X", ("F", "H"): "X", ("F", "J"): "X", ("F", "K"): "X",
    ("F", "L"): "X", ("F", "N"): "X", ("F", "S"): ".",
    ("G", "A"): "X", ("G", "B"): "X", ("G", "C"): "1", ("G", "D"): "1", ("G", "E"): "1",
    ("G", "F"): "X", ("G", "G"): ".", ("G", "H"): "X", ("G", "J"): "X", ("G", "K"): "X",
    ("G", "L"): "X", ("G", "N"): "X", ("G", "S"): ".",
    ("H", "A"): "X", ("H", "B"): "X", ("H", "C"): "X", ("H", "D"): "X", ("H", "E"): "X",
    ("H", "F"): "X", ("H", "G"): "X", ("H", "H"): ".", ("H", "J"): "X", ("H", "K"): "X",
    ("H", "L"): "X", ("H", "N"): "X", ("H", "S"): ".",
    ("J", "A"): "X", ("J", "B"): "X", ("J", "C"): "X", ("J", "D"): "X", ("J", "E"): "X",
    ("J", "F"): "X", ("J", "G"): "X", ("J", "H"): "X", ("J", "J"): ".", ("J", "K"): "X",
    ("J", "L"): "X", ("J", "N"): "X", ("J", "S"): ".",
    ("K", "A"): "X", ("K", "B"): "X", ("K", "C"): "X", ("K", "D"): "X", ("K", "E"): "X",
    ("K", "F"): "X", ("K", "G"): "X", ("K", "H"): "X", ("K", "J"): "X", ("K", "K"): ".",
    ("K", "L"): "X", ("K", "N"): "X", ("K", "S"): ".",
    ("L", "A"): "X", ("L", "B"): "X", ("L", "C"): "X", ("L", "D"): "X", ("L", "E"): "X",
    ("L", "F"): "X", ("L", "G"): "X", ("L", "H"): "X", ("L", "J"): "X", ("L", "K"): "X",
    ("L", "L"): "2", ("L", "N"): "X", ("L", "S"): "X",
    ("N", "A"): "X", ("N", "B"): "X", ("N", "C"): "4", ("N", "D"): "4", ("N", "E"): "4",
    ("N", "F"): "X", ("N", "G"): "X", ("N", "H"): "X", ("N", "J"): "X", ("N", "K"): "X",
    ("N", "L"): "X", ("N", "N"): "3", ("N", "S"): "5",
    ("S", "A"): "X", ("S", "B"): ".", ("S", "C"): ".", ("S", "D"): ".", ("S", "E"): ".",
    ("S", "F"): ".", ("S", "G"): ".", ("S", "H"): ".", ("S", "J"): ".", ("S", "K"): ".",
    ("S", "L"): "X", ("S", "N"): "5", ("S", "S"): ".",
}  # fmt: skip

# The group a mix of two different groups travels as, where the table allows the mix
# outright or by notes 4, 5 and 6 (S goods take the group they travel with).
TRAVELS_AS = {
    frozenset("BS"): "B", frozenset("CS"): "C", frozenset("DS"): "D", frozenset("ES"): "E",
    frozenset("FS"): "F", frozenset("GS"): "G", frozenset("HS"): "H", frozenset("JS"): "J",
    frozenset("KS"): "K",
    frozenset("CD"): "E", frozenset("CE"): "E", frozenset("DE"): "E",  # note 6
    frozenset("CN"): "E", frozenset("DN"): "D", frozenset("EN"): "E",  # note 4, then 6
    frozenset("NS"): "N",  # note 5
}  # fmt: skip

PAIRS = [(a, b) for a in "ABCDEFGHJKLNS" for b in "ABCDEFGHJKLNS"]


def test_the_thirteen_groups() -> None:
    assert GROUPS == ("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "N", "S")
    assert len(EXPECTED) == 13 * 13


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_every_pair_against_the_table(first: str, second: str) -> None:
    assert pair_rule(first, second) == EXPECTED[(first, second)]


@pytest.mark.parametrize(("first", "second"), [(a, b) for a, b in PAIRS if a < b])
def test_every_mix_of_two_groups_is_decided_as_the_table_says(first: str, second: str) -> None:
    decision = check_mix([Goods("UN0001", first), Goods("UN0002", second)])
    entry = EXPECTED[(first, second)]
    if entry in {".", "4", "5", "6"}:
        assert decision.allowed
        assert decision.travels_as == TRAVELS_AS[frozenset((first, second))]
        assert decision.rule is None
    else:  # X, or note 1 which the platform cannot verify
        assert not decision.allowed
        assert decision.travels_as is None
        assert decision.pair == (first, second)
        assert "176.144" in (decision.rule or "")


def test_detonators_never_travel_with_blasting_explosives() -> None:
    detonators = Goods("UN0360", "B")  # detonator assemblies, 1.1B
    decision = check_mix([detonators, Goods("UN0241", "D")])  # emulsion, 1.5D
    assert not decision.allowed
    assert decision.rule == (
        "49 CFR 176.144(a) / IMDG Code 7.2.7.2: compatibility groups B and D may not be "
        "stowed together."
    )


def test_c_d_and_e_together_travel_as_e() -> None:
    decision = check_mix([Goods("UN0081", "D"), Goods("UN0042", "D"), Goods("UN0065", "D")])
    assert (decision.allowed, decision.travels_as) == (True, "D")
    decision = check_mix([Goods("UN0160", "C"), Goods("UN0081", "D"), Goods("UN0331", "E")])
    assert (decision.allowed, decision.travels_as) == (True, "E")


def test_groups_l_and_n_mix_only_with_identical_goods() -> None:
    assert check_mix([Goods("UN0248", "L"), Goods("UN0248", "L")]).travels_as == "L"
    refused = check_mix([Goods("UN0248", "L"), Goods("UN0249", "L")])
    assert not refused.allowed
    assert refused.rule is not None and "note 2" in refused.rule
    assert check_mix([Goods("UN0486", "N")]).travels_as == "N"
    assert not check_mix([Goods("UN0486", "N"), Goods("UN0487", "N")]).allowed


def test_nothing_of_class_1_is_nothing_to_decide() -> None:
    decision = check_mix([])
    assert (decision.allowed, decision.travels_as) == (True, None)
