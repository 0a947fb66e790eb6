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
from tests.e2e.steps import (
    DETONATORS,
    accept_licence,
    add_to_cart,
    open_product,
    record_licence,
    release,
    ship_it,
)

EXPORT = "MOI/EXP/2026/0777"
APPROVAL = "MIIT-审批-2026-0555"
CERTIFICATE = "EUC-MCCT-2026-0555"
PO = "MCCT-CG-0001"
SHIP_DATE = date.today() + timedelta(days=7)
RELEASE_REASON = "Deposit confirmed by MCCT's bank by telephone."


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
    release(owner, RELEASE_REASON)
    ship_it(
        owner,
        vessel="COSCO Karachi",
        bill_of_lading="COSU6307770555",
        seal="PK 555",
        sails_on=SHIP_DATE,
        net_kg="360",
        gross_kg="430",
        prefilled="10000",
        boxes="20",
        marks=f"MCCT / SHANGHAI\nPO {PO}\n1-20",
        contents="Detonator assemblies UN0360",
        line_no="1",
        release_reason=RELEASE_REASON,  # the shipment waits for the deposit too
    )
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
