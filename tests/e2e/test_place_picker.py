"""The place picker in Chromium: typed letters suggest UN/LOCODE places, the keyboard picks
one, and the field is an ARIA combobox a screen reader can follow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Stack, new_page, sign_in


@pytest.fixture
def seller(browser: Browser, request: pytest.FixtureRequest, stack: Stack) -> Iterator[Page]:
    for page in new_page(browser, request, locale="en-GB"):
        sign_in(page, stack.base_url, "sales@wahnobel.example")
        yield page


def test_a_named_place_is_picked_with_the_keyboard(seller: Page, stack: Stack) -> None:
    seller.goto(stack.base_url + "/seller/listings/new")
    field = seller.locator("#incoterms-0-named_place")
    expect(field).to_have_attribute("role", "combobox")
    field.press_sequentially("bin qasim", delay=30)
    listbox = seller.locator(f"#{field.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option").first).to_contain_text("PKBQM")
    expect(field).to_have_attribute("aria-expanded", "true")
    field.press("ArrowDown")
    expect(field).to_have_attribute(
        "aria-activedescendant", listbox.get_by_role("option").first.get_attribute("id") or ""
    )
    field.press("Enter")
    expect(field).to_have_value("Muhammad Bin Qasim/Karachi (PKBQM)")
    expect(field).to_have_attribute("aria-expanded", "false")


def test_a_chinese_name_finds_the_port(seller: Page, stack: Stack) -> None:
    seller.goto(stack.base_url + "/seller/listings/new")
    field = seller.locator("#origin_port")
    field.fill("青岛")
    listbox = seller.locator(f"#{field.get_attribute('aria-controls')}")
    # 青岛 itself is the carriers' CNTAO (listed first); the port of Qingdao is CNQDG.
    expect(listbox.get_by_role("option").first).to_contain_text("CNTAO")
    listbox.get_by_role("option").filter(has_text="CNQDG").click()
    expect(field).to_have_value("Qingdao Pt (CNQDG)")
