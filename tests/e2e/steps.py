"""Steps and checks shared by the browser tests: the demo's listings, finding and adding a
listing to the cart, a phone-width overflow check and screenshots for the artifacts."""

from __future__ import annotations

import re

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
