"""Negotiated trade in the browser: an RFQ, a quote with freight, a counter, a revision,
the award, and the order and proforma on the accepted revision's figures; then a message
with an attachment on the RFQ's thread, and a later freight change the buyer declines.

MCCT's purchaser works in Chinese, Wah Nobel's sales user in English. Only the start page
is opened by address; everything else is a link, a button or a form.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import People, Stack, follow_nav
from tests.support.pdfs import save, text_pdf


def _until(page: Page, ready: Callable[[], bool], seconds: float = 45) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.7)
        page.reload()


def ask_for_a_quote(buyer: Page) -> str:
    # The catalogue shows the listing under its Chinese title; its UN number is in both.
    follow_nav(buyer, "/catalog")
    buyer.locator("a[href^='/products/']", has_text="UN1942").first.click()
    buyer.wait_for_load_state()
    buyer.get_by_test_id("request-quote").click()
    buyer.wait_for_load_state()
    buyer.locator("#quantity").fill("500")
    buyer.locator("#incoterm").select_option("CFR")
    buyer.locator("#incoterm_place").fill("Shanghai")
    buyer.locator("#description").fill("矿山用多孔粒状硝酸铵，1 吨吨袋。")
    # The request is sent at once (the other button saves a draft).
    buyer.locator("form[action='/buyer/rfqs/new'] button[type=submit]:not([name=action])").click()
    buyer.wait_for_load_state()
    heading = buyer.locator("h1").inner_text()
    reference = re.search(r"RFQ-\d{6}", heading)
    assert reference is not None, heading
    expect(buyer.get_by_test_id("rfq-quantity")).to_contain_text("500")
    return reference.group(0)


def quote(seller: Page, reference: str, price: str) -> None:
    follow_nav(seller, "/seller/rfqs")
    seller.get_by_role("link", name=reference, exact=True).click()
    seller.wait_for_load_state()
    seller.locator("a[href$='/quote']").first.click()
    seller.wait_for_load_state()
    seller.locator("#unit_price").fill(price)
    seller.locator("#freight").fill("28000")
    seller.locator("#lead_time_days").fill("21")
    seller.locator("#payment_terms").select_option("deposit_30_balance_70_bl")
    seller.get_by_role("button", name="Send the quote").click()
    seller.wait_for_load_state()
    expect(seller.locator(".alert-success")).to_contain_text("Your quote is sent")


def test_rfq_counter_revision_and_award(stack: Stack, people: People) -> None:
    buyer = people("purchaser@mcct.example")
    people.use_language(buyer, "zh_Hans")
    seller = people("sales@wahnobel.example")
    people.use_language(seller, "en")

    reference = ask_for_a_quote(buyer)
    rfq_url = buyer.url

    quote(seller, reference, "524.00")
    expect(seller.get_by_test_id("quote-total")).to_have_text(re.compile(r"290,000\.00"))

    buyer.reload()
    expect(buyer.get_by_test_id("quote-total")).to_have_text(re.compile(r"290,000\.00"))
    buyer.locator("[data-testid=counter-form]").locator("..").locator("summary").click()
    form = buyer.locator("[data-testid=counter-form]")
    form.locator("input[name=unit_price]").fill("500.00")
    form.locator("textarea[name=note]").fill("目标价每吨 500 美元。")
    form.locator("button[type=submit]").click()
    buyer.wait_for_load_state()

    quote(seller, reference, "510.00")
    expect(seller.get_by_test_id("quote-total")).to_have_text(re.compile(r"283,000\.00"))

    buyer.goto(rfq_url)
    expect(buyer.get_by_test_id("quote-total")).to_have_text(re.compile(r"283,000\.00"))
    buyer.locator("[data-testid=accept-form]").locator("..").locator("summary").click()
    accept = buyer.locator("[data-testid=accept-form]")
    accept.locator("textarea[name=consignee]").fill(
        "MCCT International, Lujiazui Finance Plaza, Pudong, Shanghai"
    )
    accept.locator("button[type=submit]").click()
    buyer.wait_for_load_state()
    assert "/buyer/orders/" in buyer.url
    order_url = buyer.url
    expect(buyer.get_by_test_id("order-rfq")).to_contain_text(reference)
    order_page = buyer.content()
    assert "283,000.00" in order_page and "28,000.00" in order_page
    assert "255,000.00" in order_page  # 500 t at US$510.00

    def proforma_ready() -> bool:
        return buyer.locator("[data-kind=proforma_invoice] a[href$='.pdf']").count() == 1

    _until(buyer, proforma_ready, seconds=180)  # rendered by the job consumer
    with buyer.expect_download() as download:
        buyer.locator("[data-kind=proforma_invoice] a[href$='.pdf']").click()
    pdf = download.value.path().read_bytes()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "283,000.00" in text and "28,000.00" in text and "510.00" in text
    assert f"{reference}rev.2" in flat
    assert re.search(r"SHA-256[0-9a-f]{64}", flat), "the proforma prints the terms' hash"

    # The seller sees the same order, linked back to the RFQ.
    seller.goto(rfq_url.replace("/buyer/", "/seller/"))
    expect(seller.get_by_test_id("awarded-order")).to_be_visible()

    # They talk on the RFQ's thread, linked from the RFQ page; the seller attaches a file.
    seller.get_by_test_id("rfq-thread-link").click()
    seller.wait_for_load_state()
    seller.locator("textarea[name=body]").fill("Loading plan for the 500 t attached.")
    seller.set_input_files(
        "input[name=attachments]",
        files=[{"name": "loading-plan.pdf", "mimeType": "application/pdf",
                "buffer": save(text_pdf("500 t AN, 20 containers, Karachi to Shanghai"))}],
    )  # fmt: skip
    seller.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    seller.wait_for_load_state()
    expect(seller.locator("main")).to_contain_text("Loading plan for the 500 t attached.")

    buyer.goto(rfq_url)
    expect(buyer.get_by_test_id("rfq-thread-link")).to_have_count(1)  # one seller asked
    buyer.get_by_test_id("rfq-thread-link").click()
    buyer.wait_for_load_state()
    expect(buyer.locator("main")).to_contain_text("Loading plan for the 500 t attached.")
    link = buyer.locator("a[download]", has_text="loading-plan")
    download = buyer.request.get(stack.base_url + (link.get_attribute("href") or ""))
    assert download.ok and download.body().startswith(b"%PDF-")
    buyer.locator("textarea[name=body]").fill("收到装货计划，谢谢。")
    buyer.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    buyer.wait_for_load_state()
    seller.reload()
    expect(seller.locator("main")).to_contain_text("收到装货计划，谢谢。")

    # Later the seller's freight rises: a proposal, which the buyer declines.
    seller.goto(rfq_url.replace("/buyer/", "/seller/"))
    seller.get_by_test_id("awarded-order").locator("a").click()
    seller.wait_for_load_state()
    seller.locator("#proposals summary").click()
    seller.locator("#propose-freight").fill("35000")
    seller.locator("#propose-reason").fill("Freight rates from Karachi rose.")
    seller.locator("form[action$='/propose-change'] button[type=submit]").click()
    seller.wait_for_load_state()
    expect(seller.locator("[data-proposal=proposed]")).to_contain_text("290,000.00")

    buyer.goto(order_url)
    expect(buyer.locator("[data-proposal=proposed]")).to_contain_text("290,000.00")
    buyer.locator("form[action$='/decline'] input[name=note]").fill("报价已含运费。")
    buyer.locator("form[action$='/decline'] button[type=submit]").click()
    buyer.wait_for_load_state()
    expect(buyer.locator("[data-proposal=declined]")).to_have_count(1)
    totals = buyer.locator("section[aria-labelledby=totals-heading]").inner_text()
    assert "283,000.00" in totals and "28,000.00" in totals and "290,000.00" not in totals
