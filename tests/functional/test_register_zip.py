"""The register's ZIP of PDFs over HTTP: asked for with a filter, built by the job (inline in
tests), followed on its page and status JSON, downloaded by the company's finance staff only,
every step audited."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import (
    AuditEvent,
    Company,
    CompanyRole,
    Document,
    DocumentKind,
    DocumentStatus,
    User,
)
from app.models.base import utcnow
from app.models.finance import ExportStatus, RegisterExport
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_credit_note, issue_document, store_rendered_pdf
from app.services.finance import register_zip
from app.services.finance.register import RegisterFilter
from app.tasks.exports import remove_old_register_zips
from tests.factories import CompanyFactory, OrderFactory, UserFactory
from tests.support.auth import AuthActions

pytestmark = pytest.mark.usefixtures("exchange_rates")


def fake_pdf(number: str) -> bytes:
    """Bytes standing in for a rendered PDF (the ZIP never looks inside)."""
    return b"%PDF-1.7\n% " + number.encode() + b"\n" + hashlib.sha256(number.encode()).digest() * 64


@dataclass
class Books:
    seller: Company
    buyer: Company
    finance: User
    in_filter: list[Document]  # the buyer's invoice, credit note and invoice, with PDFs
    being_prepared: Document  # the buyer's too, but its PDF is not made yet
    other_counterparty: Document  # another buyer's invoice: outside the filter

    @property
    def query(self) -> str:
        return f"counterparty={self.buyer.public_id}"


def _invoice(seller: Company, buyer: Company, render: bool = True) -> Document:
    document = issue_document(
        Actor(None), OrderFactory(seller=seller, buyer=buyer), DocumentKind.COMMERCIAL_INVOICE
    )
    if render:
        assert store_rendered_pdf(document.id, fake_pdf(document.number))
    return document


@pytest.fixture
def books(app: Flask) -> Books:
    with app.test_request_context("/"):
        seller = CompanyFactory(legal_name="Wah Nobel Chemicals (Pvt) Ltd")
        buyer = CompanyFactory(chinese_buyer=True)
        finance = UserFactory(company=seller, company_role=CompanyRole.FINANCE)
        first = _invoice(seller, buyer)
        credit = issue_credit_note(Actor(finance), first, 50_000, "Two drums short-shipped")
        assert store_rendered_pdf(credit.id, fake_pdf(credit.number))
        second = _invoice(seller, buyer)
        pending = _invoice(seller, buyer, render=False)
        other = _invoice(seller, CompanyFactory(chinese_buyer=True))
        db.session.commit()
        db.session.expire_all()
        return Books(seller, buyer, finance, [first, credit, second], pending, other)


def _start(client: FlaskClient, query: str) -> str:
    """Press the register's ZIP button; the export's public id."""
    response = client.post(f"/finance/exports/zip?{query}")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/finance/exports/")
    return location.rsplit("/", 1)[1]


def _state(client: FlaskClient, public_id: str) -> dict[str, Any]:
    response = client.get(f"/finance/exports/{public_id}.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "private, no-store"
    state: dict[str, Any] = response.get_json()
    return state


def _get(client: FlaskClient, url: str) -> TestResponse:
    """GET ``url`` and close the response (a sent file stays open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _export_files(app: Flask, public_id: str) -> list[str]:
    """The export's files where they are built (EXPORT_ROOT) and where finished ones are
    kept (the file storage, here the default directory)."""
    roots = (Path(app.config["EXPORT_ROOT"]), Path(app.instance_path) / "files")
    return sorted(
        path.name for root in roots if root.exists() for path in root.glob(f"{public_id}*")
    )


def _audits(action: str, public_id: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_id == public_id)
        )
    )


