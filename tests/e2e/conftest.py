"""The app as users meet it: a real server process on a free loopback port, its own
database seeded with the demo world, the job consumer, localstripe for cards, and Debian's
Chromium driven headless by Playwright (never a downloaded browser).

A failing test leaves a screenshot and the page's HTML in ``tests/e2e/artifacts``.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.stripe_js import StripeJsStandIn
from tests.stripe_support import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    _start,
    _stop,
    free_port,
    register_webhook,
)
from tests.support.servers import BIN, ROOT, seed_demo, server_env, wait_until_up

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "Corridor demo 2026"


@dataclass(frozen=True)
class Stack:
    base_url: str
    stripe_url: str


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp("e2e")
    stripe_process, stripe_url = _start(work / "localstripe.log")
    stripe_js = StripeJsStandIn(stripe_url, SECRET_KEY).__enter__()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = server_env(
        work,
        PUBLIC_BASE_URL=base_url,
        STRIPE_SECRET_KEY=SECRET_KEY,
        STRIPE_PUBLISHABLE_KEY=PUBLISHABLE_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=stripe_url,
        STRIPE_JS_URL=stripe_js.js_url,
    )
    log = (work / "server.log").open("ab")
    seed_demo(env, log)
    # One worker process: the login throttle's in-memory counters are then the server's.
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    consumer = subprocess.Popen(
        [str(BIN / "python"), "-m", "app.worker", "--workers", "2", "--worker-type", "process",
         "--delay", "0.1", "--max-delay", "0.5"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        wait_until_up(f"{base_url}/healthz", server)
        register_webhook(stripe_url, "e2e", f"{base_url}/webhooks/stripe")
        yield Stack(base_url, stripe_url)
    finally:
        for process in (consumer, server):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        _stop(stripe_process)
        stripe_js.__exit__()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_FAILED] = report.failed


_FAILED = pytest.StashKey[bool]()


def new_page(browser: Browser, request: pytest.FixtureRequest, **context: object) -> Iterator[Page]:
    """A page in a fresh browser context (one person); keeps evidence if the test fails."""
    browser_context = browser.new_context(**context)  # type: ignore[arg-type]
    page = browser_context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        if request.node.stash.get(_FAILED, False):
            ARTIFACTS.mkdir(exist_ok=True)
            stem = ARTIFACTS / request.node.name
            for index, open_page in enumerate(browser_context.pages):
                open_page.screenshot(path=f"{stem}-{index}.png", full_page=True)
                Path(f"{stem}-{index}.html").write_text(open_page.content())
        browser_context.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield from new_page(browser, request, locale="en-GB")


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """From the start page, through the sign-in link and form, as a person would."""
    page.goto(base_url + "/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # a phone folds the menu away
        toggler.click()
    page.locator("a[href='/login']").first.click()
    try:
        page.wait_for_url("**/login*", timeout=10_000)
    except PlaywrightTimeoutError:
        # A tap while the phone's menu is still unfolding can land beside the link (seen on
        # a loaded 2-core machine); a person taps again, the test opens the page it leads to.
        page.goto(base_url + "/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def follow_nav(page: Page, href: str) -> None:
    """Click the navigation link to ``href``, opening the folded menu first on a phone, and
    the dropdown ("More") that holds the link, if one does."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    link = page.locator(f"nav a[href='{href}']").first
    if not link.is_visible():
        dropdown = page.locator(f"nav .dropdown:has(a[href='{href}']) .dropdown-toggle").first
        if dropdown.count():
            dropdown.click()
    link.click()
    page.wait_for_load_state()


def open_register(page: Page) -> None:
    """Through the navigation, as a person would: Finance, then the register tab."""
    follow_nav(page, "/finance/")
    page.locator("a[href='/finance/invoices']").first.click()
    page.wait_for_load_state()


def evidence(page: Page, name: str) -> None:
    """A screenshot and the HTML of ``page``, for whoever reads a failure."""
    ARTIFACTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", name)
    page.screenshot(path=str(ARTIFACTS / f"{safe}.png"), full_page=True)
    Path(ARTIFACTS / f"{safe}.html").write_text(page.content())


LOCALES = {"en": "en", "zh-Hans": "zh_Hans", "ur": "ur"}  # <html lang> -> switcher value


def switch_language(page: Page, locale: str) -> None:
    """Press the language switcher's button for ``locale`` (opening the folded menu).

    On a loaded 2-core machine a tap made while the phone menu is still unfolding can land
    beside the button (as ``sign_in`` found): if the page has not changed language, the
    button is pressed again, as a person would.
    """
    tag = next(tag for tag, value in LOCALES.items() if value == locale)
    for _attempt in range(2):
        button = page.locator(f"form[action='/language'] button[value='{locale}']")
        if not button.is_visible():
            page.locator(".navbar-toggler").click()
        button.click()
        page.wait_for_load_state()
        try:
            page.wait_for_function(
                "tag => document.documentElement.lang === tag", arg=tag, timeout=10_000
            )
        except PlaywrightTimeoutError:
            continue
        break
    assert LOCALES[page.locator("html").get_attribute("lang") or ""] == locale


def empty_cart(page: Page) -> None:
    """Remove every line of the cart with its Remove button."""
    follow_nav(page, "/buyer/cart")
    remove = page.locator("form:has(input[name=quantity][value='0']) button[type=submit]")
    for _ in range(50):  # the cart holds at most 50 lines
        if not remove.count():
            return
        remove.first.click()
        page.wait_for_load_state()
    raise AssertionError("the cart did not empty")


class People:
    """One browser context per person, signed in on first use. Keeps evidence of every
    open page (each tab of each person) when the test fails."""

    def __init__(self, browser: Browser, request: pytest.FixtureRequest, stack: Stack) -> None:
        self._browser, self._request, self._stack = browser, request, stack
        self._open: dict[str, Page] = {}
        self._restore: dict[str, str] = {}  # who -> the language to switch back to

    def __call__(self, email: str | None = None, **context: object) -> Page:
        """``email``'s page (None: someone not signed in, a new one each call)."""
        key = email or f"visitor-{len(self._open)}"
        if key not in self._open:
            options: dict[str, object] = {"locale": "en-GB", **context}
            page = self._browser.new_context(**options).new_page()  # type: ignore[arg-type]
            page.set_default_timeout(15_000)
            if email is not None:
                sign_in(page, self._stack.base_url, email)
            else:
                page.goto(self._stack.base_url + "/")
            self._open[key] = page
        return self._open[key]

    def use_language(self, page: Page, locale: str) -> None:
        """Switch ``page``'s person to ``locale`` (en, zh_Hans, ur) with the switcher. Signed
        in, that is remembered on the account, so the first language comes back at close."""
        who = next(key for key, open_page in self._open.items() if open_page is page)
        current = LOCALES[page.locator("html").get_attribute("lang") or "en"]
        if current != locale:
            self._restore.setdefault(who, current)
            switch_language(page, locale)

    def close(self) -> None:
        failed = self._request.node.stash.get(_FAILED, False)
        for who, page in self._open.items():
            try:
                if failed:
                    for index, tab in enumerate(page.context.pages):
                        evidence(tab, f"{self._request.node.name}-{who.split('@')[0]}-{index}")
                if who in self._restore:
                    switch_language(page, self._restore[who])
            finally:
                page.context.close()


@pytest.fixture
def people(browser: Browser, request: pytest.FixtureRequest, stack: Stack) -> Iterator[People]:
    found = People(browser, request, stack)
    yield found
    found.close()
