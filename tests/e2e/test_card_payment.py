"""A buyer pays a milestone by card: our page, Stripe.js (localstripe), the signed webhook."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from tests.e2e.conftest import People, Stack, sign_in

# The demo's shipped order: its 70 % balance falls due on shipment and is still open.
SHIPPED_PO = "MCCT-PO-2026-104"


def _open_order(page: Page, po: str) -> None:
    page.locator("nav a[href='/buyer/orders']").first.click()
    page.locator("tr", has_text=po).locator("a").first.click()
    page.wait_for_load_state()


def test_the_buyer_pays_the_balance_by_card_and_both_sides_see_it(
    stack: Stack, page: Page, people: People
) -> None:
    sign_in(page, stack.base_url, "purchaser@mcct.example")
    _open_order(page, SHIPPED_PO)
    order_url = page.url
    card_receipts = page.locator("[data-receipt-method=card]")
    before = card_receipts.count()
    page.locator("form[action$='/card'] button").first.click()
    page.wait_for_url(re.compile(r"/payments/milestones/\w+/card$"))
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill("4242424242424242")
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("20000")
    page.locator("#card-submit").click()
    # Stripe.js confirmed the intent; the page goes back to the order, and the payment shows
    # once Stripe's signed webhook has reached the app.
    page.wait_for_url(order_url)
    deadline = time.monotonic() + 30
    while card_receipts.count() == before and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    assert card_receipts.count() == before + 1
    # The seller's finance sees the same payment on the same order.
    found = re.search(r"CO-\d{6}", page.locator("h1").inner_text())
    assert found is not None
    seller_page = people("finance@wahnobel.example")
    seller_page.locator("nav a[href='/finance/']").first.click()
    seller_page.locator("a", has_text=found.group(0)).first.click()
    expect(seller_page.locator("[data-receipt-method=card]")).to_have_count(before + 1)


def test_a_declined_card_says_so_and_records_nothing(stack: Stack, page: Page) -> None:
    sign_in(page, stack.base_url, "purchaser@mcct.example")
    _open_order(page, "MCCT-PO-2026-105")
    before = page.locator("[data-receipt-method]").count()
    page.locator("form[action$='/card'] button").first.click()
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(
        "4000000000000341"
    )  # declined when charged (localstripe)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("20000")
    page.locator("#card-submit").click()
    expect(page.locator("#card-errors")).not_to_be_empty()
    expect(page.locator("#card-submit")).to_be_enabled()
    page.locator("main a[href*='/buyer/orders/']").last.click()
    assert page.locator("[data-receipt-method]").count() == before
