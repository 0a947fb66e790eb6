"""Mixed stowage of class 1 goods by compatibility group (IMDG 7.2.7.2, 49 CFR 176.144(a)).

Goods of class 1 stowed in the same container (or compartment, or magazine) must have
compatibility groups the table allows together. The table below is 49 CFR table
176.144(a) "Authorized Mixed Stowage for Explosives", which mirrors the IMDG Code's:
``X`` forbids the pair, ``.`` allows it, and a digit allows it under that note only.

The notes the platform can check are checked (identical goods for L and N); the one it
cannot (note 1: G articles other than fireworks with C/D/E articles only when no explosive
substance travels with them) is refused, so a seller stows such goods apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext

GROUPS = ("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "N", "S")

# Rows and columns in the order of GROUPS; one character per column.
_TABLE = {
    "A": ".XXXXXXXXXXXX",
    "B": "X.XXXXXXXXXX.",
    "C": "XX.66X1XXXX4.",
    "D": "XX6.6X1XXXX4.",
    "E": "XX66.X1XXXX4.",
    "F": "XXXXX.XXXXXX.",
    "G": "XX111X.XXXXX.",
    "H": "XXXXXXX.XXXX.",
    "J": "XXXXXXXX.XXX.",
    "K": "XXXXXXXXX.XX.",
    "L": "XXXXXXXXXX2XX",
    "N": "XX444XXXXXX35",
    "S": "X.........X5.",
}

# The notes of table 176.144(a), as the refusal quotes them.
NOTES = {
    "1": lazy_gettext(
        "Explosive articles in compatibility group G, other than fireworks, may be stowed "
        "with articles of compatibility groups C, D and E, provided no explosive substances are "
        "carried in the same compartment, magazine or cargo transport unit."
    ),
    "2": lazy_gettext(
        "Explosives in compatibility group L may only be stowed in the same compartment, "
        "magazine or cargo transport unit with identical explosives within compatibility group L."
    ),
    "3": lazy_gettext(
        "Different types of articles of Division 1.6, compatibility group N, may only be "
        "transported together when it is proven that there is no additional risk of sympathetic "
        "detonation between the articles."
    ),
    "4": lazy_gettext(
        "When articles of compatibility group N are transported with articles or substances "
        "of compatibility groups C, D or E, the goods of compatibility group N must be treated "
        "as compatibility group D."
    ),
    "5": lazy_gettext(
        "When articles of compatibility group N are transported together with articles or "
        "substances of compatibility group S, the entire load must be treated as compatibility "
        "group N."
    ),
    "6": lazy_gettext(
        "Any combination of articles in compatibility groups C, D and E must be treated as "
        "compatibility group E."
    ),
}

SOURCE = "49 CFR 176.144(a) / IMDG Code 7.2.7.2"


def pair_rule(first: str, second: str) -> str:
    """``X`` (forbidden), ``.`` (allowed) or a note number, for two compatibility groups."""
    return _TABLE[first][GROUPS.index(second)]


@dataclass(frozen=True)
class Goods:
    """One kind of class 1 goods in a stowage unit: its UN number and group."""

    un_number: str
    group: str


@dataclass(frozen=True)
class StowageDecision:
    allowed: bool
    travels_as: str | None  # the group the mixed load travels as (when allowed)
    rule: str | None = None  # why a mix is refused (the table entry and its note)
    pair: tuple[str, str] | None = None


def compatibility_group(hazard_class: str | None) -> str | None:
    """``D`` from ``1.1D``; None for goods outside class 1."""
    if not hazard_class or not hazard_class.startswith("1.") or len(hazard_class) != 4:
        return None
    group = hazard_class[3]
    return group if group in GROUPS else None


def _refused(first: str, second: str, rule: str) -> StowageDecision:
    if rule == "X":
        text = str(
            lazy_gettext(
                "%(source)s: compatibility groups %(first)s and %(second)s may not be stowed "
                "together.",
                source=SOURCE,
                first=first,
                second=second,
            )
        )
    else:
        text = str(
            lazy_gettext(
                "%(source)s, note %(note)s: %(text)s", source=SOURCE, note=rule, text=NOTES[rule]
            )
        )
    return StowageDecision(False, None, text, (first, second))


def _travels_as(groups: set[str]) -> str:
    """The group a mix the table allows travels as."""
    if len(groups) == 1:
        return next(iter(groups))
    if "N" in groups and "S" in groups and groups <= {"N", "S"}:
        return "N"  # note 5
    rest = groups - {"S"}  # S goods take the group of what they travel with
    if "N" in rest:
        rest = (rest - {"N"}) | {"D"}  # note 4: N with C, D or E is treated as D
    if len(rest) == 1:
        return next(iter(rest))
    if rest <= {"C", "D", "E"}:
        return "E"  # note 6
    # The table allows no other mix of two groups besides S (checked before we get here).
    raise ValueError(f"no travelling group for {sorted(groups)}")


def check_mix(goods: Iterable[Goods]) -> StowageDecision:
    """Whether these class 1 goods may share one stowage unit, and the group they travel as.

    Every pair of goods is looked up; for the same group the notes on identical goods
    (L, N) are applied by UN number.
    """
    items = sorted(set(goods), key=lambda g: (g.group, g.un_number))
    if not items:
        return StowageDecision(True, None)
    for i, first in enumerate(items):
        for second in items[i + 1 :]:
            rule = pair_rule(first.group, second.group)
            if rule == ".":
                continue
            if rule in {"2", "3"} and first.un_number == second.un_number:
                continue  # identical goods of group L (note 2) or N (note 3)
            if rule in {"4", "5", "6"}:
                continue  # allowed; the note decides the travelling group
            return _refused(first.group, second.group, rule)
    return StowageDecision(True, _travels_as({g.group for g in items}))
