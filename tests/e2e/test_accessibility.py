"""The journey's key pages in English, Urdu and Chinese: axe-core finds no serious or
critical violation, Urdu pages run right to left, Chinese pages show no English interface
text, and every page fits a 390-pixel-wide phone without a horizontal scroll.

axe-core comes from the npm registry (package.json's devDependencies, installed by
``make assets``). It is injected with ``page.evaluate``: evaluated code is not a page
script, so the app's CSP (no inline scripts) stays in force and the pages are checked as
they are served, rather than in a context created with ``bypass_csp``, which would also
lift the policy off the pages' own scripts.

Pages are reached through links and buttons from the start page; the verification page
through the link printed on a document, as anyone holding the paper would. People whose
own language is another are switched with the language switcher and switched back after.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import (
    ROOT,
    People,
    empty_cart,
    evidence,
    follow_nav,
    switch_language,
)
from tests.e2e.steps import EMULSION, add_to_cart, open_product, overflowing

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SHIPPED_PO = "MCCT-PO-2026-104"  # the demo's shipped order: lines, shipment, documents, payments
ACCEPTED_PO = "MCCT-PO-2026-102"  # accepted, waiting for production: the seller's next move
# The demo's orders name their notify party in English, as the buyer typed it.
TYPED_BY_PEOPLE = frozenset({"Same as consignee"})


@dataclass(frozen=True)
class Language:
    locale: str  # the switcher's value
    html_lang: str
    direction: str


LANGUAGES = {
    "en": Language("en", "en", "ltr"),
    "ur": Language("ur", "ur", "rtl"),
    "zh": Language("zh_Hans", "zh-Hans", "ltr"),
}

# Who looks at each part in each language. Everyone reads their own language but MCCT's
# owner (Chinese), switched to English and Urdu, and Wah Nobel's owner, switched to Chinese.
READERS = {
    "buyer": {"en": "owner@mcct.example", "ur": "owner@mcct.example", "zh": "purchaser@mcct.example"},
    "seller": {"en": "sales@wahnobel.example", "ur": "viewer@wahnobel.example", "zh": "owner@wahnobel.example"},
    "finance": {"en": "owner@wahnobel.example", "ur": "finance@wahnobel.example", "zh": "finance@mcct.example"},
}  # fmt: skip


# --- what each page is checked for ------------------------------------------------------


@cache
def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make assets` (npm ci)")
    return AXE.read_text()


def _axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations, one line per rule with its elements."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found: list[str] = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\\n` + v.nodes.slice(0, 5)
                .map(n => `    ${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ')}`)
                .join('\\n'));
        }"""
    )
    return found


@cache
def _interface_phrases() -> frozenset[str]:
    """Every run of two or more words of the interface's English messages (the text between
    placeholders), less those the Chinese translations keep on purpose (ETD / ETA).

    The messages are extracted from the sources as ``make translations`` does, so a string
    added since the catalogues were last updated counts too.
    """
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}
    english = [
        message
        for folder in ("app", "templates")
        for *_, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), method_map, options_map, keywords=keywords
        )
    ]
    with (ROOT / "app" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po").open(
        "rb"
    ) as po:
        kept = " ".join(text for message in read_po(po) for text in _texts(message.string))
    phrases = set()
    for message in english:
        for text in _texts(message):
            for part in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|[\n(]", text):
                part = part.strip(" .,:;·—-)")
                if len(part.split()) >= 2 and part not in kept:
                    phrases.add(part)
    return frozenset(phrases - TYPED_BY_PEOPLE)


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, tuple | list):
        return tuple(str(item) for item in value if item)
    return (str(value),) if value else ()


def _english_left(page: Page) -> list[str]:
    """Each rendered line holding English interface text, with the longest phrase in it."""
    phrases = sorted(_interface_phrases(), key=len, reverse=True)
    found = {}
    for line in page.locator("body").inner_text().splitlines():
        phrase = next((phrase for phrase in phrases if phrase in line), None)
        if phrase is not None:
            found[line.strip()] = phrase
    return [f"{phrase!r} in {line!r}" for line, phrase in found.items()]


