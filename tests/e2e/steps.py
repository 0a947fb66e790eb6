"""Steps and checks shared by the browser tests: the demo's listings, finding and adding a
listing to the cart, recording a shipment, a phone-width overflow check and screenshots
for the artifacts."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, follow_nav

SCREENSHOTS = ARTIFACTS / "screens"

NITRATE = "Porous prilled ammonium nitrate (UN1942, 5.1)"  # stocked, in tonnes
EMULSION = "Emulsion explosive cartridges 32 mm (UN0241, 1.5D)"  # stocked, MOQ 5,000 kg


def overflowing(page: Page) -> list[str]:
    """Elements wider than the viewport (a horizontal scroll on a phone)."""
    found: list[str] = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')]
              .filter(el => { const r = el.getBoundingClientRect();
                              return r.width > 0 && (r.right > width + 1 || r.left < -1); })
              .filter(el => !el.closest('.table-responsive, .visually-hidden'))
              .map(el => el.tagName + '.' + el.className).slice(0, 5);
        }"""
    )
    return found


def shoot(page: Page, name: str) -> None:
    """A screenshot of the viewport, kept in the artifacts as ``screens/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def open_product(page: Page, title: str) -> None:
    """The listing's page from the catalogue, found by its UN number (``title`` is English;
    a Chinese or Urdu reader sees the listing's own Chinese or Urdu title, which carries
    the same UN number)."""
    follow_nav(page, "/catalog")
    un_number = re.search(r"UN\d{4}", title)
    name = re.compile(re.escape(un_number.group(0))) if un_number else title
    page.get_by_role("link", name=name, exact=un_number is None).first.click()
    page.wait_for_load_state()


def add_to_cart(page: Page, title: str, quantity: int | None = None) -> None:
    """From the catalogue: the listing's page, a quantity (its MOQ if None), Add to cart."""
    open_product(page, title)
    if quantity is not None:
        page.locator("#order-quantity").fill(str(quantity))
    page.locator("form[action='/buyer/cart'] button[type=submit]").click()
    page.wait_for_load_state()


def release(seller: Page, reason: str) -> None:
    """On the order page, release the order held for its deposit, giving ``reason``."""
    seller.locator("#release-reason").fill(reason)
    seller.locator("form[action$='/release'] button[type=submit]").click()
    seller.wait_for_load_state()


def ship_it(
    seller: Page,
    *,
    vessel: str,
    bill_of_lading: str,
    seal: str,
    sails_on: date,
    net_kg: str,
    gross_kg: str,
    boxes: str,
    marks: str,
    contents: str | None = None,
    line_no: str | None = None,
    prefilled: str | None = None,
    release_reason: str | None = None,
) -> None:
    """From the order page: mark the order in production (``release_reason``: release the
    deposit hold the shipment waits for too), then record a sailing Karachi to Shanghai by
    COSCO on ``sails_on``, 18 days at sea: one container, certified by whoever packed it
    (dangerous goods, IMDG 5.4.2), holding one row of ``boxes`` fibreboard boxes.
    ``prefilled``: the quantity line 1 of the form must offer; ``line_no``: the order line
    the package row names. Fields by id: the page may be in any language."""
    seller.get_by_role("button", name="Mark in production").click()
    seller.wait_for_load_state()
    if release_reason is not None:
        release(seller, release_reason)
    seller.get_by_role("link", name="Record the shipment").click()
    seller.select_option("#mode", "sea")
    seller.locator("#carrier").fill("COSCO Shipping Lines")
    seller.locator("#vessel").fill(vessel)
    seller.locator("#transport_document_number").fill(bill_of_lading)
    seller.fill("#containers-0-container_number", "CSNU6342117")
    seller.select_option("#containers-0-container_type", "22G1")
    seller.fill("#containers-0-seal_number", seal)
    seller.fill("#containers-0-packed_by", "Imran Qureshi")
    seller.fill("#containers-0-packed_at", "Wah Cantt")
    seller.fill("#containers-0-packed_on", sails_on.isoformat())
    seller.locator("#port_of_loading").fill("Karachi")
    seller.locator("#port_of_discharge").fill("Shanghai")
    seller.locator("#etd").fill(sails_on.isoformat())
    seller.locator("#eta").fill((sails_on + timedelta(days=18)).isoformat())
    seller.locator("#net_weight_kg").fill(net_kg)
    seller.locator("#gross_weight_kg").fill(gross_kg)
    if prefilled is not None:
        expect(seller.locator("#lines-0-quantity")).to_have_value(prefilled)
    seller.fill("#packages-0-count", boxes)
    seller.fill("#packages-0-package_type", "fibreboard box")
    seller.fill("#packages-0-marks", marks)
    if contents is not None:
        seller.fill("#packages-0-contents", contents)
    seller.fill("#packages-0-net_weight_kg", net_kg)
    seller.fill("#packages-0-gross_weight_kg", gross_kg)
    if line_no is not None:
        seller.select_option("#packages-0-line_no", line_no)
    seller.fill("#packages-0-container_number", "CSNU6342117")
    seller.locator("form button[type=submit]", has_text="Record the shipment").click()
    seller.wait_for_load_state()


