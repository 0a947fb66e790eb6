"""Ports of Pakistan and China (UN/LOCODE), to tell in which country a named port lies.

The ports are the entries of the one place reference (``app.reference.places``: UNECE's
code list, PK 2024-2, CN 2022) with the port function, plus the codes UNECE now lists as
airports but carriers still print for the seaports on bills of lading (CNSHA, CNTAO, CNNGB,
CNXMN, CNDLC, CNCAN).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from app.reference.places import unlocode_rows

# Words that name the country on a B/L ("Karachi, Pakistan") or in a credit's area.
COUNTRY_WORDS = {
    "pakistan": "PK",
    "pakistani": "PK",
    "pk": "PK",
    "china": "CN",
    "chinese": "CN",
    "prc": "CN",
    "cn": "CN",
}
# Names carriers print that the code list spells otherwise (PKBQM "Muhammad Bin Qasim").
_ALIASES = {"qasim": "PK", "bin qasim": "PK"}
_WORD = re.compile(r"[a-z0-9]+")
# "Shanghai Pt", "Port of Karachi": the same place as "Shanghai", "Karachi".
_PORT_WORDS = {"pt", "port", "of", "harbour", "harbor"}


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _key(name: str) -> str:
    return " ".join(w for w in _WORD.findall(_folded(name)) if w not in _PORT_WORDS)


@cache
def _table() -> tuple[dict[str, str], dict[str, str | None]]:
    """(code → country, name → country); a name found in both countries maps to None."""
    codes: dict[str, str] = {}
    names: dict[str, str | None] = dict(_ALIASES)
    for row in unlocode_rows():
        if not row.is_port:
            continue
        codes[row.locode] = row.country
        # "Muhammad Bin Qasim/Karachi" names both places.
        for part in {*row.name.split("/"), *row.name_ascii.split("/")}:
            key = _key(part)
            if key:
                known = names.get(key, row.country)
                names[key] = row.country if known == row.country else None
    return codes, names


def country_of_port(place: str | None) -> str | None:
    """PK or CN for a port as written on a document ("Karachi, Pakistan", "CNSHA",
    "Port Qasim", "Shanghai Pt"), or None when it cannot be told."""
    text = (place or "").strip()
    if not text:
        return None
    for word in _WORD.findall(_folded(text)):
        if word in COUNTRY_WORDS and word not in ("pk", "cn"):
            return COUNTRY_WORDS[word]
    codes, names = _table()
    for token in re.findall(r"\b[A-Za-z]{5}\b", text):
        if token.upper() in codes:
            return codes[token.upper()]
    for part in re.split(r"[,;/()]", text):
        country = names.get(_key(part))
        if country:
            return country
    return None
