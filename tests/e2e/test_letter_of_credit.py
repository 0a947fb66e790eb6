"""A sale on L/C at sight, as its people do it in their browsers.

MCCT's finance enters the credit its bank opened for the demo order waiting for it; Wah
Nobel produces and ships, uploads the carrier's B/L and the insurer's certificate and runs
the check, which finds the invoice's description short of the credit's (UCP 600 art.
18(c)); Wah Nobel's finance credits the whole invoice and issues a new one under the
credit, the check is clean, the documents are presented and the bank's answer recorded;
both sides' timelines show it.
"""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import People, follow_nav
from tests.e2e.steps import ship_it

PO = "MCCT-PO-2026-LC3"  # the demo's order waiting for its credit
TODAY = date.today()
GOODS = "Emulsion explosive cartridges 32 mm (UN0241, 1.5D), contract MCCT-WN-2026-07"
CONSIGNEE = "To order of Bank of China, Shanghai Branch"


def _order_reference(purchaser: Page) -> str:
    follow_nav(purchaser, "/buyer/orders")
    purchaser.locator("#po").fill(PO)
    purchaser.locator("main form button[type=submit]").first.click()
    reference = purchaser.locator("main table a", has_text="CO-").first.inner_text().strip()
    assert reference.startswith("CO-")
    return reference


def _open_credit_from_finance(finance: Page, reference: str) -> None:
    follow_nav(finance, "/finance/")
    finance.locator("a", has_text=reference).first.click()
    finance.locator("a.credit-link").first.click()
    finance.wait_for_load_state()


def enter_the_credit(finance: Page) -> None:
    fill = {
        "number": "LC-BOC-SH-26-0815", "issue_date": TODAY.isoformat(),
        "expiry_date": (TODAY + timedelta(days=45)).isoformat(), "expiry_place": "Shanghai",
        "applicant": "MCCT International\nLujiazui Finance Plaza, Shanghai",
        "beneficiary": "Wah Nobel (Pvt) Limited", "issuing_bank": "Bank of China, Shanghai Branch",
        "currency": "USD", "amount": "53750.00", "available_with": "Bank of China, Shanghai Branch",
        "port_of_loading": "Karachi", "port_of_discharge": "Shanghai",
        "latest_shipment_date": (TODAY + timedelta(days=20)).isoformat(),
        "goods_description": GOODS, "incoterm": "FOB", "incoterm_place": "Karachi",
        "consignee_wording": CONSIGNEE,
    }  # fmt: skip
    for name, value in fill.items():
        finance.locator(f"#terms-{name}").fill(value)
    for kind, originals in (("commercial_invoice", "1"), ("bill_of_lading", "3"),
                            ("insurance_certificate", "1")):  # fmt: skip
        finance.locator(f"#originals-{kind}").fill(originals)
    finance.locator("#save-terms").click()
    expect(finance.locator("#credit-number")).to_contain_text("LC-BOC-SH-26-0815")


def upload(seller: Page, kind: str, fields: dict[str, str]) -> None:
    seller.locator("#shipment-documents summary").click()
    seller.select_option("#upload-kind", kind)
    seller.locator("#upload-file").set_input_files(
        {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": _pdf(kind)}
    )
    for name, value in fields.items():
        seller.locator(f"#upload-{name}").fill(value)
    seller.locator("#upload-document").click()
    expect(seller.locator(".uploaded-document", has_text=fields["reference"])).to_be_visible()


def _pdf(title: str) -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = title
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def run_the_check(seller: Page) -> None:
    seller.locator("#check-presented_on").fill((TODAY + timedelta(days=3)).isoformat())
    seller.locator("#run-check").click()
    seller.wait_for_load_state()


def test_a_credit_from_terms_to_the_banks_acceptance(people: People) -> None:
    purchaser = people("purchaser@mcct.example")
    reference = _order_reference(purchaser)

    mcct_finance = people("finance@mcct.example")
    _open_credit_from_finance(mcct_finance, reference)
    enter_the_credit(mcct_finance)

    seller = people("sales@wahnobel.example")
    follow_nav(seller, "/seller/orders")
    seller.locator("a", has_text=reference).first.click()
    # One container; the whole order line in one row of 1,000 boxes.
    ship_it(
        seller,
        vessel="COSCO Pakistan",
        bill_of_lading="COSU6309990815",
        seal="PK 815",
        sails_on=TODAY,
        net_kg="25000",
        gross_kg="26000",
        boxes="1000",
        marks="MCCT / SHANGHAI / 1-1000",
    )
    seller.locator("a.credit-link").first.click()
    upload(seller, "bill_of_lading", {
        "issuer": "COSCO Shipping Lines Co., Ltd.", "reference": "COSU6309990815",
        "issued_on": TODAY.isoformat(), "originals": "3", "copies": "3",
        "on_board_date": TODAY.isoformat(), "port_of_loading": "Karachi, Pakistan",
        "port_of_discharge": "Shanghai, China", "consignee": CONSIGNEE,
        "container_numbers": "CSNU6342117",
    })  # fmt: skip
    upload(seller, "insurance_certificate", {
        "issuer": "China Pacific Insurance Co., Ltd.", "reference": "CPIC-2026-0815",
        "issued_on": TODAY.isoformat(), "originals": "1", "amount": "59125.00", "currency": "USD",
    })  # fmt: skip
    run_the_check(seller)
    expect(seller.locator(".finding")).to_have_count(1)
    finding = seller.locator(".finding[data-rule='UCP18c-GOODS']")
    expect(finding).to_contain_text("contract MCCT-WN-2026-07")
    expect(finding).to_contain_text("How to fix it")

    # Wah Nobel's finance credits the whole invoice and issues the new one under the credit.
    finance = people("finance@wahnobel.example")
    _open_credit_from_finance(finance, reference)
    finance.locator("#invoice-in-force a").click()
    form = finance.locator("form[action$='/credit-notes']")
    form.locator("input[name=amount]").fill("53750.00")
    form.locator("textarea[name=reason]").fill("Reissued with the credit's description of goods")
    form.locator("button[type=submit]").click()
    finance.wait_for_load_state()
    # A credit note never changes once issued: the page says what it will do, then issues.
    finance.locator("#confirm-credit-note button[type=submit]").click()
    finance.wait_for_load_state()
    _open_credit_from_finance(finance, reference)
    finance.locator("#issue-invoice").click()
    expect(finance.locator("#invoice-in-force")).to_be_visible()

    seller.locator("main a", has_text="Back to the letter of credit").click()
    run_the_check(seller)
    expect(seller.locator("#check-clean")).to_be_visible()
    seller.locator("main a", has_text="Back to the letter of credit").click()
    seller.locator("#present-presented_on").fill((TODAY + timedelta(days=3)).isoformat())
    seller.locator("#present-bank").fill("Habib Bank Limited, Karachi")
    seller.locator("#present").click()
    seller.select_option("#answer-state", "complying")
    seller.locator("#answer-answered_on").fill((TODAY + timedelta(days=5)).isoformat())
    seller.locator("#record-answer").click()
    expect(seller.locator(".presentation[data-state='complying']")).to_be_visible()

    # Both sides' timelines show the credit's steps.
    follow_nav(seller, "/seller/orders")
    seller.locator("a", has_text=reference).first.click()
    purchaser.locator("main table a", has_text=reference).first.click()
    for page in (seller, purchaser):
        events = [
            e.get_attribute("data-event") for e in page.locator(".timeline [data-event]").all()
        ]
        for step in ("letter_of_credit", "credit_document", "credit_check", "credit_presented",
                     "credit_bank_answer"):  # fmt: skip
            assert step in events, (step, events)