def test_the_zip_holds_the_filtered_pdfs_and_a_manifest_of_their_digests(
    app: Flask, client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    public_id = _start(client, books.query)

    state = _state(client, public_id)
    download_url = f"/finance/exports/{public_id}/download"
    assert state == {
        "status": "done",
        "done": 3,
        "total": 3,
        "percent": 100,
        "download_url": download_url,
        "error": None,
        "message": state["message"],
    }
    assert "Ready: 3 PDFs" in state["message"]
    page = client.get(f"/finance/exports/{public_id}").get_data(as_text=True)
    assert 'role="progressbar"' in page and 'aria-valuenow="100"' in page
    assert f'href="{download_url}"' in page and "Ready: 3 PDFs" in page
    assert "js/export-progress.js" in page

    response = _get(client, download_url)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=invoices-")
    assert response.headers["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names[-1] == "manifest.csv"
    expected = {document.filename: document for document in books.in_filter}
    assert sorted(names[:-1]) == sorted(expected)  # the other buyer's and the unready left out
    for name, document in expected.items():
        content = archive.read(name)
        assert content == fake_pdf(document.number)
        assert hashlib.sha256(content).hexdigest() == document.sha256
        assert archive.getinfo(name).compress_type == zipfile.ZIP_STORED
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
    assert manifest[0] == ["number", "file", "sha256", "bytes"]
    assert manifest[1:] == [
        [expected[name].number, name, expected[name].sha256, str(len(archive.read(name)))]
        for name in names[:-1]
    ]

    export = db.session.scalar(select(RegisterExport).where(RegisterExport.public_id == public_id))
    assert export is not None and export.status is ExportStatus.DONE
    assert export.filters == {"counterparty": books.buyer.public_id}
    assert export.byte_size == len(response.data) and export.finished_at is not None
    assert _export_files(app, public_id) == [f"{public_id}.zip"]  # no temporary file left
    (requested,) = _audits("register.zip_requested", public_id)
    assert requested.actor_id == books.finance.id and requested.company_id == books.seller.id
    assert requested.details == {
        "filter": {"counterparty": books.buyer.public_id},
        "documents": 3,
    }
    (downloaded,) = _audits("register.zip_downloaded", public_id)
    assert downloaded.actor_id == books.finance.id
    assert downloaded.details == {"documents": 3, "bytes": export.byte_size}


def test_the_register_order_and_every_filter_carry_into_the_zip(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    public_id = _start(client, f"{books.query}&kind=commercial_invoice&sort=number")
    data = _get(client, f"/finance/exports/{public_id}/download").data
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    invoices = [books.in_filter[0], books.in_filter[2]]
    assert names == [*sorted(document.filename for document in invoices), "manifest.csv"]


@pytest.fixture
def commits() -> Iterator[list[tuple[str, int, int]]]:
    """(status, done, total) of every export as each transaction commits."""
    seen: list[tuple[str, int, int]] = []

    def record(session: Session) -> None:
        for status, done, total in session.execute(
            select(RegisterExport.status, RegisterExport.done, RegisterExport.total)
        ):
            seen.append((status.value, done, total))

    event.listen(Session, "before_commit", record)
    try:
        yield seen
    finally:
        event.remove(Session, "before_commit", record)


def test_progress_is_committed_batch_by_batch_for_the_page_to_follow(
    client: FlaskClient,
    auth: AuthActions,
    books: Books,
    commits: list[tuple[str, int, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(register_zip, "BATCH_SIZE", 1)
    auth.login(books.finance.email)
    commits.clear()  # signing in commits too
    _start(client, books.query)
    running = [done for status, done, total in commits if status == "running" and total == 3]
    assert running[-3:] == [0, 1, 2]  # one committed step per batch, before its files
    assert commits[0] == ("queued", 0, 3)
    assert commits[-1] == ("done", 3, 3)


def test_only_this_companys_finance_staff_see_its_exports(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    public_id = _start(client, books.query)
    urls = [
        f"/finance/exports/{public_id}",
        f"/finance/exports/{public_id}.json",
        f"/finance/exports/{public_id}/download",
    ]
    auth.logout()
    for url in urls:  # signed out: to the sign-in page
        assert client.get(url).status_code == 302
    owner = UserFactory(company=books.seller, company_role=CompanyRole.OWNER)
    auth.login(owner.email)
    for url in urls:
        assert _get(client, url).status_code == 200
    auth.logout()
    # The buyer holds the same invoices, and another seller is a stranger: neither sees it.
    for outsider in (
        UserFactory(company=books.buyer, company_role=CompanyRole.FINANCE),
        UserFactory(company=CompanyFactory(), company_role=CompanyRole.OWNER),
    ):
        auth.login(outsider.email)
        for url in urls:
            assert client.get(url).status_code == 404
        auth.logout()
    assert len(_audits("register.zip_downloaded", public_id)) == 1  # the owner's only
    for role, company in (
        (CompanyRole.SALES, books.seller),
        (CompanyRole.VIEWER, books.seller),
        (CompanyRole.PURCHASER, books.buyer),
    ):
        auth.login(UserFactory(company=company, company_role=role).email)
        assert client.post(f"/finance/exports/zip?{books.query}").status_code == 403
        for url in urls:
            assert client.get(url).status_code == 403
        auth.logout()


@pytest.mark.parametrize(
    ("locale", "reason"),
    [
        ("en", "{number}: the PDF does not match its stored SHA-256."),
        ("zh_Hans", "{number}：PDF 与其存储的 SHA-256 不一致。"),
    ],
)
def test_a_pdf_that_does_not_match_its_digest_fails_the_export_and_leaves_no_file(
    app: Flask, client: FlaskClient, auth: AuthActions, books: Books, locale: str, reason: str
) -> None:
    # As if the stored bytes had been damaged: they no longer hash to the recorded digest.
    pending = books.being_prepared
    db.session.execute(
        update(Document)
        .where(Document.id == pending.id)
        .values(
            pdf=b"%PDF-1.7 damaged",
            sha256="0" * 64,
            byte_size=16,
            rendered_at=utcnow(),
            status=DocumentStatus.ISSUED,
        )
    )
    books.finance.locale = locale  # the reason is written in the requester's language
    db.session.commit()
    auth.login(books.finance.email)
    public_id = _start(client, books.query)
    state = _state(client, public_id)
    assert state["status"] == "failed" and state["download_url"] is None
    assert state["error"] == reason.format(number=pending.number)
    assert state["total"] == 4
    if locale == "en":
        assert state["message"] == "The ZIP could not be built."
    page = client.get(f"/finance/exports/{public_id}").get_data(as_text=True)
    retry = re.search(r'<form id="zip-export-retry"[^>]*>', page)
    assert state["error"] in page and retry is not None and "hidden" not in retry.group(0)
    assert client.get(f"/finance/exports/{public_id}/download").status_code == 404
    assert _export_files(app, public_id) == []
    export = db.session.scalar(select(RegisterExport).where(RegisterExport.public_id == public_id))
    assert export is not None and export.finished_at is not None and export.byte_size is None
    assert _audits("register.zip_downloaded", public_id) == []


def test_a_filter_without_pdfs_starts_nothing(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    response = client.post("/finance/exports/zip?q=no-such-number")
    assert response.status_code == 302
    assert response.headers["Location"] == "/finance/invoices?q=no-such-number"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No issued invoice or credit note with a PDF matches this filter." in page
    assert db.session.scalar(select(RegisterExport.id)) is None
    assert (
        db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "register.zip_requested")
        )
        is None
    )


def test_asking_twice_before_the_job_starts_queues_one_export(app: Flask, books: Books) -> None:
    with app.test_request_context("/"):
        actor = Actor(books.finance)
        chosen = RegisterFilter(counterparty=books.buyer.public_id)
        today = utcnow().date()
        first = register_zip.start_export(actor, books.seller, chosen, today)
        assert first.status is ExportStatus.QUEUED and first.total == 3
        assert register_zip.start_export(actor, books.seller, chosen, today) is first
        other = register_zip.start_export(actor, books.seller, RegisterFilter(), today)
        assert other is not first and other.total == 4
        db.session.rollback()  # nothing committed: no job ran


def test_an_export_whose_worker_died_ends_as_failed_and_can_be_started_again(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    # The whole register's ZIP, claimed two hours ago by a worker that was then killed.
    export = RegisterExport(
        company_id=books.seller.id,
        requested_by_id=books.finance.id,
        filters=RegisterFilter().to_args(),
        status=ExportStatus.RUNNING,
        total=4,
        done=1,
        created_at=utcnow() - timedelta(hours=2),
    )
    db.session.add(export)
    db.session.commit()
    stale_id = export.public_id
    auth.login(books.finance.email)
    state = client.get(f"/finance/exports/{stale_id}.json").get_json()
    assert state["status"] == "failed" and state["download_url"] is None
    assert state["error"] == "The build stopped before it finished. Try again."
    page = client.get(f"/finance/exports/{stale_id}").get_data(as_text=True)
    assert "Try again" in page and "The build stopped before it finished." in page
    again = client.post("/finance/exports/zip")
    assert again.status_code == 302
    fresh_id = again.headers["Location"].rsplit("/", 1)[1]
    assert fresh_id != stale_id, "a dead build is not handed out again"
    assert client.get(f"/finance/exports/{fresh_id}.json").get_json()["status"] == "done"


def test_zips_are_kept_a_week_then_removed_and_can_be_built_again(
    app: Flask, client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    old_id = _start(client, books.query)
    new_id = _start(client, "")
    root = Path(app.config["EXPORT_ROOT"])
    eight_days_ago = (utcnow() - timedelta(days=8)).timestamp()
    stored = Path(app.instance_path) / "files"  # finished ZIPs are in the file storage
    os.utime(stored / f"{old_id}.zip", (eight_days_ago, eight_days_ago))
    dead_build = root / "deadbeef.zip.part"  # a build killed two days ago
    dead_build.write_bytes(b"partial")
    os.utime(dead_build, (eight_days_ago, eight_days_ago))

    remove_old_register_zips()  # the consumer's hourly task (run inline here)
    with app.app_context():
        assert register_zip.remove_old_zips(utcnow()) == 0, "nothing else was old"

    assert _export_files(app, old_id) == [] and not dead_build.exists()
    assert _export_files(app, new_id) == [f"{new_id}.zip"], "a recent ZIP stays"
    state = _state(client, old_id)
    assert state["status"] == "failed" and state["download_url"] is None
    assert state["message"] == "This ZIP was deleted a week after it was built."
    assert _get(client, f"/finance/exports/{old_id}/download").status_code == 404
    page = client.get(f"/finance/exports/{old_id}").get_data(as_text=True)
    assert "Try again" in page
    assert _state(client, new_id)["status"] == "done"
    rebuilt = _start(client, books.query)
    assert rebuilt != old_id and _state(client, rebuilt)["status"] == "done"
