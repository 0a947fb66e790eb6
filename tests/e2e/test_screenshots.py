"""The README's screenshots, every one taken here so each caption says what it shows.

On a 390-pixel phone: the catalogue in English, Chinese and Urdu (right to left), the
importer's order list in Chinese, the invoice register in Chinese and Urdu. On a desktop: a
product, an order's shared timeline, receivables with their charts, and an invoice's page
in Urdu. Each page is reached through links and must be in its reader's language and
direction; the pictures land in tests/e2e/artifacts/screens, and with
README_SCREENSHOTS=1 (``make screenshots``) also in docs/screenshots, which the README shows.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Stack, follow_nav, new_page, open_register, sign_in
from tests.e2e.steps import SCREENSHOTS, shoot

README_SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}

READERS = [
    ("owner@wahnobel.example", "en", "ltr"),
    ("owner@mcct.example", "zh", "ltr"),
    ("finance@wahnobel.example", "ur", "rtl"),
]


def for_readme(page: Page, name: str) -> None:
    """``shoot``, and copied beside the README when README_SCREENSHOTS=1."""
    shoot(page, name)
    if os.environ.get("README_SCREENSHOTS") == "1":
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SCREENSHOTS / f"{name}.png", README_SCREENSHOTS / f"{name}.png")


@pytest.fixture
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield from new_page(browser, request, viewport=PHONE, locale="en-GB")


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
    if code == "en":
        for_readme(page, "product-en")

    follow_nav(page, "/finance/")
    page.locator("main table a[href^='/finance/orders/']").first.click()
    expect(page.locator(".timeline")).to_be_visible()
    page.locator(".timeline").scroll_into_view_if_needed()
    shoot(page, f"order-timeline-{code}")
    if code == "zh":
        for_readme(page, "order-timeline-zh")

    page.locator("a[href='/finance/invoices']").first.click()
    page.locator("#register a[href^='/finance/invoices/']").first.click()
    expect(page.locator("#document-amount")).to_be_visible()
    shoot(page, f"document-{code}")
    if code == "ur":
        for_readme(page, "document-ur")


@pytest.mark.parametrize(
    ("language", "code"), [("English", "en"), ("简体中文", "zh"), ("اردو", "ur")]
)
def test_the_catalogue_on_a_phone(stack: Stack, phone: Page, language: str, code: str) -> None:
    phone.goto(stack.base_url + "/")
    phone.locator(".navbar-toggler").click()
    phone.get_by_role("button", name=language, exact=True).click()
    phone.wait_for_load_state()
    follow_nav(phone, "/catalog")
    assert phone.locator("html").get_attribute("dir") == ("rtl" if code == "ur" else "ltr")
    for_readme(phone, f"catalogue-{code}")


def test_the_importers_orders_on_a_phone_in_chinese(stack: Stack, phone: Page) -> None:
    sign_in(phone, stack.base_url, "purchaser@mcct.example")  # reads Chinese
    follow_nav(phone, "/buyer/orders")
    assert phone.locator("html").get_attribute("lang") == "zh-Hans"
    assert phone.viewport_size == PHONE
    # The list as cards: the heading row folded away, each order a card of labelled lines.
    expect(phone.locator("main table.table-stack tbody tr").first).to_be_visible()
    assert phone.locator("main h1").inner_text() == "订单"
    for_readme(phone, "orders-zh")


@pytest.mark.parametrize(
    ("email", "code"), [("finance@mcct.example", "zh"), ("finance@wahnobel.example", "ur")]
)
def test_the_invoice_register_on_a_phone(stack: Stack, phone: Page, email: str, code: str) -> None:
    sign_in(phone, stack.base_url, email)
    open_register(phone)
    expect(phone.locator("#register tbody tr").first).to_be_visible()
    for_readme(phone, f"finance-register-{code}")


def test_receivables_with_their_charts_in_chinese(stack: Stack, page: Page) -> None:
    sign_in(page, stack.base_url, "finance@mcct.example")
    open_register(page)
    page.locator("a[href='/finance/aging']").first.click()
    page.wait_for_load_state()
    expect(page.locator("canvas.finance-chart").first).to_be_visible()
    for_readme(page, "finance-aging-zh")


def test_the_trade_statistics_page(stack: Stack, page: Page) -> None:
    """The public statistics: charts, then the table with its confidential figures."""
    page.goto(stack.base_url + "/")
    follow_nav(page, "/statistics")
    expect(page.locator("canvas.statistics-chart").first).to_be_visible()
    expect(page.locator("#statistics-monthly .statistics-confidential").first).to_be_attached()
    page.evaluate("window.scrollTo(0, document.getElementById('monthly-heading').offsetTop - 260)")
    for_readme(page, "statistics-en")
