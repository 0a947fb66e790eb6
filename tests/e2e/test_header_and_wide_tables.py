"""The header at 1280 px and wide tables at 390 px, in English, Chinese and Urdu (issue 26's
walk: "Sign out" cut to "Sig ou", the language buttons cut at the right edge, "فلٹر کریں"
wrapped; the audit log 1437 px wide; register totals and statistics cut off on a phone).

Every header link and button sits on one line inside the window; the audit log fits the
page with a readable details column; on a phone no page scrolls sideways, and a table
wider than the phone scrolls inside its own box rather than being clipped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Stack, evidence, new_page, sign_in, switch_language

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Each header link, button and the bar itself: one line, inside the window, not clipped.
_HEADER = """() => {
  const width = document.documentElement.clientWidth;
  const lineOf = el => { const s = getComputedStyle(el); const l = parseFloat(s.lineHeight);
                         return Number.isNaN(l) ? parseFloat(s.fontSize) * 1.5 : l; };
  const items = [...document.querySelectorAll('nav.navbar .nav-link, nav.navbar .btn, nav.navbar .navbar-brand')]
    .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  const problems = [];
  for (const el of items) {
    const r = el.getBoundingClientRect();
    const text = el.textContent.trim().replace(/\\s+/g, ' ');
    const range = document.createRange(); range.selectNodeContents(el);
    // Lines: text boxes that do not overlap vertically (a badge sits on its word's line;
    // the 1-px boxes of visually hidden text are not lines a person sees).
    const rects = [...range.getClientRects()].filter(x => x.width > 2 && x.height > 2)
      .sort((x, y) => x.top - y.top);
    let lines = 0, bottom = -Infinity;
    for (const x of rects) { if (x.top >= bottom - 2) { lines += 1; } bottom = Math.max(bottom, x.bottom); }
    if (lines > 1) problems.push(`${text}: ${lines} lines`);
    if (r.right > width + 1 || r.left < -1) problems.push(`${text}: outside the window (${Math.round(r.left)}–${Math.round(r.right)})`);
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`${text}: clipped`);
  }
  const bar = document.querySelector('nav.navbar').getBoundingClientRect();
  return {problems, barHeight: bar.height, line: lineOf(document.querySelector('nav.navbar .nav-link'))};
}"""

# No page-level sideways scroll, and no table clipped by an ancestor that does not scroll.
_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width + 1)
    problems.push(`page is ${document.documentElement.scrollWidth} px wide`);
  for (const table of document.querySelectorAll('main table')) {
    const r = table.getBoundingClientRect();
    if (r.width === 0) continue;
    let box = table.parentElement, scrolls = false;
    while (box && box !== document.body) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') { scrolls = true; break; }
      box = box.parentElement;
    }
    if (!scrolls && (r.right > width + 1 || r.left < -1))
      problems.push(`table ${table.id || table.className} runs off the page`);
    if (scrolls && box.scrollWidth > box.clientWidth + 1 && box.getBoundingClientRect().width > width + 1)
      problems.push(`table ${table.id || table.className}: its scroll box is wider than the page`);
  }
  return problems;
}"""


def _open(
    browser: Browser, request: pytest.FixtureRequest, viewport: dict[str, int]
) -> Iterator[Page]:
    yield from new_page(browser, request, viewport=viewport, locale="en-GB")


@pytest.mark.parametrize("locale", ["en", "zh_Hans", "ur"])
def test_the_header_fits_at_1280_in_each_language(
    stack: Stack, browser: Browser, request: pytest.FixtureRequest, locale: str
) -> None:
    problems: list[str] = []
    for email, paths in {
        "owner@wahnobel.example": ["/seller/", "/seller/orders"],
        "operator@corridor.example": ["/operator/", "/operator/audit"],
    }.items():
        pages = _open(browser, request, DESKTOP)
        page = next(pages)
        try:
            sign_in(page, stack.base_url, email)
            before = page.locator("html").get_attribute("lang") or "en"
            switch_language(page, locale)
            for path in paths:
                page.goto(stack.base_url + path)
                page.wait_for_load_state()
                measured = page.evaluate(_HEADER)
                found = [f"[{locale} {email} {path}] {p}" for p in measured["problems"]]
                # The bar wraps to at most two rows of links (no third row).
                if measured["barHeight"] > 3 * measured["line"] + 40:
                    found.append(
                        f"[{locale} {email} {path}] header {measured['barHeight']} px high"
                    )
                if found:
                    evidence(page, f"header-{locale}-{email.split('@')[0]}")
                problems += found
            # Less-used links open from "More".
            page.locator("#nav-more").click()
            assert page.locator(".dropdown-menu.show a[href='/statistics']").is_visible()
            page.goto(stack.base_url + "/")
            switch_language(page, {"zh-Hans": "zh_Hans"}.get(before, before))
        finally:
            next(pages, None)
    assert problems == [], "\n".join(problems)


