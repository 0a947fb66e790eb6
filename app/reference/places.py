"""Named places of Pakistan and China from UN/LOCODE: the one place reference of Corridor.

``data/unlocode-pk-cn.csv`` is UNECE's code list for the two countries (PK 2024-2, CN 2022;
see /work/shared/data/README.md), kept whole: ports, rail and road terminals, airports and
border crossings. It serves the ``places`` table (loaded by migration
0025_places_and_signatories, searched by ``app.services.places``) and
``app.reference.ports`` (which country a port written on a B/L lies in).

The trap in the data: since 2016 UNECE lists CNSHA, CNTAO, CNNGB, CNXMN, CNDLC and CNCAN as
airports and gives the seaports other codes (CNSHG, CNQDG, CNNBG, ...), yet carriers still
print the old codes for the seaports on bills of lading. Both are accepted here: the old
codes count as ports and carry the seaport's name (``CARRIER_SEAPORTS``).

``data/place-names.csv`` adds Chinese and Urdu names for the trade's main places (UN/LOCODE
names are Latin only; CLDR names countries, not towns), so a reader can search in their own
script where a name exists.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).with_name("data")
UNLOCODE_FILE = _DATA / "unlocode-pk-cn.csv"
LOCAL_NAMES_FILE = _DATA / "place-names.csv"

# Codes UNECE moved to airports that carriers still print for the seaport (README's trap).
CARRIER_SEAPORTS: dict[str, str] = {
    "CNSHA": "Shanghai",
    "CNTAO": "Qingdao",
    "CNNGB": "Ningbo",
    "CNXMN": "Xiamen",
    "CNDLC": "Dalian",
    "CNCAN": "Guangzhou",
}
# A UN/LOCODE: country, then three letters or digits 2-9 ("PKKHI", "CNSH2" would not be).
LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
# "Karachi (PKKHI)": how a picked place is written into a form and onto documents.
LABELLED = re.compile(r"\(\s*([A-Za-z]{2}[A-Za-z2-9]{3})\s*\)\s*$")


@dataclass(frozen=True, slots=True)
class PlaceRow:
    """One UN/LOCODE entry as the ``places`` table holds it."""

    locode: str
    country: str
    name: str
    name_ascii: str
    subdivision: str | None
    function: str
    is_port: bool
    name_zh: str | None
    name_ur: str | None
    seaport_name: str | None

    @property
    def shown_name(self) -> str:
        """The name a person recognises: the seaport's for a carrier's old code."""
        return self.seaport_name or self.name

    def as_record(self) -> dict[str, object]:
        return {
            "locode": self.locode,
            "country": self.country,
            "name": self.name,
            "name_ascii": self.name_ascii,
            "name_zh": self.name_zh,
            "name_ur": self.name_ur,
            "subdivision": self.subdivision,
            "function": self.function,
            "is_port": self.is_port,
            "seaport_name": self.seaport_name,
            "search_text": search_text(self),
        }


def folded(text: str) -> str:
    """Text compared case- and width-blind (NFKC, casefold)."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def search_text(row: PlaceRow) -> str:
    """Everything a search may match, folded, separated by a bar."""
    parts = [row.locode, row.name, row.name_ascii, row.seaport_name, row.name_zh, row.name_ur]
    return "|".join(folded(part) for part in parts if part)


def place_label(name: str, locode: str) -> str:
    """``Karachi (PKKHI)``: the text a picked place is stored and printed as."""
    return f"{name} ({locode})"


def labelled_code(text: str) -> str | None:
    """The code of a labelled place (``Karachi (PKKHI)`` or a bare ``PKKHI``), else None."""
    stripped = text.strip()
    if LOCODE.match(stripped.upper()) and len(stripped) == 5:
        return stripped.upper()
    found = LABELLED.search(stripped)
    return found.group(1).upper() if found else None


def _local_names() -> dict[str, tuple[str | None, str | None]]:
    with LOCAL_NAMES_FILE.open(encoding="utf-8", newline="") as rows:
        return {
            row["locode"]: (row["name_zh"] or None, row["name_ur"] or None)
            for row in csv.DictReader(rows)
        }


@cache
def unlocode_rows() -> tuple[PlaceRow, ...]:
    """Every place of the code list, in code order, with local names and carrier seaports."""
    local = _local_names()
    places = []
    with UNLOCODE_FILE.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            code = row["locode"]
            name_zh, name_ur = local.get(code, (None, None))
            places.append(
                PlaceRow(
                    locode=code,
                    country=row["country"],
                    name=row["name"],
                    name_ascii=row["name_ascii"] or row["name"],
                    subdivision=row["subdivision"] or None,
                    function=row["function"],
                    is_port=row["port"] == "1" or code in CARRIER_SEAPORTS,
                    name_zh=name_zh,
                    name_ur=name_ur,
                    seaport_name=CARRIER_SEAPORTS.get(code),
                )
            )
    return tuple(places)
