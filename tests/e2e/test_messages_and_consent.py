"""MCCT's purchaser and Wah Nobel's sales clerk write to each other on an order, with
files, and the navigation's unread count shows and clears; the seller accepts the CFR
order with freight, the buyer declines the freight, and the order total stays."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import People, Stack, follow_nav
from tests.e2e.steps import NITRATE, add_to_cart
from tests.support.images import jpeg
from tests.support.pdfs import save, text_pdf

SELLER = "sales@wahnobel.example"
BUYER = "purchaser@mcct.example"
# 500 t at the 500+ tier, US$448.00 a tonne.
GOODS = "224,000.00"


def _unread(page: Page) -> str | None:
    badge = page.locator("#unread-count")
    if not badge.count():
        return None
    return re.sub(r"\D", "", badge.inner_text())


def _read_everything(page: Page) -> None:
    """Open each thread with unread messages (the demo left some), so the count is gone."""
    follow_nav(page, "/messages/")
    while page.locator(".list-group-item .badge").count():
        page.locator(".list-group-item:has(.badge)").first.click()
        page.wait_for_load_state()
        follow_nav(page, "/messages/")
    assert _unread(page) is None


def _place_cfr_order(buyer: Page) -> str:
    follow_nav(buyer, "/buyer/cart")
    while buyer.locator("form button.text-danger").count():
        buyer.locator("form button.text-danger").first.click()
        buyer.wait_for_load_state()
    add_to_cart(buyer, NITRATE, 500)
    buyer.locator("a[href^='/buyer/checkout/']").first.click()
    value = buyer.eval_on_selector(
        "#delivery", "s => [...s.options].find(o => o.text.includes('CFR')).value"
    )
    buyer.select_option("#delivery", value)
    buyer.select_option("#destination_country", "CN")
    buyer.locator("#destination_port").fill("Tianjin")
    buyer.locator("#consignee").fill("MCCT International, 88 Century Avenue, Pudong, Shanghai")
    buyer.locator("input[name=payment_terms][value=deposit_30_balance_70_bl]").check()
    buyer.locator("button[name=action][value=review]").click()
    expect(buyer.locator("main")).to_contain_text(GOODS)
    buyer.locator("button[name=action][value=place]").click()
    buyer.wait_for_load_state()
    found = re.search(r"CO-\d{6}", buyer.locator("main").inner_text())
    assert found is not None
    return found.group(0)


def _open_order(page: Page, orders_href: str, reference: str) -> None:
    follow_nav(page, orders_href)
    page.locator("a", has_text=reference).first.click()
    page.wait_for_load_state()


def _totals(page: Page) -> str:
    return page.locator("section[aria-labelledby=totals-heading]").inner_text()


def test_messages_with_files_and_a_declined_freight(stack: Stack, people: People) -> None:
    seller = people(SELLER)
    _read_everything(seller)

    buyer = people(BUYER)
    people.use_language(buyer, "en")
    _read_everything(buyer)
    reference = _place_cfr_order(buyer)
    _open_order(buyer, "/buyer/orders", reference)
    buyer.locator("#order-messages").click()
    buyer.locator("textarea[name=body]").fill("请确认装运日期。 Please confirm the ship date.")
    buyer.set_input_files(
        "input[name=attachments]",
        files=[{"name": "spec.pdf", "mimeType": "application/pdf",
                "buffer": save(text_pdf("AN 500 t, CFR Tianjin"))}],
    )  # fmt: skip
    buyer.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    buyer.wait_for_load_state()
    expect(buyer.locator("main")).to_contain_text("Please confirm the ship date.")

    seller.reload()
    assert _unread(seller) == "1"
    follow_nav(seller, "/messages/")
    seller.locator(".list-group-item", has_text=reference).first.click()
    seller.wait_for_load_state()
    assert _unread(seller) is None
    expect(seller.locator("main")).to_contain_text("请确认装运日期。")
    link = seller.locator("a[download]", has_text="spec.pdf")
    download = seller.request.get(stack.base_url + (link.get_attribute("href") or ""))
    assert download.ok and download.body().startswith(b"%PDF-")
    seller.locator("textarea[name=body]").fill("Ship date confirmed; the bag photo is attached.")
    seller.set_input_files(
        "input[name=attachments]",
        files=[{"name": "bags.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}],
    )
    seller.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    # The post is stored once the thread shows it with its photo (the click only starts it).
    expect(seller.locator("a[download]", has_text="bags")).to_have_count(1, timeout=30_000)

    _open_order(buyer, "/buyer/orders", reference)
    assert _unread(buyer) == "1"
    buyer.locator("#order-messages").click()  # the thread: reading it clears the count
    buyer.wait_for_load_state()
    expect(buyer.locator("a[download]", has_text="bags")).to_have_count(1)
    assert _unread(buyer) is None

    # The seller accepts with freight: a proposal; the total stays until the buyer agrees.
    _open_order(seller, "/seller/orders", reference)
    seller.locator("#confirmed_ship_date").fill((date.today() + timedelta(days=14)).isoformat())
    seller.locator("#freight").fill("28000")
    seller.get_by_role("button", name="Accept the order").click()
    seller.wait_for_load_state()
    expect(seller.locator("[data-proposal=proposed]")).to_have_count(1)
    assert GOODS in _totals(seller) and "252,000.00" not in _totals(seller)

    _open_order(buyer, "/buyer/orders", reference)
    expect(buyer.locator("[data-proposal=proposed]")).to_contain_text("252,000.00")
    buyer.locator("form[action$='/decline'] input[name=note]").fill("FOB terms suit us better.")
    buyer.locator("form[action$='/decline'] button[type=submit]").click()
    buyer.wait_for_load_state()
    expect(buyer.locator("[data-proposal=declined]")).to_have_count(1)
    totals = _totals(buyer)
    assert GOODS in totals and "252,000.00" not in totals
    expect(buyer.locator("[data-event='change_declined']")).to_have_count(1)