DETONATORS = "Non-electric shock-tube detonators (UN0360, 1.1B)"  # PCE, MOQ 10,000


def _licence_scan(number: str) -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = f"Licence {number}"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _select_option_containing(page: Page, selector: str, text: str) -> None:
    """Pick the option whose text holds ``text`` or, for ``"A|B"``, either (an authority
    reads in the reader's script: 工业和信息化部 on a Chinese page, MIIT on an English one)."""
    value = page.eval_on_selector(
        selector,
        "(select, text) => [...select.options]"
        ".find(o => text.split('|').some(t => o.text.includes(t))).value",
        text,
    )
    page.select_option(selector, value)


def record_licence(
    page: Page,
    *,
    kind: str,
    number: str,
    authority: str,
    goods: str,
    valid_to: date,
    limit_kg: int | None = None,
    order: str | None = None,
) -> None:
    """Through the Licences page, record a licence (``kind`` as LicenceKind's value) with a
    scan; ``order``: text of the order it is for (its PO number). Fields by id: the page
    may be in any language."""
    follow_nav(page, "/licences/")
    page.locator("a[href='/licences/new']").click()
    page.select_option("#kind", kind)
    page.fill("#number", number)
    _select_option_containing(page, "#authority", authority)
    page.fill("#valid_from", (date.today() - timedelta(days=1)).isoformat())
    page.fill("#valid_to", valid_to.isoformat())
    page.fill("#goods", goods)
    if limit_kg is not None:
        page.fill("#quantity_limit", str(limit_kg))
    if order is not None:
        _select_option_containing(page, "#order", order)
    page.locator("#scan").set_input_files(
        {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": _licence_scan(number)}
    )
    page.locator("form[action='/licences/new'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=licence-remaining]").count() == 1, "the licence is recorded"


def accept_licence(operator: Page, number: str) -> None:
    """The operator opens the licence from the review queue and accepts it."""
    follow_nav(operator, "/operator/licences/")
    operator.locator("a", has_text=number).first.click()
    operator.check("#decision-0")
    operator.locator("main form button[type=submit]").click()
    operator.wait_for_load_state()


def miit_approval(buyer: Page, operator: Page, po_number: str, goods: str, limit_kg: int) -> None:
    """MCCT records MIIT's approval (审批单) for the order's shipment; the operator accepts."""
    number = f"MIIT-审批-{po_number}"
    record_licence(
        buyer,
        kind="per_shipment_approval",
        number=number,
        authority="MIIT|工业和信息化部",
        goods=goods,
        valid_to=date.today() + timedelta(days=60),
        limit_kg=limit_kg,
        order=po_number,
    )
    accept_licence(operator, number)
