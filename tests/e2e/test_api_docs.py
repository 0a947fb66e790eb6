"""``/api/docs`` in Chromium: Swagger UI from our own origin renders the OpenAPI document
under the site's Content-Security-Policy (no CDN, no inline script, no CSP violation)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack


def test_the_api_reference_renders_every_operation(page: Page, stack: Stack) -> None:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if not request.url.startswith((stack.base_url, "data:"))
            else None
        ),
    )

    page.goto(stack.base_url + "/api/docs")

    place = page.locator("#operations-orders-api_place_post")
    expect(place).to_be_visible()
    expect(place).to_contain_text("/api/v1/orders")
    place.locator(".opblock-summary").click()
    expect(place).to_contain_text("Idempotency-Key")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    assert problems == [], problems
    assert foreign == [], "everything comes from our own origin"