class Inspector:
    """Checks each page it is shown; collects every problem, with evidence, for one assert."""

    def __init__(self, language: str, request: pytest.FixtureRequest) -> None:
        self.language = LANGUAGES[language]
        self.code = language
        self.stem = request.node.name
        self.problems: list[str] = []
        self.seen: list[str] = []

    def __call__(self, page: Page, name: str) -> None:
        page.wait_for_load_state()
        self.seen.append(name)
        found: list[str] = []
        html = page.locator("html")
        if html.get_attribute("lang") != self.language.html_lang:
            found.append(f"lang={html.get_attribute('lang')}, not {self.language.html_lang}")
        if html.get_attribute("dir") != self.language.direction:
            found.append(f"dir={html.get_attribute('dir')}, not {self.language.direction}")
        found += _axe_violations(page)
        if self.code == "zh":
            found += [f"English left untranslated: {text}" for text in _english_left(page)]
        if found:
            evidence(page, f"{self.stem}-{name}")
        page.set_viewport_size(PHONE)
        wide = overflowing(page)
        if wide:
            found.append(f"wider than a 390 px phone: {wide}")
            evidence(page, f"{self.stem}-{name}-phone")
        page.set_viewport_size(DESKTOP)
        self.problems += [f"{name} ({page.url}): {problem}" for problem in found]

    def verdict(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def _open_order(page: Page, list_href: str, po: str) -> None:
    follow_nav(page, list_href)
    page.locator("main tr", has_text=po).locator("a").first.click()
    page.wait_for_load_state()


def _buyer_pages(people: People, reader: str, language: Language, check: Inspector) -> None:
    buyer = people(reader)
    people.use_language(buyer, language.locale)
    empty_cart(buyer)
    follow_nav(buyer, "/catalog")
    check(buyer, "catalogue")
    open_product(buyer, EMULSION)
    check(buyer, "product")
    add_to_cart(buyer, EMULSION)
    try:
        check(buyer, "cart")
        buyer.locator("a[href^='/buyer/checkout/']").first.click()
        check(buyer, "checkout")
    finally:
        empty_cart(buyer)
    follow_nav(buyer, "/buyer/orders")
    check(buyer, "buyer orders")
    _open_order(buyer, "/buyer/orders", SHIPPED_PO)
    check(buyer, "buyer order")
    # The ERP's token: made on the profile's API page, shown once, then revoked again.
    follow_nav(buyer, "/account/")
    buyer.locator("main a[href='/account/api-tokens']").click()
    buyer.locator("#name").fill("SAP")
    buyer.locator("main form button[type=submit]").first.click()
    expect(buyer.locator("#new-api-token")).to_contain_text("crd_")
    check(buyer, "api tokens")
    buyer.locator("main table button[type=submit]").first.click()
    expect(buyer.locator("#new-api-token")).to_have_count(0)


def _seller_pages(people: People, reader: str, language: Language, check: Inspector) -> None:
    seller = people(reader)
    people.use_language(seller, language.locale)
    follow_nav(seller, "/seller/orders")
    check(seller, "seller orders")
    _open_order(seller, "/seller/orders", SHIPPED_PO)
    check(seller, "seller order (shipped)")
    _open_order(seller, "/seller/orders", ACCEPTED_PO)
    check(seller, "seller order (accepted)")


def _finance_pages(people: People, reader: str, language: Language, check: Inspector) -> None:
    finance = people(reader)
    people.use_language(finance, language.locale)
    follow_nav(finance, "/finance/")
    check(finance, "finance orders")
    finance.locator("main a[href='/finance/invoices']").first.click()
    check(finance, "invoice register")
    finance.locator("main table a[href^='/finance/invoices/']").first.click()
    check(finance, "invoice")


def _verification_pages(people: People, _: str, language: Language, check: Inspector) -> None:
    # MCCT's purchaser downloads the shipped order's proforma invoice ...
    holder = people("purchaser@mcct.example", accept_downloads=True)
    _open_order(holder, "/buyer/orders", SHIPPED_PO)
    # The demo's papers are rendered by the job consumer as the stack starts.
    ready = holder.locator("#order-documents a[download]")
    for _ in range(60):
        if ready.count():
            break
        holder.wait_for_timeout(1000)
        holder.reload()
    with holder.expect_download() as download:
        holder.locator("#order-documents a[download]").first.click()
    pdf = Path(download.value.path()).read_bytes()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # ... whose verification link (it may wrap onto the next line) anyone can open.
    link = re.search(r"https?://[\w.:]+/verify/[\w-]{22}", re.sub(r"\s+", "", text))
    assert link is not None, text
    visitor = people()
    visitor.goto(link.group(0))
    if language.locale != "en":
        switch_language(visitor, language.locale)  # a visitor's choice stays in the session
    expect(visitor.locator("#issued-document")).to_be_visible()
    check(visitor, "verification")
    visitor.locator("#pdf").set_input_files(
        files=[{"name": "proforma.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    visitor.locator("main form button[type=submit]").click()
    expect(visitor.locator("#verify-outcome")).to_have_class(re.compile(r"alert-success"))
    check(visitor, "verification outcome")


def _statistics_pages(people: People, _: str, language: Language, check: Inspector) -> None:
    # Anyone, signed in or not: the public statistics and a seller's verified facts.
    visitor = people()
    if language.locale != "en":
        switch_language(visitor, language.locale)
    follow_nav(visitor, "/statistics")
    expect(visitor.locator("#statistics-monthly")).to_be_visible()
    check(visitor, "statistics")
    visitor.locator("#f-by").select_option("heading")
    visitor.locator("main form[method=get] button[type=submit]").first.click()
    visitor.wait_for_load_state()
    check(visitor, "statistics by heading")
    follow_nav(visitor, "/catalog")
    visitor.locator("main a[href^='/sellers/']").first.click()
    expect(visitor.locator("#supplier-facts")).to_be_visible()
    check(visitor, "storefront facts")


PARTS: dict[str, Callable[[People, str, Language, Inspector], None]] = {
    "buyer": _buyer_pages,
    "seller": _seller_pages,
    "finance": _finance_pages,
    "verification": _verification_pages,
    "statistics": _statistics_pages,
}


@pytest.mark.parametrize("part", list(PARTS))
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_key_pages_are_accessible_in_their_language_and_fit_a_phone(
    people: People, request: pytest.FixtureRequest, language: str, part: str
) -> None:
    check = Inspector(language, request)
    reader = READERS.get(part, {}).get(language, "")
    PARTS[part](people, reader, LANGUAGES[language], check)
    assert check.seen
    check.verdict()
