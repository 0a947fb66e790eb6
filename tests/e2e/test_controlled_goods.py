"""Controlled goods in the browser: Wah Nobel's owner records an export licence and the
operator accepts it; MCCT records MIIT's import approval and an end-user certificate (both
accepted); MCCT orders detonators, Wah Nobel accepts and ships, and the export licence's
remaining quantity falls by the shipped net explosive mass. An anonymous visitor sees the
detonators listed and controlled, without price or stock.

10,000 detonators at 0.45 kg NEM per box of 500: 9 kg NEM.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import People, follow_nav
from tests.e2e.steps import DETONATORS, accept_licence, add_to_cart, open_product, record_licence

EXPORT = "MOI/EXP/2026/0777"
APPROVAL = "MIIT-审批-2026-0555"
CERTIFICATE = "EUC-MCCT-2026-0555"
PO = "MCCT-CG-0001"
SHIP_DATE = date.today() + timedelta(days=7)


def _checkout(buyer: Page) -> str:
    buyer.locator("a[href^='/buyer/checkout/']").first.click()
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
    buyer.locator("button[name=action][value=review]").click()
    buyer.locator("button[name=action][value=place]").click()
    buyer.wait_for_load_state()
    reference = re.search(r"CO-\d{6}", buyer.locator("main").inner_text())
    assert reference is not None, "the placed order's number is shown"
    return reference.group(0)


def _release(seller: Page) -> None:
    seller.locator("#release-reason").fill("Deposit confirmed by MCCT's bank by telephone.")
    seller.locator("form[action$='/release'] button[type=submit]").click()
    seller.wait_for_load_state()


def _ship(seller: Page) -> None:
    seller.get_by_role("button", name="Mark in production").click()
    seller.wait_for_load_state()
    _release(seller)  # the shipment waits for the deposit too
    seller.get_by_role("link", name="Record the shipment").click()
    seller.select_option("#mode", "sea")
    seller.locator("#carrier").fill("COSCO Shipping Lines")
    seller.locator("#vessel").fill("COSCO Karachi")
    seller.locator("#transport_document_number").fill("COSU6307770555")
    seller.fill("#containers-0-container_number", "CSNU6342117")
    seller.select_option("#containers-0-container_type", "22G1")
    seller.fill("#containers-0-seal_number", "PK 555")
    seller.fill("#containers-0-packed_by", "Imran Qureshi")
    seller.fill("#containers-0-packed_at", "Wah Cantt")
    seller.fill("#containers-0-packed_on", SHIP_DATE.isoformat())
    seller.locator("#port_of_loading").fill("Karachi")
    seller.locator("#port_of_discharge").fill("Shanghai")
    seller.locator("#etd").fill(SHIP_DATE.isoformat())
    seller.locator("#eta").fill((SHIP_DATE + timedelta(days=18)).isoformat())
    seller.locator("#net_weight_kg").fill("360")
    seller.locator("#gross_weight_kg").fill("430")
    expect(seller.locator("#lines-0-quantity")).to_have_value("10000")
    seller.fill("#packages-0-count", "20")
    seller.fill("#packages-0-package_type", "fibreboard box")
    seller.fill("#packages-0-marks", f"MCCT / SHANGHAI\nPO {PO}\n1-20")
    seller.fill("#packages-0-contents", "Detonator assemblies UN0360")
    seller.fill("#packages-0-net_weight_kg", "360")
    seller.fill("#packages-0-gross_weight_kg", "430")
    seller.select_option("#packages-0-line_no", "1")
    seller.fill("#packages-0-container_number", "CSNU6342117")
    seller.locator("form button[type=submit]", has_text="Record the shipment").click()
    seller.wait_for_load_state()


def test_a_controlled_sale_from_licence_to_drawdown(people: People) -> None:
    visitor = people()
    open_product(visitor, DETONATORS)
    expect(visitor.locator("[data-testid=controlled-notice]")).to_be_visible()
    for hidden in ("0.85", "0.78", "400,000"):  # tier prices, stock
        expect(visitor.locator("main")).not_to_contain_text(hidden)

    owner = people("owner@wahnobel.example")
    record_licence(
        owner,
        kind="export",
        number=EXPORT,
        authority="Ministry of Interior|وزارت داخلہ",
        goods="UN0360",
        valid_to=date.today() + timedelta(days=200),
        limit_kg=1000,
    )
    expect(owner.locator("[data-testid=licence-remaining]")).to_contain_text(
        "1,000 kg NEM left of 1,000 kg NEM"
    )
    operator = people("operator@corridor.example")
    accept_licence(operator, EXPORT)

    buyer = people("purchaser@mcct.example", locale="en-GB")
    people.use_language(buyer, "en")
    for kind, number in (
        ("per_shipment_approval", APPROVAL),
        ("end_user_certificate", CERTIFICATE),
    ):
        record_licence(
            buyer,
            kind=kind,
            number=number,
            authority="MIIT|工业和信息化部",
            goods="UN0360",
            valid_to=date.today() + timedelta(days=60),
            limit_kg=100 if kind == "per_shipment_approval" else None,
        )
        accept_licence(operator, number)

    follow_nav(buyer, "/buyer/cart")
    while buyer.locator("form button.text-danger").count():
        buyer.locator("form button.text-danger").first.click()
        buyer.wait_for_load_state()
    add_to_cart(buyer, DETONATORS, 10_000)
    reference = _checkout(buyer)

    follow_nav(owner, "/seller/orders")
    owner.locator("a", has_text=reference).first.click()
    owner.wait_for_load_state()
    expect(owner.locator("[data-testid=licence-needs-met]")).to_be_visible()
    expect(owner.locator("#licence-needs")).to_contain_text(CERTIFICATE)
    owner.locator("#confirmed_ship_date").fill(SHIP_DATE.isoformat())
    owner.get_by_role("button", name="Accept the order").click()
    owner.wait_for_load_state()
    _release(owner)
    _ship(owner)
    expect(owner.locator("main")).to_contain_text("COSU6307770555")

    follow_nav(owner, "/licences/")
    owner.locator("a", has_text=EXPORT).first.click()
    expect(owner.locator("[data-testid=licence-remaining]")).to_contain_text(
        "991 kg NEM left of 1,000 kg NEM"
    )
    follow_nav(buyer, "/licences/")
    buyer.locator("a", has_text=APPROVAL).first.click()
    expect(buyer.locator("[data-testid=licence-remaining]")).to_contain_text(
        "91 kg NEM left of 100 kg NEM"
    )
