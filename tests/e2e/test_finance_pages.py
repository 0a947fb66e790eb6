"""The finance workspace as its clerks meet it: in their own language, on a phone too."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Stack, new_page, open_register, sign_in
from tests.e2e.steps import overflowing, shoot


@pytest.fixture
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield from new_page(browser, request, viewport={"width": 390, "height": 844}, locale="en-GB")


@pytest.mark.parametrize(
    ("email", "code", "direction"),
    [
        ("owner@wahnobel.example", "en", "ltr"),
        ("finance@mcct.example", "zh", "ltr"),
        ("finance@wahnobel.example", "ur", "rtl"),
    ],
)
def test_the_invoice_register_in_each_language_fits_a_phone(
    stack: Stack, phone: Page, email: str, code: str, direction: str
) -> None:
    sign_in(phone, stack.base_url, email)
    open_register(phone)
    assert phone.locator("html").get_attribute("dir") == direction
    # The demo's shipped order has its commercial invoice in both companies' registers.
    expect(phone.locator("#register")).to_contain_text(re.compile(r"WN-CI-\d{4}-\d{6}"))
    assert overflowing(phone) == []
    shoot(phone, f"finance-register-{code}")


def test_the_chinese_register_and_aging_pages_show_no_english_interface_words(
    stack: Stack, page: Page
) -> None:
    sign_in(page, stack.base_url, "finance@mcct.example")
    open_register(page)
    words = ("Invoice register", "Filter", "Export", "Counterparty", "Status", "Amount", "Any")
    text = page.locator("main").inner_text()
    assert [word for word in words if word in text] == []
    page.locator("a[href='/finance/aging']").first.click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert [w for w in ("Receivables", "Payables", "Current", "days", "Total") if w in text] == []
    # The chart draws (Chart.js from our own origin) and says what it shows.
    canvas = page.locator("canvas.finance-chart").first
    expect(canvas).to_have_attribute("role", "img")
    assert page.evaluate("() => typeof Chart") == "function"
    shoot(page, "finance-aging-zh")
