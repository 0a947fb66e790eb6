"""Comparing what documents say the way an examiner does (ISBP 821 A1, A14-A16).

Abbreviations generally accepted in trade (Ltd for Limited, kgs for kg, Co. for Company,
Int'l for International) and differences of case, punctuation and spacing are not
discrepancies; a different word is.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from app.reference.ports import COUNTRY_WORDS, country_of_port

# Each abbreviation read as the word it stands for.
_ABBREVIATIONS = {
    "ltd": "limited",
    "co": "company",
    "corp": "corporation",
    "inc": "incorporated",
    "pvt": "private",
    "intl": "international",
    "int'l": "international",
    "mfg": "manufacturing",
    "kgs": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "mt": "t",
    "mts": "t",
    "pcs": "pc",
    "pieces": "pc",
    "piece": "pc",
    "nos": "no",
    "&": "and",
}
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?|&")
# Words that say nothing about which goods or party: ignored when words are compared.
_FILLER = {"the", "of", "and", "a", "an", "for", "to", "as", "per", "in", "with"}


def words(text: str | None) -> list[str]:
    """The text's words, case-folded, abbreviations expanded."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return [_ABBREVIATIONS.get(word, word) for word in _WORD.findall(folded)]


def normalised(text: str | None) -> str:
    return " ".join(words(text))


def same_wording(first: str | None, second: str | None) -> bool:
    return normalised(first) == normalised(second)


def first_line(text: str | None) -> str:
    """A party's name: the first line of a name-and-address block."""
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def same_party(first: str | None, second: str | None) -> bool:
    """The same name, as an examiner reads it (the address is not compared, ISBP A1)."""
    return same_wording(first_line(first), first_line(second))


def significant_words(text: str | None) -> set[str]:
    return {word for word in words(text) if word not in _FILLER}


def covers(description: str | None, by: str | None) -> bool:
    """Whether every significant word of ``description`` appears in ``by``."""
    return significant_words(description) <= significant_words(by)


_TO_ORDER = re.compile(r"^\s*(?:made\s+out\s+)?to\s+(?:the\s+)?order\s+of\s+", re.IGNORECASE)


def to_order_of(consignee: str | None) -> str | None:
    """The party of a "to order of ..." consignee, as written, or None."""
    match = _TO_ORDER.match(consignee or "")
    return (consignee or "")[match.end() :].strip() if match else None


def consignee_as_stated(stated: str | None, shown: str | None) -> bool:
    """ "To order of <bank>" is met by the bank's name as the credit gives it, abbreviations
    and the bank's address aside; other consignee wording is compared as wording."""
    wanted, named = to_order_of(stated), to_order_of(shown)
    if wanted is not None and named is not None:
        return same_party(wanted, named)
    return same_wording(stated, shown)


def _area(stated: str) -> str | None:
    """The country of a geographical area a credit names ("Any port in Pakistan", "Any
    Chinese main port", "Chinese main ports"), or None for a named port."""
    found = words(stated)
    if not (found[:1] == ["any"] or "main" in found):
        return None
    countries = {COUNTRY_WORDS[word] for word in found if word in COUNTRY_WORDS}
    return countries.pop() if len(countries) == 1 else None


def port_as_stated(stated: str | None, shown: str | None) -> bool:
    """Whether the B/L's port is the credit's: the port it names (its country aside), or
    an actual port in the area it states (ISBP 821 E6); an area on the B/L is no port."""
    country = _area(stated or "")
    if country is None:
        return covers(stated, shown)
    return _area(shown or "") is None and country_of_port(shown) == country


def as_decimal(value: object) -> Decimal | None:
    """A number entered on a document's fields (kept as text in JSON), or None."""
    if value is None or value == "":
        return None
    # "220 kgs" and "220 KG" state the same weight as "220" (the field is in kg).
    text = re.sub(r"(?i)\s*(kgs?|kilograms?|cartons?|cases?|packages?|pcs)\.?$", "", str(value))
    try:
        return Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None


def reference_set(value: object) -> frozenset[str]:
    """Container or seal numbers: the set, whatever separates them."""
    text = " ".join(value) if isinstance(value, list | tuple) else str(value or "")
    return frozenset(
        re.sub(r"[^A-Z0-9]", "", part.upper())
        for part in re.split(r"[\s,;/]+", text)
        if part.strip()
    )
