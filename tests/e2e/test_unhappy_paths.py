"""Refusals people meet in the browser: more than the stock, an order cancelled under the
seller's open tab, a listing file with bad rows.

Only the start page is opened by address; everything else is a link, a button or a form.
Each test makes the orders it needs (the demo's orders are shared with the other tests)
and leaves the buyer's cart as empty as it found it.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import ROOT, People, empty_cart, follow_nav
from tests.e2e.steps import EMULSION, NITRATE, add_to_cart, open_product

BUYER = "purchaser@mcct.example"  # reads Chinese
SELLER = "sales@wahnobel.example"  # reads English


@cache
def _catalog(locale: str) -> dict[str, str]:
    with (ROOT / "app" / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return {str(m.id): str(m.string) for m in read_po(po) if m.id and m.string}


def zh(msgid: str) -> str:
    """What a Chinese reader sees for ``msgid``."""
    return _catalog("zh_Hans")[msgid]


# --- steps people take -----------------------------------------------------------------


def check_out(page: Page, delivery: str, port: str, po: str) -> None:
    """From the cart: Checkout, the terms, Review, Place order (one seller in the cart)."""
    page.locator("a[href^='/buyer/checkout/']").first.click()
    page.locator("#delivery").select_option(delivery)
    page.locator("#destination_port").fill(port)
    page.locator("#buyer_po_number").fill(po)
    page.locator("button[name=action][value=review]").click()
    page.wait_for_load_state()
    page.locator("button[name=action][value=place]").click()
    page.wait_for_load_state()


def order_reference(page: Page) -> str:
    found = re.search(r"CO-\d{6}", page.locator("main h1").first.inner_text())
    assert found is not None, page.locator("main h1").first.inner_text()
    return found.group(0)


def status_badge(page: Page) -> Locator:
    """The order's status, the first of the header's badges."""
    return page.locator("main h1 ~ ul .badge").first


# --- the tests -------------------------------------------------------------------------


def test_ordering_more_than_the_stock_is_refused_naming_the_line(people: People) -> None:
    buyer = people(BUYER)
    assert buyer.locator("html").get_attribute("lang") == "zh-Hans"
    empty_cart(buyer)
    open_product(buyer, NITRATE)
    # The product page says what is in stock ("现货：2,800.000 吨", tonnes to the kilogram);
    # ask for one tonne more.
    availability = buyer.locator("main dl").first.inner_text()
    found = re.search(
        zh("In stock: %(quantity)s")
        % {"quantity": zh("%(amount)s t") % {"amount": r"([\d,]+)\.000"}},
        availability,
    )
    assert found is not None, availability
    stock = int(found.group(1).replace(",", ""))
    wanted = stock + 1
    add_to_cart(buyer, NITRATE, wanted)
    po = f"OVER-STOCK-{secrets.token_hex(3)}"
    try:
        check_out(buyer, "FOB|Karachi", "Tianjin", po)
        refusal = buyer.locator("main .alert-danger")
        expect(refusal).to_have_text(
            zh(
                "Not enough stock of %(title)s for %(quantity)s %(unit)s. "
                "Lower the quantity or order later."
            )
            # The unit as the Chinese reader says it (吨), from the same catalogue.
            % {
                "title": NITRATE,
                "quantity": wanted,
                "unit": (zh("%(amount)s t") % {"amount": ""}).strip(),
            }
        )
        # Still the checkout page, the terms kept; nothing ordered, nothing reserved.
        expect(buyer.locator("#buyer_po_number")).to_have_value(po)
        follow_nav(buyer, "/buyer/orders")
        expect(buyer.locator("main table")).not_to_contain_text(po)
        open_product(buyer, NITRATE)
        assert buyer.locator("main dl").first.inner_text() == availability
    finally:
        empty_cart(buyer)


def test_accepting_an_order_the_buyer_just_cancelled_is_refused_in_the_open_tab(
    people: People,
) -> None:
    buyer = people(BUYER)
    empty_cart(buyer)
    add_to_cart(buyer, EMULSION)
    po = f"TWO-TABS-{secrets.token_hex(3)}"
    check_out(buyer, "FOB|Karachi", "Shanghai", po)
    reference = order_reference(buyer)
    expect(status_badge(buyer)).to_have_text(zh("Placed"))

    # The seller's sales user opens the new order in a tab and starts to accept it.
    seller = people(SELLER)
    follow_nav(seller, "/seller/orders")
    seller.locator("main tr", has_text=reference).locator("a").first.click()
    seller.wait_for_load_state()
    seller.locator("#confirmed_ship_date").fill("2030-01-15")

    # Meanwhile the buyer cancels it.
    buyer.locator("#reason").fill("两个标签页测试：取消")
    buyer.locator("form[action$='/cancel'] button[type=submit]").click()
    buyer.wait_for_load_state()
    expect(buyer.locator("main .alert-success")).to_be_visible()
    expect(status_badge(buyer)).to_have_text(zh("Cancelled"))

    # The seller's tab, not reloaded, presses Accept: a clear refusal, not an error page.
    with seller.expect_response(re.compile(r"/accept$")) as answer:
        seller.locator("form[action$='/accept'] button[type=submit]").click()
    seller.wait_for_load_state()
    assert answer.value.status < 500
    expect(seller.locator("main .alert-danger")).to_have_text(
        "Someone changed this order a moment ago: it is now Cancelled."
    )
    expect(status_badge(seller)).to_have_text("Cancelled")

    # Both sides, looking again, see a cancelled order that nobody can accept.
    follow_nav(seller, "/seller/orders")
    seller.locator("main tr", has_text=reference).locator("a").first.click()
    expect(status_badge(seller)).to_have_text("Cancelled")
    expect(seller.locator("form[action$='/accept']")).to_have_count(0)
    follow_nav(buyer, "/buyer/orders")
    row = buyer.locator("main tr", has_text=po)
    expect(row).to_contain_text(zh("Cancelled"))
    row.locator("a").first.click()
    expect(status_badge(buyer)).to_have_text(zh("Cancelled"))


def _bad_listing_file(template: bytes, good_title: str) -> bytes:
    """The seller's template with one good row and two bad ones (rows 3 and 4)."""
    rows = list(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    header, example = rows[0], rows[1]
    good = dict(zip(header, example, strict=True)) | {"title": good_title}
    no_moq = good | {"title": good_title + " (no MOQ)", "moq": "a few pallets"}
    odd_currency = good | {"title": good_title + " (odd currency)", "currency": "DOGE"}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in (good, no_moq, odd_currency):
        writer.writerow(row)
    return out.getvalue().encode()


def test_a_listing_file_with_bad_rows_shows_its_report_and_imports_nothing(
    people: People,
) -> None:
    seller = people(SELLER, accept_downloads=True)
    follow_nav(seller, "/seller/")
    seller.locator("main a[href='/seller/listings']").first.click()
    listings_before = seller.locator("main table tbody tr").count()
    seller.locator("main a[href='/seller/listings/import']").first.click()
    with seller.expect_download() as download:
        seller.locator("main a[href$='template.csv']").click()
    template = Path(download.value.path()).read_bytes()
    title = f"Import check {secrets.token_hex(3)}"

    seller.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "listings.csv",
                "mimeType": "text/csv",
                "buffer": _bad_listing_file(template, title),
            }
        ]
    )
    seller.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    seller.wait_for_load_state()

    expect(seller.locator("main .alert-danger")).to_contain_text("Nothing was imported")
    report = seller.locator("#import-report tbody tr")
    expect(report).not_to_have_count(0)
    problems = [
        (row.locator("td").nth(0).inner_text(), row.locator("td").nth(1).inner_text())
        for row in report.all()
    ]
    assert ("3", "moq") in problems and ("4", "currency") in problems, problems
    assert all(number in ("3", "4") for number, _ in problems), problems

    # Not even the good row went in.
    seller.locator("main a[href='/seller/listings']").first.click()
    seller.wait_for_load_state()
    expect(seller.locator("main")).not_to_contain_text(title)
    assert seller.locator("main table tbody tr").count() == listings_before
