"""Screenshots of the key pages in English, Chinese and Urdu (for the README and reviews).

Each page is reached through links, and each must be in its reader's language and
direction; the pictures land in tests/e2e/artifacts/screens.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, follow_nav, sign_in
from tests.e2e.steps import shoot

READERS = [
    ("owner@wahnobel.example", "en", "ltr"),
    ("owner@mcct.example", "zh", "ltr"),
    ("finance@wahnobel.example", "ur", "rtl"),
]


@pytest.mark.parametrize(("email", "code", "direction"), READERS)
def test_key_pages_in_each_language(
    stack: Stack, page: Page, email: str, code: str, direction: str
) -> None:
    sign_in(page, stack.base_url, email)
    assert page.locator("html").get_attribute("dir") == direction

    follow_nav(page, "/catalog")
    page.locator("main .card-title a").first.click()
    expect(page.locator("h1")).to_be_visible()
    shoot(page, f"product-{code}")

    follow_nav(page, "/finance/")
    page.locator("main table a[href^='/finance/orders/']").first.click()
    expect(page.locator(".timeline")).to_be_visible()
    page.locator(".timeline").scroll_into_view_if_needed()
    shoot(page, f"order-timeline-{code}")

    page.locator("a[href='/finance/invoices']").first.click()
    page.locator("#register a[href^='/finance/invoices/']").first.click()
    expect(page.locator("#document-amount")).to_be_visible()
    shoot(page, f"document-{code}")
