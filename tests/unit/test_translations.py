"""Every message the code marks for translation has a Chinese and an Urdu translation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A fresh extraction from the code, so a string added without a translation fails."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract",
            "-F", str(ROOT / "babel.cfg"),
            "-k", "lazy_gettext", "-k", "_l", "-k", "lazy_ngettext:1,2",
            "--no-location", "-o", str(pot), str(ROOT / "app"), str(ROOT / "templates"),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )  # fmt: skip
    with pot.open("rb") as handle:
        catalog = read_po(handle)
    # An extraction that finds nothing would make every check below pass vacuously.
    assert len(catalog) > 150
    assert catalog.get("Sign in") is not None
    assert catalog.get("This field is required.") is not None
    return catalog


def _translations(message: object) -> list[str]:
    value = message.string  # type: ignore[attr-defined]
    return list(value) if isinstance(value, tuple | list) else [value]


@pytest.mark.parametrize("locale", ["zh_Hans", "ur"])
def test_catalog_translates_every_extracted_message(extracted: Catalog, locale: str) -> None:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    missing = []
    for message in extracted:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if (
            translated is None
            or translated.fuzzy
            or not all(text.strip() for text in _translations(translated))
        ):
            missing.append(message.id)
    assert missing == [], f"{len(missing)} messages lack a {locale} translation"


@pytest.mark.parametrize("locale", ["zh_Hans", "ur"])
def test_translations_keep_every_placeholder(locale: str) -> None:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    broken = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        expected = set(PLACEHOLDER.findall(source))
        for text in _translations(message):
            if set(PLACEHOLDER.findall(text)) != expected:
                broken.append(source)
    assert broken == []
