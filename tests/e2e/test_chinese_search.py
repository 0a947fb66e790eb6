"""MCCT's purchaser, who reads Chinese, finds a listing by its Chinese name and reads it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, sign_in

_URDU = re.compile(r"[\u0600-\u06ff]")


def test_the_chinese_buyer_finds_chromite_by_its_chinese_name(stack: Stack, page: Page) -> None:
    sign_in(page, stack.base_url, "purchaser@mcct.example")  # reads Chinese
    page.goto(stack.base_url + "/catalog")
    page.locator("#catalog-q").fill("铬矿")
    page.locator("#catalog-q").press("Enter")
    page.wait_for_load_state()
    result = page.get_by_role("link", name="铬矿石块矿 Cr2O3 40%")
    expect(result).to_be_visible()
    # Only chromite, lumps and trial-lot fines: no other demo listing's Chinese name holds 铬矿.
    expect(page.locator("#results-heading")).to_contain_text("2")
    result.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("铬矿石块矿 Cr2O3 40%")
    expect(page.get_by_text("俾路支省铬矿，人工手选块矿10–150毫米，用于冶炼铬铁。")).to_be_visible()
    # The Pakistani seller is named in Latin script, never in Urdu, for a Chinese reader.
    sold_by = page.locator("main").inner_text()
    assert "JW Corporation" in sold_by
    assert not _URDU.search(sold_by)
