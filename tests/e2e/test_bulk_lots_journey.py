"""Bulk ore in trial lots, invoiced on weight, as its people do it in their browsers.

MCCT's purchaser orders 12.5 t of J&W's chromite fines (USD 214.50 a tonne, FOB Karachi)
on 30 % / 70 % terms, with partial shipments allowed and a provisional invoice at 90 % of
the value on the loading weight; the review says both before the order is placed. J&W's
owner accepts, releases production and the shipment ahead of the deposit, and ships two
lots of 6.25 t: after the first the order reads "Partly shipped" with 6.250 t left and
offers the next lot; the second, marked the last, ships the order. The owner, who keeps
J&W's books, enters lot 1's outturn (6.180 t wet at 4.5 % moisture, SGS's certificate)
and issues the final invoice. The register then holds what the buyer is asked to pay:

- each lot's provisional invoice: 90 % of 6.250 t x 214.50 = 90 % of 1,340.63 = 1,206.57;
- lot 1's final invoice: 6.180 t less 4.5 % water = 5.902 t dry x 214.50 = 1,265.98,
  less the provisional 1,206.57: a balance of 59.41.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import People, empty_cart, evidence, follow_nav, open_register
from tests.e2e.steps import release
from tests.support.pdfs import save, text_pdf

TITLE = "Chromite ore fines Cr2O3 38 %, trial lots"
PO = "MCCT-CR-0001"
FIRST_SAILING = date.today() + timedelta(days=10)
SECOND_SAILING = date.today() + timedelta(days=24)
RELEASE_REASON = "MCCT's deposit is confirmed by its bank; the trial goes ahead."


def order_the_fines(buyer: Page) -> str:
    """In English: 12.5 t in the cart, checkout with weight terms and partial shipments,
    the review, the order placed. Returns its reference (CO-…)."""
    empty_cart(buyer)
    follow_nav(buyer, "/catalog")
    buyer.locator("#catalog-q").fill("chromite fines")
    buyer.locator("form[role=search] button[type=submit]").click()
    buyer.get_by_role("link", name=TITLE, exact=True).first.click()
    buyer.locator("#order-quantity").fill("12.5")
    buyer.locator("form[action='/buyer/cart'] button[type=submit]").click()
    buyer.wait_for_load_state()
    follow_nav(buyer, "/buyer/cart")
    group = buyer.locator("section.card", has_text=TITLE)
    group.locator("a[href^='/buyer/checkout/']").click()
    value = buyer.eval_on_selector(
        "#delivery",
        "(select) => [...select.options].find(o => o.text.includes('FOB Karachi')).value",
    )
    buyer.select_option("#delivery", value)
    buyer.select_option("#destination_country", "CN")
    buyer.locator("#destination_port").fill("Shanghai")
    buyer.locator("#consignee").fill("MCCT International, 88 Century Avenue, Pudong, Shanghai")
    buyer.locator("#buyer_po_number").fill(PO)
    buyer.locator("input[name=payment_terms][value=deposit_30_balance_70_bl]").check()
    buyer.locator("#partial_shipments").check()
    buyer.locator("#provisional_percent").fill("90")
    buyer.locator("button[name=action][value=review]").click()
    # 12.500 t x 214.50 = 2,681.25; both clauses are read before placing.
    expect(buyer.locator("main")).to_contain_text("2,681.25")
    expect(buyer.locator("[data-testid=partial-shipments]")).to_have_text("Allowed")
    expect(buyer.locator("[data-testid=weight-terms]")).to_have_text(
        "Provisional invoice at 90 % of the value on the loading weight; "
        "final invoice on the outturn"
    )
    evidence(buyer, "bulk-lots-review")
    buyer.locator("button[name=action][value=place]").click()
    buyer.wait_for_load_state()
    reference = re.search(r"CO-\d{6}", buyer.locator("main").inner_text())
    assert reference is not None, "the placed order's number is shown"
    return reference.group(0)


def record_lot(seller: Page, *, lot: int, sails_on: date, last: bool) -> None:
    """From the order page: one bulk lot of 6.25 t by sea, Karachi to Shanghai, no
    container; ``last``: the seller says no further lot follows."""
    seller.locator("a[href$='/shipment']").click()
    seller.select_option("#mode", "sea")
    seller.locator("#carrier").fill("COSCO Shipping Lines")
    seller.locator("#vessel").fill("COSCO Gwadar")
    seller.locator("#voyage").fill(f"0{lot}5E")
    seller.locator("#transport_document_number").fill(f"COSU63088{lot:05d}")
    seller.locator("#port_of_loading").fill("Karachi")
    seller.locator("#port_of_discharge").fill("Shanghai")
    seller.locator("#etd").fill(sails_on.isoformat())
    seller.locator("#eta").fill((sails_on + timedelta(days=18)).isoformat())
    seller.locator("#net_weight_kg").fill("6250")
    seller.locator("#gross_weight_kg").fill("6260")
    seller.locator("#lines-0-quantity").fill("6.25")
    if last:
        seller.locator("#last_lot").check()
    seller.fill("#packages-0-count", "1")
    seller.fill("#packages-0-package_type", "bulk")
    seller.fill("#packages-0-marks", f"MCCT TRIAL LOT {lot}")
    seller.select_option("#packages-0-line_no", "1")
    seller.locator("form button[type=submit]", has_text="Record the shipment").click()
    seller.wait_for_load_state()


def _certificate(folder: Path) -> Path:
    path = folder / "sgs-outturn-lot-1.pdf"
    path.write_bytes(save(text_pdf("SGS Pakistan - outturn certificate, lot 1: 6.180 t wet")))
    return path


def test_bulk_ore_ships_in_two_lots_and_is_invoiced_on_weight(
    people: People, tmp_path: Path
) -> None:
    buyer = people("purchaser@mcct.example")
    people.use_language(buyer, "en")
    reference = order_the_fines(buyer)

    owner = people("owner@jwcorp.example")
    follow_nav(owner, "/seller/orders")
    owner.locator("a", has_text=reference).first.click()
    owner.wait_for_load_state()
    expect(owner.locator("[data-testid=partial-shipments]")).to_have_text("Allowed")
    owner.locator("#confirmed_ship_date").fill(FIRST_SAILING.isoformat())
    owner.get_by_role("button", name="Accept the order").click()
    owner.wait_for_load_state()
    # On deposit terms production, then the shipment, wait for the 30 %: the owner lets
    # both go ahead, saying why.
    release(owner, RELEASE_REASON)
    owner.get_by_role("button", name="Mark in production").click()
    owner.wait_for_load_state()
    release(owner, RELEASE_REASON)

    record_lot(owner, lot=1, sails_on=FIRST_SAILING, last=False)
    expect(owner.locator("[data-testid=partly-shipped]")).to_have_text("Partly shipped")
    expect(owner.locator("[data-testid=line-remaining]")).to_have_text("Left to ship 6.250 t")
    expect(owner.get_by_role("link", name="Record the next lot")).to_be_visible()
    evidence(owner, "bulk-lots-partly-shipped")

    record_lot(owner, lot=2, sails_on=SECOND_SAILING, last=True)
    expect(owner.locator("[data-testid=partly-shipped]")).to_have_count(0)
    expect(owner.locator("[data-testid=lot-heading]")).to_have_text(["Lot 1", "Lot 2"])
    expect(owner.locator("main .badge").first).to_have_text("Shipped")
    expect(owner.get_by_role("link", name="Record the next lot")).to_have_count(0)

    # The owner keeps J&W's books: lot 1's outturn from the finance workspace.
    follow_nav(owner, "/finance/")
    owner.locator("a", has_text=reference).first.click()
    owner.wait_for_load_state()
    settlements = owner.locator("[data-testid=lot-settlement]")
    expect(settlements).to_have_count(2)
    for lot in settlements.all():
        expect(lot).to_contain_text(re.compile(r"asks \D*1,206\.57 \(90 % of the value"))
    provisional = [
        re.search(r"Provisional invoice (\S+) asks", lot.inner_text()) for lot in settlements.all()
    ]
    assert all(provisional), "each lot names its provisional invoice"
    first_provisional, second_provisional = (found.group(1) for found in provisional if found)
    owner.locator("a[href$='/lots/1/outturn']", has_text="Enter the outturn").click()
    expect(owner.locator("#lines-0-outturn")).to_have_value("6.25")
    owner.locator("#lines-0-outturn").fill("6.180")
    owner.locator("#lines-0-moisture_percent").fill("4.5")
    owner.locator("#surveyor").fill("SGS Pakistan")
    owner.locator("#certificate").set_input_files(_certificate(tmp_path))
    owner.get_by_role("button", name="Issue the final invoice").click()
    owner.wait_for_load_state()
    success = owner.locator(".alert-success")
    expect(success).to_contain_text(re.compile(r"The final invoice \S+ is issued\."))
    found = re.search(r"The final invoice (\S+) is issued", success.inner_text())
    assert found is not None
    final = found.group(1)
    first = owner.locator("[data-testid=lot-settlement]").first
    expect(first).to_contain_text(
        re.compile(rf"Final invoice {re.escape(final)} on the outturn: \D*1,265\.98, less")
    )
    expect(first).to_contain_text("moisture 4.5 %, invoiced 5.902 t")
    evidence(owner, "bulk-lots-outturn-entered")

    # The register: two provisional invoices and lot 1's final balance.
    open_register(owner)
    owner.locator("#q").fill(PO)
    owner.locator("form[action='/finance/invoices'] button[type=submit]").click()
    owner.wait_for_load_state()
    for number, stage, amount in (
        (first_provisional, "Provisional invoice", "1,206.57"),
        (second_provisional, "Provisional invoice", "1,206.57"),
        (final, "Final invoice", "59.41"),
    ):
        row = owner.locator(f"#register tr[data-number='{number}']")
        expect(row).to_be_visible()
        expect(row.locator("td").first).to_contain_text(stage)
        expect(row.locator("td[data-label=Amount]")).to_contain_text(amount)
    evidence(owner, "bulk-lots-register")
