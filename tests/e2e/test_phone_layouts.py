"""Every list on a 390-pixel phone in Chinese and Urdu: rows become cards, and no amount,
date or count breaks inside itself ("US$ 262, 000. 00", "202 6/1 2/7" was the bug).

Each figure is marked ``.figure`` by the templates; its box must be one line high. Buttons
must not stack a word character by character (更/新).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Stack, evidence, new_page, sign_in, switch_language
from tests.e2e.steps import overflowing

PHONE = {"width": 390, "height": 844}

# Who opens which lists: every list page of the four workspaces.
LISTS = {
    "purchaser@mcct.example": [
        "/buyer/",
        "/buyer/orders",
        "/buyer/orders?waiting=payment",
        "/buyer/rfqs",
        "/messages/",
    ],
    "sales@wahnobel.example": [
        "/seller/",
        "/seller/orders",
        "/seller/listings",
        "/seller/rfqs",
        "/messages/",
    ],
    "finance@wahnobel.example": ["/finance/", "/finance/invoices", "/finance/aging"],
    "operator@corridor.example": [
        "/operator/",
        "/operator/companies?status=verified",
        "/operator/listings",
        "/operator/audit",
        "/operator/exchange-rates",
    ],
}
# Pages whose demo data holds no figure at all (an empty list says so in words).
MAY_BE_EMPTY = {"/messages/", "/operator/"}

# For each visible figure: its height against one line of its own font; for each button,
# whether any word of it was broken across lines (taller than one line while its text has
# no space to wrap at).
_MEASURE = """() => {
  const lineOf = el => {
    const style = getComputedStyle(el);
    const line = parseFloat(style.lineHeight);
    return Number.isNaN(line) ? parseFloat(style.fontSize) * 1.5 : line;
  };
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const figures = [...document.querySelectorAll('main .figure')].filter(visible).map(el => ({
    text: el.textContent.trim(), height: el.getBoundingClientRect().height, line: lineOf(el)}));
  const buttons = [...document.querySelectorAll('.btn')].filter(visible)
    .filter(el => !/\\s/.test(el.textContent.trim()))
    .map(el => { const r = document.createRange(); r.selectNodeContents(el);
                 return {text: el.textContent.trim(), lines: r.getClientRects().length}; });
  return {figures, buttons};
}"""


def _open_phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield from new_page(browser, request, viewport=PHONE, locale="en-GB")


def _check(page: Page, path: str) -> list[str]:
    measured = page.evaluate(_MEASURE)
    problems = [
        f"{path}: figure {figure['text']!r} is {figure['height']:.0f} px high "
        f"(one line is {figure['line']:.0f} px)"
        for figure in measured["figures"]
        if figure["height"] > figure["line"] * 1.5
    ]
    problems += [
        f"{path}: button {button['text']!r} breaks over {button['lines']} lines"
        for button in measured["buttons"]
        if button["lines"] > 1
    ]
    if not measured["figures"] and path not in MAY_BE_EMPTY:
        problems.append(f"{path}: no figure found (the list lost its .figure marks?)")
    wide = overflowing(page)
    if wide:
        problems.append(f"{path}: wider than the phone: {wide}")
    return problems


@pytest.mark.parametrize("locale", ["zh_Hans", "ur"])
def test_no_figure_breaks_on_a_phone_in_chinese_and_urdu(
    stack: Stack, browser: Browser, request: pytest.FixtureRequest, locale: str
) -> None:
    problems: list[str] = []
    for email, paths in LISTS.items():
        pages = _open_phone(browser, request)
        page = next(pages)
        try:
            sign_in(page, stack.base_url, email)
            before = page.locator("html").get_attribute("lang")
            switch_language(page, locale)
            for path in paths:
                page.goto(stack.base_url + path)
                page.wait_for_load_state()
                found = _check(page, path)
                if found:
                    evidence(page, f"phone-{locale}-{email.split('@')[0]}-{path}")
                problems += [f"[{locale} {email}] {problem}" for problem in found]
            # The account remembers the language: give it back its own, from the start page.
            page.goto(stack.base_url + "/")
            switch_language(page, {"zh-Hans": "zh_Hans"}.get(before or "en", before or "en"))
        finally:
            next(pages, None)
    assert problems == [], "\n".join(problems)


def test_a_list_becomes_cards_with_labels_on_a_phone(
    stack: Stack, browser: Browser, request: pytest.FixtureRequest
) -> None:
    pages = _open_phone(browser, request)
    page = next(pages)
    try:
        sign_in(page, stack.base_url, "purchaser@mcct.example")  # reads Chinese
        page.goto(stack.base_url + "/buyer/orders")
        table = page.locator("main table.table-stack").first
        assert table.locator("thead").bounding_box() is None or (
            (table.locator("thead").bounding_box() or {"height": 0})["height"] <= 1
        )
        row = table.locator("tbody tr").first
        assert row.evaluate("el => getComputedStyle(el).display") == "block"
        total = row.locator("td[data-label]").filter(has=page.locator(".figure")).last
        label = total.evaluate("el => getComputedStyle(el, '::before').content")
        assert label.strip('"') == total.get_attribute("data-label") and label != '""'
    finally:
        next(pages, None)
