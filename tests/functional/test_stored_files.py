"""Every trade upload is checked once, stored by key, and served back only as a download."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pikepdf
import pytest
from flask import Flask
from sqlalchemy.orm import scoped_session

from app.models import StoredFile
from app.services.errors import ValidationFailed
from app.services.files import read_stored, store_upload
from app.services.files.checks import download_name
from app.services.files.storage import LocalStorage
from app.web.files import send_stored
from tests.factories import CompanyFactory, UserFactory
from tests.support.images import HTML_PAYLOAD, jpeg
from tests.support.pdfs import hostile_pdfs, pdf_text, save, text_pdf


@pytest.fixture
def files_root(app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    root = tmp_path / "files"
    monkeypatch.setitem(app.config, "FILE_ROOT", str(root))
    monkeypatch.delitem(app.extensions, "corridor_file_storage", raising=False)
    return root


@pytest.mark.usefixtures("app_ctx", "files_root")
def test_a_pdf_specification_is_stored_without_its_script(db_session: scoped_session) -> None:
    buyer = UserFactory(company=CompanyFactory(chinese_buyer=True))
    hostile = hostile_pdfs()["open_action_javascript"]

    stored = store_upload(
        buyer, hostile, filename="规格书 chromite.pdf", purpose="rfq_attachment", field="spec"
    )

    content = read_stored(stored)
    assert content != hostile
    assert "/OpenAction" not in str(pikepdf.open(io.BytesIO(content)).Root.keys())
    assert "Transfer of USD 12,500.00" in pdf_text(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.byte_size == len(content)
    assert stored.content_type == "application/pdf"
    assert stored.filename == "规格书 chromite.pdf"
    assert stored.company_id == buyer.company_id
    assert db_session.get(StoredFile, stored.id) is stored


@pytest.mark.usefixtures("app_ctx", "files_root")
def test_a_clean_pdf_is_kept_byte_for_byte(db_session: scoped_session) -> None:
    seller = UserFactory()
    clean = save(text_pdf("Bill of lading KHI-SHA 0042"))

    stored = store_upload(seller, clean, filename="bl.pdf", purpose="b_l", field="file")

    assert read_stored(stored) == clean


@pytest.mark.usefixtures("app_ctx", "files_root")
def test_a_photo_is_remade_and_named_by_what_is_stored(db_session: scoped_session) -> None:
    seller = UserFactory()

    stored = store_upload(
        seller, jpeg(), filename="C:\\evil\\..\\drums.exe", purpose="message_attachment", field="f"
    )

    assert stored.content_type == "image/webp"
    assert read_stored(stored)[8:12] == b"WEBP"
    assert stored.filename == "drums.webp"


@pytest.mark.usefixtures("app_ctx", "files_root")
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (HTML_PAYLOAD, "Upload a PDF or a photo"),
        (b"", "Upload a PDF or a photo"),
        (b"%PDF-1.7 not really", "This PDF cannot be read"),
        (b"\x00" * (5 * 1024 * 1024 + 1), "The file is larger than 5 MB."),
    ],
)
def test_refusals_name_the_field_and_store_nothing(
    db_session: scoped_session, files_root: Path, upload: bytes, message: str
) -> None:
    buyer = UserFactory(company=CompanyFactory(chinese_buyer=True))

    with pytest.raises(ValidationFailed) as refused:
        store_upload(buyer, upload, filename="x.pdf", purpose="rfq_attachment", field="spec")

    assert refused.value.field == "spec"
    assert message in str(refused.value)
    assert db_session.query(StoredFile).count() == 0
    assert not files_root.exists() or list(files_root.iterdir()) == []


def test_download_names_keep_scripts_and_lose_tricks() -> None:
    assert download_name("../../etc/passwd", "application/pdf", "file") == "passwd.pdf"
    assert download_name("invoice\u202etxt.exe", "application/pdf", "file") == "invoicetxt.pdf"
    assert download_name("معاہدہ.pdf", "application/pdf", "file") == "معاہدہ.pdf"
    assert download_name('a"b;c.pdf', "image/webp", "file") == "a b c.webp"
    assert download_name(None, "application/pdf", "rfq-attachment") == "rfq-attachment.pdf"
    assert download_name("...", "application/pdf", "file") == "file.pdf"


def test_local_storage_refuses_keys_that_leave_its_root(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    storage.put("abcdefgh12.pdf", b"%PDF-", "application/pdf")

    assert storage.read("abcdefgh12.pdf") == b"%PDF-"
    for key in ("../escape.pdf", "/etc/passwd", "short", "abcdefgh12/../x.pdf"):
        with pytest.raises(ValueError):
            storage.read(key)
    storage.delete("abcdefgh12.pdf")
    assert not storage.exists("abcdefgh12.pdf")


@pytest.mark.usefixtures("app_ctx", "files_root")
def test_served_files_are_downloads_the_browser_never_runs(db_session: scoped_session) -> None:
    buyer = UserFactory(company=CompanyFactory(chinese_buyer=True))
    clean = save(text_pdf("Specification: Cr2O3 40% min"))
    stored = store_upload(buyer, clean, filename="规格书.pdf", purpose="rfq_attachment", field="f")

    response = send_stored(stored)

    assert b"".join(response.response) == clean  # type: ignore[arg-type]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"___.pdf\"; filename*=UTF-8''%E8%A7%84%E6%A0%BC%E4%B9%A6.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
