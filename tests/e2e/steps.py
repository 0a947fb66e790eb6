"""Steps and checks shared by the browser tests: the demo's listings, finding and adding a
listing to the cart, a phone-width overflow check and screenshots for the artifacts."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page

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
