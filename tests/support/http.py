"""Reading what the app answered: page text, form errors, CSRF tokens and refusals."""

from __future__ import annotations

import html
import re
from typing import Any

from werkzeug.test import TestResponse

CSRF_MESSAGE = b"The form expired or was sent from elsewhere. Reload the page and try again."


def page_of(response: Any) -> str:
    """The response body as text."""
    text: str = response.get_data(as_text=True)
    return text


def text_of(response: Any) -> str:
    """The page as a reader sees its words: tags dropped, entities read, spaces collapsed
    (figures are wrapped in their own elements, so markup splits "Credit $7,156.00")."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", "", page_of(response)).split()))


def csrf_token(page: bytes) -> str:
    """The CSRF token a form on ``page`` carries (fails if there is none)."""
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match is not None, "no CSRF token on the page"
    return match.group(1).decode()


def assert_csrf_refused(response: TestResponse) -> None:
    """A 400 on our own error page (with its way back), saying the form expired."""
    assert response.status_code == 400
    assert CSRF_MESSAGE in response.data
    # Our own error page (the layout with its way back), not Werkzeug's bare one.
    assert b"Go to the start page" in response.data
    assert response.headers["Content-Type"].startswith("text/html")


def field_errors(page: str, field: str) -> list[str]:
    """The error messages the form shows under ``field`` (unescaped)."""
    block = re.search(rf'<div id="{field}-errors"[^>]*>((?:\s*<div>.*?</div>)*)', page, re.S)
    if block is None:
        return []
    return [html.unescape(message) for message in re.findall(r"<div>(.*?)</div>", block.group(1))]


def waiting_count(page: str, step: str) -> int:
    """The count a home page shows for ``step`` (its card's data-count)."""
    match = re.search(rf'id="waiting-{step}" data-count="(\d+)"', page)
    assert match is not None, f"no {step} count on the page"
    return int(match.group(1))


def order_references(page: str) -> list[str]:
    """The order references an order list shows, in order."""
    return re.findall(r">(CO-\d{6})</a>", page)
