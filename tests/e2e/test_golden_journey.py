"""The whole trade, as its people do it in their browsers, each in their own language.

A Wah Nobel sales user lists a booster and publishes it; an MCCT purchaser, in Chinese,
finds it, orders above the MOQ on FOB Karachi with 30 % / 70 % terms; the seller accepts
(proforma for both); the buyer pays the deposit by card; the seller ships (commercial
invoice, packing list, CO application, labels and DG declaration for both); the buyer pays
the balance by T/T with a proof, the seller's finance records it, the buyer confirms
delivery and the order's 30-day claims window opens (it completes when that closes with no
claim); MCCT's finance downloads the commercial invoice, which
is read back, and the verification page calls it genuine; both timelines agree.

Only the start page is opened by address (and the verification link printed on the PDF,
as a bank would scan its QR code); everything else is a link, a button or a form.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from datetime import date, timedelta

from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import People, Stack, follow_nav
from tests.e2e.steps import miit_approval, shoot

TITLE = "Pentolite cast booster 450 g"
PO = "MCCT-GJ-0001"
SHIP_DATE = date.today() + timedelta(days=10)
SHIPMENT_DOCUMENTS = (
    "commercial_invoice",
    "packing_list",
    "certificate_of_origin",
    "shipping_marks",
    "dangerous_goods",
)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _until(page: Page, ready: Callable[[], bool], seconds: float = 45) -> None:
    """Reload until ``ready`` (documents are rendered and webhooks land in the background)."""
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.7)
        page.reload()


def _select_containing(page: Page, selector: str, text: str) -> None:
    value = page.eval_on_selector(
        selector,
        "(select, text) => [...select.options].find(o => o.text.includes(text)).value",
        text,
    )
    page.select_option(selector, value)


def list_the_booster(seller: Page) -> None:
    follow_nav(seller, "/seller/")
    seller.get_by_role("link", name="Listings").first.click()
    seller.get_by_role("link", name="New listing").click()
    seller.get_by_label("Title", exact=True).fill(TITLE)
    seller.get_by_label("Description", exact=True).fill(
        "Cast pentolite booster for initiating blasting agents."
    )
    _select_containing(seller, "#category", "xplosive")
    seller.get_by_label("HS code").fill("360300")
    seller.select_option("#unit", "PCE")
    seller.get_by_label("Minimum order quantity").fill("100")
    seller.select_option("#currency", "USD")
    seller.fill("#price_tiers-0-min_quantity", "100")
    seller.fill("#price_tiers-0-unit_price", "12.50")
    seller.fill("#price_tiers-1-min_quantity", "1000")
    seller.fill("#price_tiers-1-unit_price", "11.00")
    seller.get_by_label("Stock quantity").fill("5000")
    seller.select_option("#incoterms-0-rule", "FOB")
    seller.fill("#incoterms-0-named_place", "Karachi")
    seller.get_by_label("Units per package").fill("40")
    seller.get_by_label("Net weight per package (kg)").fill("18")
    seller.get_by_label("Gross weight per package (kg)").fill("21")
    seller.get_by_label("UN number").fill("UN0042")
    seller.get_by_label("Proper shipping name").fill("BOOSTERS without detonator")
    seller.get_by_label("Class and division").fill("1.1D")
    seller.get_by_label("Net explosive mass per package (kg)").fill("18")
    seller.locator("form button[type=submit]", has_text="Save").click()
    expect(seller.locator(".alert-success")).to_be_visible()
    seller.locator("input[type=file][name=image]").set_input_files(
        {"name": "booster.png", "mimeType": "image/png", "buffer": _png()}
    )
    seller.get_by_role("button", name="Upload photo").click()
    expect(seller.locator("#listing-images-heading ~ ol img")).to_have_count(1)
    seller.get_by_role("button", name="Publish").click()
    expect(seller.get_by_role("link", name="View in catalogue")).to_be_visible()


def order_it_in_chinese(buyer: Page) -> str:
    assert buyer.locator("html").get_attribute("lang") == "zh-Hans"
    # Start from an empty cart, as anyone would before a new order.
    follow_nav(buyer, "/buyer/cart")
    while buyer.locator("form button.text-danger").count():
        buyer.locator("form button.text-danger").first.click()
        buyer.wait_for_load_state()
    follow_nav(buyer, "/catalog")
    buyer.locator("#catalog-q").fill("pentolite booster")
    buyer.locator("form[role=search] button[type=submit]").click()
    buyer.select_option("#filter-incoterm", "FOB")
    buyer.locator("#catalog-refine form button[type=submit]").click()
    buyer.get_by_role("link", name=TITLE).first.click()
    buyer.locator("#order-quantity").fill("1200")
    buyer.locator("form[action='/buyer/cart'] button[type=submit]").click()
    buyer.locator("a[href^='/buyer/checkout/']").first.click()
    _select_containing(buyer, "#delivery", "FOB Karachi")
    buyer.select_option("#destination_country", "CN")
    buyer.locator("#destination_port").fill("Shanghai")
    buyer.locator("#consignee").fill("MCCT International, 88 Century Avenue, Pudong, Shanghai")
    buyer.locator("#buyer_po_number").fill(PO)
    buyer.locator("input[name=payment_terms][value=deposit_30_balance_70_bl]").check()
    buyer.locator("button[name=action][value=review]").click()
    # The review shows every figure before placing: 1,200 at the 1,000+ tier price.
    expect(buyer.locator("main")).to_contain_text("13,200.00")
    buyer.locator("button[name=action][value=place]").click()
    buyer.wait_for_load_state()
    reference = re.search(r"CO-\d{6}", buyer.locator("main").inner_text())
    assert reference is not None, "the placed order's number is shown"
    return reference.group(0)


def open_order(page: Page, orders_href: str, reference: str) -> None:
    follow_nav(page, orders_href)
    page.locator("a", has_text=reference).first.click()
    page.wait_for_load_state()


def documents_ready(page: Page, *kinds: str) -> Callable[[], bool]:
    def ready() -> bool:
        return all(
            page.locator(f"[data-kind={kind}] a[href$='.pdf']").count() == 1 for kind in kinds
        )

    return ready


def pay_deposit_by_card(buyer: Page) -> None:
    card_receipts = buyer.locator("[data-receipt-method=card]")
    assert card_receipts.count() == 0
    buyer.locator("form[action$='/card'] button").first.click()
    card = buyer.locator("#card-element")
    for name, value in (
        ("number", "4242424242424242"), ("exp_month", "12"), ("exp_year", "30"),
        ("cvc", "123"), ("postal_code", "200120"),
    ):  # fmt: skip
        card.locator(f"input[placeholder={name}]").fill(value)
    buyer.locator("#card-submit").click()
    buyer.wait_for_url(re.compile(r"/buyer/orders/\w+$"))
    _until(buyer, lambda: card_receipts.count() == 1)


def ship_it(seller: Page) -> None:
    seller.get_by_role("button", name="Mark in production").click()
    seller.get_by_role("link", name="Record the shipment").click()
    seller.select_option("#mode", "sea")
    seller.get_by_label("Carrier").fill("COSCO Shipping Lines")
    seller.get_by_label("Vessel").fill("COSCO Karachi")
    seller.get_by_label("Voyage").fill("042E")
    seller.locator("#transport_document_number").fill("COSU6301234567")
    # Two containers, each certified by whoever packed it (dangerous goods, IMDG 5.4.2).
    for row, (number, seal) in enumerate((("CSNU6342117", "PK 117"), ("CSNU6342122", "PK 122"))):
        seller.fill(f"#containers-{row}-container_number", number)
        seller.select_option(f"#containers-{row}-container_type", "22G1")
        seller.fill(f"#containers-{row}-seal_number", seal)
        seller.fill(f"#containers-{row}-packed_by", "Imran Qureshi")
        seller.fill(f"#containers-{row}-packed_at", "Wah Cantt")
        seller.fill(f"#containers-{row}-packed_on", SHIP_DATE.isoformat())
    seller.locator("#port_of_loading").fill("Karachi")
    seller.locator("#port_of_discharge").fill("Shanghai")
    seller.locator("#etd").fill(SHIP_DATE.isoformat())
    seller.locator("#eta").fill((SHIP_DATE + timedelta(days=18)).isoformat())
    seller.locator("#net_weight_kg").fill("540")
    seller.locator("#gross_weight_kg").fill("630")
    # The order line is prefilled with the whole 1,200; 15 boxes go in each container.
    expect(seller.locator("#lines-0-quantity")).to_have_value("1200")
    for row, (first, container) in enumerate(((1, "CSNU6342117"), (16, "CSNU6342122"))):
        seller.fill(f"#packages-{row}-count", "15")
        seller.fill(f"#packages-{row}-package_type", "fibreboard box")
        seller.fill(
            f"#packages-{row}-marks", f"MCCT / SHANGHAI\nPO MCCT-GJ-0001\n{first}-{first + 14}"
        )
        seller.fill(f"#packages-{row}-contents", TITLE)
        seller.fill(f"#packages-{row}-net_weight_kg", "270")
        seller.fill(f"#packages-{row}-gross_weight_kg", "315")
        seller.select_option(f"#packages-{row}-line_no", "1")
        seller.fill(f"#packages-{row}-container_number", container)
    seller.locator("form button[type=submit]", has_text="Record the shipment").click()
    seller.wait_for_load_state()


def pay_balance_by_transfer(buyer: Page) -> None:
    proof = buyer.locator("form[action$='/proofs']").last
    proof.locator("input[type=file]").set_input_files(
        {"name": "tt-slip.png", "mimeType": "image/png", "buffer": _png()}
    )
    proof.locator("button[type=submit]").click()
    buyer.wait_for_load_state()


def record_the_receipt(finance: Page) -> None:
    form = finance.locator("form[action$='/receipts']").first
    form.locator("input[name=bank_reference]").fill("HBL-TT-20261127-7781")
    form.locator("button[type=submit]").click()
    finance.wait_for_load_state()


def test_the_golden_journey(stack: Stack, people: People) -> None:
    seller = people("sales@wahnobel.example")
    list_the_booster(seller)
    shoot(seller, "journey-listing-en")

    buyer = people("purchaser@mcct.example")
    reference = order_it_in_chinese(buyer)
    shoot(buyer, "journey-order-placed-zh")

    open_order(seller, "/seller/orders", reference)
    seller.locator("#confirmed_ship_date").fill(SHIP_DATE.isoformat())
    seller.get_by_role("button", name="Accept the order").click()
    _until(seller, documents_ready(seller, "proforma_invoice"))
    buyer.reload()
    _until(buyer, documents_ready(buyer, "proforma_invoice"))

    pay_deposit_by_card(buyer)

    # Each shipment of explosives to China needs MIIT's own approval (Order No. 21).
    miit_approval(buyer, people("operator@corridor.example"), PO, "UN0042", 600)
    open_order(buyer, "/buyer/orders", reference)  # back from the licence page
    seller.reload()
    ship_it(seller)
    _until(seller, documents_ready(seller, *SHIPMENT_DOCUMENTS))
    buyer.reload()
    _until(buyer, documents_ready(buyer, *SHIPMENT_DOCUMENTS))

    pay_balance_by_transfer(buyer)
    finance = people("finance@wahnobel.example")
    follow_nav(finance, "/finance/")
    finance.locator("a", has_text=reference).first.click()
    record_the_receipt(finance)
    buyer.reload()
    buyer.locator("form[action$='/confirm-delivery'] button[type=submit]").click()
    buyer.wait_for_load_state()
    expect(buyer.locator("[data-event='status:delivered']")).to_have_count(1)
    # Paid and delivered: the claims window is open, with its countdown (30 days).
    expect(buyer.locator("#claims-window")).to_be_visible()
    shoot(buyer, "journey-order-timeline-zh")

    # MCCT's finance downloads the commercial invoice from its register and reads it.
    mcct_finance = people("finance@mcct.example")
    follow_nav(mcct_finance, "/finance/")
    mcct_finance.locator("a[href='/finance/invoices']").first.click()
    mcct_finance.locator("#q").fill(PO)
    mcct_finance.locator("form[action='/finance/invoices'] button[type=submit]").click()
    row = mcct_finance.locator("#register tr", has_text="-CI-")
    number = row.locator("a").first.inner_text()
    with mcct_finance.expect_download() as download:
        row.locator("a[href$='.pdf']").click()
    pdf = download.value.path().read_bytes()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert number in text
    assert "商业发票" in text and "Commercial Invoice" in text
    assert "13,200.00" in text and "USD" in text
    assert PO in text and "COSU6301234567" in text
    # The printed link may wrap inside its narrow box; the token is 22 URL-safe characters.
    link = re.search(r"https?://[\w.:]+/verify/[\w-]{22}", re.sub(r"\s+", "", text))
    assert link is not None, "the invoice prints its verification link"

    checker = people("owner@karakoram.example")  # anyone holding the paper
    checker.goto(link.group(0))
    expect(checker.locator("main")).to_contain_text(number)
    checker.locator("#pdf").set_input_files(
        {"name": f"{number}.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    checker.locator("main form button[type=submit]").click()
    expect(checker.locator("#verify-outcome.alert-success")).to_be_visible()

    # Both sides read the same timeline, every step in order.
    open_order(seller, "/seller/orders", reference)
    buyer.reload()
    steps = [
        item.get_attribute("data-event") for item in buyer.locator(".timeline [data-event]").all()
    ]
    assert steps == [
        item.get_attribute("data-event") for item in seller.locator(".timeline [data-event]").all()
    ]
    expected = [
        "placed:placed", "status:accepted", "documents", "payment", "status:in_production",
        "status:shipped", "shipment", "documents", "payment_proof", "payment",
        "status:delivered",
    ]  # fmt: skip
    assert [step for step in steps if step in expected] == expected, "\n".join(steps)
