"""What people meet in the browser: languages and layout, refusals, a card payment."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Stack, new_page, sign_in
from tests.e2e.steps import overflowing, shoot

LANGUAGE_CODES = {"English": "en", "简体中文": "zh", "اردو": "ur"}


@pytest.fixture
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield from new_page(browser, request, viewport={"width": 390, "height": 844}, locale="en-GB")


@pytest.mark.parametrize(
    ("language", "direction"), [("English", "ltr"), ("简体中文", "ltr"), ("اردو", "rtl")]
)
def test_the_catalogue_in_each_language_fits_a_phone(
    stack: Stack, phone: Page, language: str, direction: str
) -> None:
    phone.goto(stack.base_url + "/")
    toggler = phone.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    phone.get_by_role("button", name=language, exact=True).click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("dir") == direction
    toggler = phone.locator(".navbar-toggler")
    if toggler.is_visible():  # the menu is folded on a phone: open it, as a person would
        toggler.click()
    phone.locator("nav a[href='/catalog']").first.click()
    phone.wait_for_load_state()
    assert overflowing(phone) == []
    shoot(phone, f"catalogue-{LANGUAGE_CODES[language]}")


def test_chinese_pages_show_no_untranslated_interface_text(stack: Stack, page: Page) -> None:
    sign_in(page, stack.base_url, "purchaser@mcct.example")  # reads Chinese
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    nav = page.locator("nav").inner_text()
    # Interface words only: company names and codes may be Latin.
    leftovers = [
        word for word in ("Catalogue", "Orders", "Cart", "Sign out", "Account") if word in nav
    ]
    assert leftovers == []
    shoot(page, "buyer-home-zh")  # the README's orders-zh is the list on a phone (test_screenshots)


def test_ten_wrong_passwords_answer_with_the_429_page(stack: Stack, page: Page) -> None:
    statuses = []
    for _ in range(11):
        page.goto(stack.base_url + "/login")
        page.locator("input[name=email]").fill("purchaser@jwcorp.example")
        page.locator("input[name=password]").fill("not the password at all")
        with page.expect_response(re.compile(r"/login$")) as answer:
            page.locator("form button[type=submit]").last.click()
        statuses.append(answer.value.status)
    assert 429 in statuses and statuses[0] != 429
    expect(page.locator("body")).to_contain_text("429")


def test_a_purchaser_opening_a_finance_page_gets_the_403_page(stack: Stack, page: Page) -> None:
    sign_in(page, stack.base_url, "purchaser@mcct.example")
    response = page.goto(stack.base_url + "/finance/")
    assert response is not None and response.status == 403
    expect(page.locator("body")).to_contain_text("403")
