"""A claim, as its people handle it in their browsers, each in their own language.

MCCT's purchaser (in Chinese) claims a short delivery of 20 t on a delivered, paid order
of Wah Nobel's ammonium nitrate, with a weight certificate; Wah Nobel's sales user
proposes a partial refund; MCCT escalates; Corridor's operator decides with a reason;
Wah Nobel's finance (in Urdu) settles: the credit note and the T/T refund are booked, and
both companies' registers show the credit note, MCCT's finance in Chinese.

Only the start page is opened by address; everything else is a link, a button or a form.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.demo.claims import FREE_PO
from tests.e2e.conftest import People, Stack, follow_nav, open_register
from tests.e2e.steps import shoot
from tests.support.pdfs import save, text_pdf

CERTIFICATE = save(text_pdf("SGS weight certificate: 180.000 t landed against 200.000 t"))


def open_claim(page: Page, href: str, reference: str) -> None:
    follow_nav(page, href)
    page.locator("a", has_text=reference).first.click()
    page.wait_for_load_state()


def status_of(page: Page) -> str:
    return page.locator("#claim-status").get_attribute("data-status") or ""


def file_the_claim(buyer: Page) -> str:
    follow_nav(buyer, "/buyer/orders")
    buyer.locator("tr", has_text=FREE_PO).locator("a").first.click()
    buyer.wait_for_load_state()
    expect(buyer.locator("#claims-window")).to_be_visible()
    buyer.locator("#file-claim").click()
    buyer.wait_for_load_state()
    buyer.locator("#claim_type").select_option("quantity")
    buyer.locator("#quantity-1").fill("20")
    buyer.locator("#amount-1").fill("9300.00")
    buyer.locator("#statement").fill("SGS 过磅证明：实收 180 吨，发票 200 吨，短少 20 吨。")
    buyer.locator("#kind").select_option("weight_certificate")
    buyer.locator("#file").set_input_files(
        {"name": "weight-certificate.pdf", "mimeType": "application/pdf", "buffer": CERTIFICATE}
    )
    buyer.locator("#claim-form button[type=submit]").click()
    buyer.wait_for_load_state()
    assert status_of(buyer) == "open"
    heading = buyer.locator("h1").inner_text()
    found = re.search(r"CL-\d{6}", heading)
    assert found is not None, heading
    expect(buyer.locator("#claim-evidence")).to_contain_text("weight-certificate.pdf")
    return found.group(0)


def test_short_delivery_claim_from_filing_to_the_books(stack: Stack, people: People) -> None:
    buyer = people("purchaser@mcct.example")
    people.use_language(buyer, "zh_Hans")
    reference = file_the_claim(buyer)
    shoot(buyer, "claim-filed-zh")

    seller = people("sales@wahnobel.example")
    people.use_language(seller, "en")
    open_claim(seller, "/claims", reference)
    seller.locator("#response").select_option("partial_refund")
    seller.locator("#proposed").fill("4650.00")
    seller.locator("#note").fill("Our loading tally shows 190 t; we offer the price of 10 t.")
    seller.locator("#response-form button[type=submit]").click()
    seller.wait_for_load_state()
    assert status_of(seller) == "responded"

    buyer.reload()
    expect(buyer.locator("#claim-proposed")).to_contain_text("4,650.00")
    buyer.locator("#escalate-form button[type=submit]").click()
    buyer.wait_for_load_state()
    assert status_of(buyer) == "escalated"

    operator = people("operator@corridor.example")
    people.use_language(operator, "en")
    open_claim(operator, "/claims/operator", reference)
    operator.locator("#remedy").select_option("refund")
    operator.locator("#amount").fill("9300.00")
    operator.locator("#reason").fill(
        "The SGS weight certificate at discharge shows 180 t; the loading tally is not"
        " independent. The buyer is refunded the price of 20 t."
    )
    operator.locator("#decision-form button[type=submit]").click()
    operator.wait_for_load_state()
    assert status_of(operator) == "decided"

    buyer.reload()
    expect(buyer.locator("#claim-decision-reason")).to_contain_text("SGS weight certificate")

    finance = people("finance@wahnobel.example")
    people.use_language(finance, "ur")
    open_claim(finance, "/claims", reference)
    finance.locator("#bank_reference").fill("HBL-KHI-RET-20260")
    finance.locator("#settle-form button[type=submit]").click()
    finance.wait_for_load_state()
    assert status_of(finance) == "settled"
    credit_note = finance.locator("#claim-credit-note").inner_text().strip()
    assert re.fullmatch(r"[A-Z]+-CN-\d{4}-\d{6}", credit_note), credit_note
    shoot(finance, "claim-settled-ur")

    # Both registers: the seller's finance in Urdu, MCCT's in Chinese. The credit note
    # takes 9,300.00 off the invoice; the refund took it off what was paid, so the invoice
    # leaves no credit for MCCT (a credit note without its refund would show one).
    mcct_finance = people("finance@mcct.example")
    people.use_language(mcct_finance, "zh_Hans")
    for register in (finance, mcct_finance):
        open_register(register)
        expect(register.locator(f"#register tr[data-number='{credit_note}']")).to_contain_text(
            "9,300.00"
        )
        invoice = register.locator("#register tr[data-number*='-CI-']", has_text=FREE_PO)
        expect(invoice).to_have_count(1)
        expect(invoice.locator(".row-credit")).to_have_count(0)
    shoot(mcct_finance, "claim-register-zh")

    # The refund is on the order's timeline both parties read.
    follow_nav(buyer, "/buyer/orders")
    buyer.locator("tr", has_text=FREE_PO).locator("a").first.click()
    buyer.wait_for_load_state()
    expect(buyer.locator(".timeline [data-event='claim_refund']")).to_have_count(1)
