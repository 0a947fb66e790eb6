"""The receipt form as the seller's finance meets it in Chromium: submitted, then Back and
submitted again, then a POST answer reloaded (F5): each transfer is recorded exactly once.

Uses a balance of one of the demo's accepted orders (the deposit is paid, the balance
open); each test records small amounts under references of its own.
"""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import People, Stack

FINANCE = "owner@wahnobel.example"  # the owner records receipts too, in English
RECORDED = "The receipt is recorded."
ALREADY = "This receipt was already recorded; nothing was added."


def _order_with_an_open_balance(page: Page, stack: Stack) -> str:
    """The finance page of a demo order whose receipt form is offered."""
    page.goto(stack.base_url + "/finance/")
    hrefs = {
        href
        for link in page.locator("a[href^='/finance/orders/']").all()
        if (href := link.get_attribute("href"))
    }
    for href in sorted(hrefs):
        page.goto(stack.base_url + href)
        if page.locator("form.receipt-form").count():
            return href
    raise AssertionError("no demo order of Wah Nobel has an open payment")


def _fill(page: Page, amount: str, reference: str) -> None:
    form = page.locator("form.receipt-form").last
    form.locator("input[name=amount]").fill(amount)
    form.locator("input[name=bank_reference]").fill(reference)


def _submit(page: Page) -> None:
    page.locator("form.receipt-form").last.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _entries(page: Page, stack: Stack, href: str, reference: str) -> int:
    page.goto(stack.base_url + href)
    return page.locator(f"tr.receipt[data-receipt-reference='{reference}']").count()


def test_submit_then_back_and_submit_again_records_one_receipt(
    stack: Stack, people: People
) -> None:
    page = people(FINANCE)
    href = _order_with_an_open_balance(page, stack)
    reference = f"E2E-TT-{secrets.token_hex(4).upper()}"
    _fill(page, "1.00", reference)
    _submit(page)
    expect(page.locator(".alert-success")).to_contain_text(RECORDED)
    # Back to the form as it was, and submit it again as a hurried clerk would.
    page.go_back()
    page.wait_for_load_state()
    if (
        not page.locator("form.receipt-form")
        .last.locator("input[name=bank_reference]")
        .input_value()
    ):
        _fill(page, "1.00", reference)  # the browser kept nothing: typed again, same transfer
    _submit(page)
    body = page.locator("main")
    if page.locator("#duplicate-warning").count():
        # A fresh form (a new key): the same transfer is held back for confirmation.
        expect(page.locator("#duplicate-warning")).to_contain_text("already recorded")
        page.get_by_role("link", name="Do not record it").click()
        page.wait_for_load_state()
    else:
        # The very same form (its key kept): answered as the first, nothing written.
        expect(body).to_contain_text(ALREADY)
    assert _entries(page, stack, href, reference) == 1


def test_reloading_the_answer_to_the_post_records_nothing_more(
    stack: Stack, people: People
) -> None:
    """F5 on a page that answered the POST sends the same body, key and CSRF token again."""
    page = people(FINANCE)
    href = _order_with_an_open_balance(page, stack)
    reference = f"E2E-F5-{secrets.token_hex(4).upper()}"
    receipts = re.compile(r".*/payments/milestones/[^/]+/receipts$")

    def held_answer(route: Route) -> None:
        # The server records it; the browser is shown a page as the POST's own answer
        # (as when the redirect never arrived), so that F5 re-posts the form.
        answer = route.fetch(max_redirects=0)
        assert answer.status == 302
        route.fulfill(status=200, content_type="text/html", body="<p id='sent'>Sent.</p>")

    page.route(receipts, held_answer)
    _fill(page, "1.00", reference)
    _submit(page)
    expect(page.locator("#sent")).to_be_visible()
    page.unroute(receipts)
    page.reload()  # the POST again: same body, same submission key
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(ALREADY)
    assert _entries(page, stack, href, reference) == 1
    # A duplicate-looking entry with a new form is held back, then recorded when confirmed.
    _fill(page, "1.00", reference)
    _submit(page)
    expect(page.locator("#duplicate-warning")).to_contain_text("already recorded")
    page.reload()  # F5 on the warning: warned again, nothing recorded
    page.wait_for_load_state()
    expect(page.locator("#duplicate-warning")).to_be_visible()
    assert _entries(page, stack, href, reference) == 1