def test_the_audit_log_fits_the_page_at_1280(
    stack: Stack, browser: Browser, request: pytest.FixtureRequest
) -> None:
    pages = _open(browser, request, DESKTOP)
    page = next(pages)
    try:
        sign_in(page, stack.base_url, "operator@corridor.example")
        page.goto(stack.base_url + "/operator/audit")
        page.wait_for_load_state()
        assert page.evaluate(_WIDE) == []
        table = page.locator("#audit-log")
        assert (table.bounding_box() or {"width": 9999})["width"] <= 1280
        details = page.locator("#audit-log td.audit-details-cell").first
        assert (details.bounding_box() or {"width": 0})["width"] >= 250
        # The filter names actions, not codes.
        option = page.locator("select[name=action] option[value='claim.settlement']")
        assert option.inner_text() == "Claim settlement booked"
    finally:
        next(pages, None)


@pytest.mark.parametrize("locale", ["zh_Hans", "ur"])
def test_wide_tables_scroll_in_their_own_box_on_a_phone(
    stack: Stack, browser: Browser, request: pytest.FixtureRequest, locale: str
) -> None:
    problems: list[str] = []
    for email, paths in {
        "finance@wahnobel.example": ["/finance/invoices", "/finance/aging"],
        "operator@corridor.example": ["/statistics", "/operator/statistics", "/operator/audit"],
    }.items():
        pages = _open(browser, request, PHONE)
        page = next(pages)
        try:
            sign_in(page, stack.base_url, email)
            before = page.locator("html").get_attribute("lang") or "en"
            switch_language(page, locale)
            for path in paths:
                page.goto(stack.base_url + path)
                page.wait_for_load_state()
                found = [f"[{locale} {path}] {p}" for p in page.evaluate(_WIDE)]
                if found:
                    evidence(page, f"wide-{locale}-{path}")
                problems += found
            page.goto(stack.base_url + "/")
            switch_language(page, {"zh-Hans": "zh_Hans"}.get(before, before))
        finally:
            next(pages, None)
    assert problems == [], "\n".join(problems)


# In an Urdu page, each figure without Arabic letters ("20 t", "$4,650.00", "7 Dec 2026")
# reads left to right: its first character is drawn left of its last.
_FIGURE_ORDER = """() => {
  const wrong = [];
  for (const el of document.querySelectorAll('main .figure')) {
    const text = el.textContent.trim();
    if (text.length < 2 || /[\\u0600-\\u06ff]/.test(text) || !el.firstChild) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const nodes = []; while (walker.nextNode()) if (walker.currentNode.textContent.trim()) nodes.push(walker.currentNode);
    if (!nodes.length) continue;
    const first = nodes[0], last = nodes[nodes.length - 1];
    const start = first.textContent.search(/\\S/), end = last.textContent.search(/\\s*$/) - 1;
    const box = (node, at) => { const r = document.createRange(); r.setStart(node, at); r.setEnd(node, at + 1); return r.getBoundingClientRect(); };
    const a = box(first, start), b = box(last, end);
    if (a.width && b.width && Math.abs(a.top - b.top) < 2 && a.left > b.left) wrong.push(text);
  }
  return wrong;
}"""


def test_figures_read_left_to_right_on_urdu_claim_and_licence_pages(
    stack: Stack, browser: Browser, request: pytest.FixtureRequest
) -> None:
    problems: list[str] = []
    for email, list_path, link in (
        ("purchaser@mcct.example", "/claims", "main a[href^='/claims/']"),
        ("owner@wahnobel.example", "/licences/", "main a[href^='/licences/']"),
    ):
        pages = _open(browser, request, DESKTOP)
        page = next(pages)
        try:
            sign_in(page, stack.base_url, email)
            before = page.locator("html").get_attribute("lang") or "en"
            switch_language(page, "ur")
            page.goto(stack.base_url + list_path)
            links = page.locator(link)
            hrefs = [
                href
                for href in links.evaluate_all("els => els.map(el => el.getAttribute('href'))")
                if href and href.rstrip("/") != list_path.rstrip("/") and "/new" not in href
            ][:3]
            if not hrefs:
                evidence(page, f"rtl-list-{list_path}")
            assert hrefs, f"no page to open from {list_path}"
            for href in hrefs:
                page.goto(stack.base_url + href)
                page.wait_for_load_state()
                wrong = page.evaluate(_FIGURE_ORDER)
                if wrong:
                    evidence(page, f"rtl-figures-{href}")
                problems += [f"[ur {href}] {text!r} reads right to left" for text in wrong]
            page.goto(stack.base_url + "/")
            switch_language(page, {"zh-Hans": "zh_Hans"}.get(before, before))
        finally:
            next(pages, None)
    assert problems == [], "\n".join(problems)
