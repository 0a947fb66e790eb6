"""The register's ZIP of PDFs in a real browser: asked for from a filtered register, built by
the job consumer, followed on a page that updates itself, then downloaded and checked."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
import zipfile

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, open_register, sign_in


def _numbers_once_rendered(page: Page, seconds: float = 60) -> list[str]:
    """The register's document numbers once every PDF is made (the consumer renders the
    demo's documents as the stack starts; the ZIP leaves out those not ready)."""
    rows = page.locator("#register tbody tr[data-number]")
    deadline = time.monotonic() + seconds
    while True:
        numbers = [row.get_attribute("data-number") or "" for row in rows.all()]
        ready = page.locator("#register tbody tr[data-number] a[href$='.pdf']").count()
        if numbers and ready == len(numbers):
            return numbers
        assert time.monotonic() < deadline, f"{len(numbers) - ready} PDFs still being prepared"
        time.sleep(1)
        page.reload()


def test_finance_downloads_a_zip_of_the_filtered_register_after_watching_it_build(
    stack: Stack, page: Page
) -> None:
    sign_in(page, stack.base_url, "finance@wahnobel.example")
    open_register(page)
    # Invoices only: the register's credit notes (if any) stay out of the ZIP.
    page.locator("select[name=kind]").select_option("commercial_invoice")
    page.locator("main form[method=get]:not(#register-export) button[type=submit]").click()
    page.wait_for_load_state()
    assert "kind=commercial_invoice" in page.url
    numbers = _numbers_once_rendered(page)
    assert all(re.fullmatch(r"WN-CI-\d{4}-\d{6}", number) for number in numbers)

    page.locator("form[action^='/finance/exports/zip'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/finance/exports/[A-Za-z0-9]+$"))
    page.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloads
    meter = page.locator("#zip-export [role=progressbar]")
    expect(meter).to_have_attribute("aria-valuenow", "100", timeout=30_000)
    download_link = page.locator("#zip-export-download")
    expect(download_link).to_be_visible()
    assert page.evaluate("() => window.sameDocument === true")
    bar = meter.locator(".progress-bar")
    expect(bar).to_have_text("100%")
    # The bar fills its track (Bootstrap animates the width: wait for the transition).
    page.wait_for_function(
        "(bar) => bar.getBoundingClientRect().width"
        " >= 0.99 * bar.parentElement.getBoundingClientRect().width",
        arg=bar.element_handle(),
    )

    with page.expect_download() as caught:
        download_link.click()
    download = caught.value
    assert re.fullmatch(r"invoices-\d{8}-\d{6}\.zip", download.suggested_filename)
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        assert names == [f"{number}.pdf" for number in numbers] + ["manifest.csv"]
        manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
        assert [row["number"] for row in manifest] == numbers
        for row in manifest:
            content = archive.read(row["file"])
            assert content.startswith(b"%PDF")
            assert hashlib.sha256(content).hexdigest() == row["sha256"]
            assert int(row["bytes"]) == len(content)
