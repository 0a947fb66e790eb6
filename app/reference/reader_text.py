"""Text in the reader's language and script: listing wording and company names.

A listing is written in English and, where the seller chose, in Chinese and Urdu; a
reader gets their language, else English, and the page says so. A company's name is
shown in the reader's script where the company gave one, else in Latin script: a
Chinese buyer never gets a Pakistani seller's Urdu name (nor an Urdu reader a Chinese
one) only because it was the company's registered local name.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def reader_language(locale: str) -> str:
    """ "zh", "ur" or "en" for a locale code ("zh_Hans", "ur", "en", ...)."""
    if locale.startswith("zh"):
        return "zh"
    return "ur" if locale.startswith("ur") else "en"


class ReaderText(NamedTuple):
    text: str
    # True when the reader's language was missing and English stands in for it.
    fallback: bool


def in_reader_language(obj: Any, field: str, locale: str) -> ReaderText:
    """``obj.<field>_zh`` / ``_ur`` for a Chinese / Urdu reader when written, else English."""
    english = getattr(obj, field) or ""
    language = reader_language(locale)
    if language == "en":
        return ReaderText(english, False)
    local = (getattr(obj, f"{field}_{language}", None) or "").strip()
    return ReaderText(local, False) if local else ReaderText(english, bool(english))


def company_name(company: Any, locale: str) -> str:
    """The name of ``company`` (a Company, or a row with its name columns) for the reader.

    Its own Chinese / Urdu name, else its registered local name when written in the
    reader's script, else its legal name in Latin script.
    """
    legal = company.legal_name
    language = reader_language(locale)
    if language == "en":
        return str(legal)
    script = _HAN if language == "zh" else _ARABIC
    for candidate in (
        getattr(company, f"name_{language}", None),
        getattr(company, "legal_name_local", None),
    ):
        if candidate and script.search(candidate):
            return str(candidate)
    return str(legal)


def local_name(name: str, name_local: str | None, locale: str) -> str:
    """A body's name (a licensing authority's) for the reader: its local name when that is
    written in the reader's script (MIIT's Chinese name for a Chinese reader, the Urdu name
    of Pakistan's department for an Urdu reader), else its English name."""
    language = reader_language(locale)
    if language == "en" or not name_local:
        return name
    script = _HAN if language == "zh" else _ARABIC
    return name_local if script.search(name_local) else name
