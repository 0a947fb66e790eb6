"""Reference codes of the trade: units (UN/ECE Rec 20), HS codes, UN numbers, IMDG classes."""

from __future__ import annotations

import re

from flask_babel import LazyString, lazy_gettext

# UN/ECE Recommendation 20 codes a listing may be sold in.
UNIT_CODES: dict[str, LazyString] = {
    "KGM": lazy_gettext("kilogram (KGM)"),
    "TNE": lazy_gettext("tonne (TNE)"),
    "PCE": lazy_gettext("piece (PCE)"),
    "LTR": lazy_gettext("litre (LTR)"),
    "MTQ": lazy_gettext("cubic metre (MTQ)"),
    "MTK": lazy_gettext("square metre (MTK)"),
    "MTR": lazy_gettext("metre (MTR)"),
    "SET": lazy_gettext("set (SET)"),
}

PACKAGE_TYPES: dict[str, LazyString] = {
    "box": lazy_gettext("Carton / box"),
    "bag": lazy_gettext("Bag"),
    "drum": lazy_gettext("Drum"),
    "ibc": lazy_gettext("IBC"),
    "pallet": lazy_gettext("Pallet"),
    "crate": lazy_gettext("Crate"),
    "bulk": lazy_gettext("Bulk"),
    "block": lazy_gettext("Block / slab"),
}

PACKING_GROUPS = ("I", "II", "III")

# IMDG classes and divisions; class 1 carries its compatibility group (e.g. 1.1D, 1.4B).
_HAZARD_CLASS = re.compile(r"^(1\.[1-6][A-HJKLNS]|2\.[1-3]|3|4\.[1-3]|5\.[12]|6\.[12]|7|8|9)$")
# re.ASCII: codes are written with the digits 0-9; "UN٠٢٤١" is refused, never read as UN0241.
_UN_NUMBER = re.compile(r"^(?:UN)?\s*(\d{4})$", re.IGNORECASE | re.ASCII)
_HS_SEPARATORS = re.compile(r"[\s.\-]")


def normalize_hs_code(value: str) -> str | None:
    """Digits of a 6- to 10-digit HS code (dots and spaces allowed), or None."""
    digits = _HS_SEPARATORS.sub("", value or "")
    return digits if re.fullmatch(r"\d{6,10}", digits, re.ASCII) else None


def normalize_un_number(value: str) -> str | None:
    """``UN0241`` from ``UN0241``, ``un 0241`` or ``0241``; None if not UN0004-UN3599."""
    match = _UN_NUMBER.match((value or "").strip())
    if match is None:
        return None
    number = int(match.group(1))
    return f"UN{number:04d}" if 4 <= number <= 3599 else None


def normalize_hazard_class(value: str) -> str | None:
    cleaned = (value or "").strip().upper()
    return cleaned if _HAZARD_CLASS.match(cleaned) else None


_SUBSIDIARY_RISK = re.compile(r"^(1|2\.[1-3]|3|4\.[1-3]|5\.[12]|6\.[12]|7|8|9)$")
_EMS = re.compile(r"^F-?([A-J])\s*[,;/ ]\s*S-?([A-Z])$", re.IGNORECASE | re.ASCII)


def normalize_subsidiary_risk(value: str) -> str | None:
    """``5.1, 8`` from ``5.1,8``; ``""`` when blank; None when not classes or divisions."""
    parts = [p for p in re.split(r"[\s,;/]+", (value or "").strip()) if p]
    if not all(_SUBSIDIARY_RISK.match(p) for p in parts):
        return None
    return ", ".join(dict.fromkeys(parts))


def normalize_ems(value: str) -> str | None:
    """``F-B, S-Y`` (IMDG EmS fire and spillage schedules); ``""`` when blank, else None."""
    cleaned = (value or "").strip()
    if not cleaned:
        return ""
    match = _EMS.match(cleaned)
    return f"F-{match.group(1).upper()}, S-{match.group(2).upper()}" if match else None


def is_explosive(hazard_class: str | None) -> bool:
    return bool(hazard_class) and str(hazard_class).startswith("1.")


# Classes without packing groups: explosives, gases, radioactive material.
def takes_packing_group(hazard_class: str) -> bool:
    return not hazard_class.startswith(("1.", "2.", "7"))
