"""``flask backup`` then a wiped deployment, ``flask restore``: everything comes back intact."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import Document, DocumentKind, DocumentStatus, Order
from app.services.files.storage import LocalStorage
from app.services.orders.shipped import line_amounts_shipped
from tests.builders.documents import render_pending

SPEC_SHEET = b"%PDF-1.7\n% chromite ore lumps, Cr2O3 40 %, Fe 12 %, SiO2 6 %\n%%EOF\n"
LICENCE_SCAN = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048


@pytest.fixture
def deployment(isolated_app: Flask, tmp_path: Path) -> Flask:
    """The isolated app with the demo world seeded and two files stored."""
    storage = LocalStorage(tmp_path / "files")
    isolated_app.extensions["corridor_file_storage"] = storage
    result = isolated_app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    storage.put("spec-sheet-0000000001.pdf", SPEC_SHEET, "application/pdf")
    storage.put("licence-scan-000000001.png", LICENCE_SCAN, "image/png")
    return isolated_app


def _documents() -> dict[str, tuple[str, str, int]]:
    rows = db.session.execute(
        sa.select(Document.number, Document.sha256, Document.pdf, Document.total_minor).where(
            Document.status == DocumentStatus.ISSUED
        )
    )
    return {
        number: (sha256, hashlib.sha256(pdf).hexdigest(), total)
        for number, sha256, pdf, total in rows
    }


def _orders() -> dict[int, tuple[int, int, int, int, int, str]]:
    return {
        order.id: (
            order.goods_total_minor,
            order.freight_minor,
            order.insurance_minor,
            order.total_minor,
            # What the goods total is made of: the lines as ordered, or once shipped, the
            # quantities shipped within the tolerance (issue #20).
            sum(line_amounts_shipped(order).values())
            if order.shipments
            else sum(line.line_total_minor for line in order.lines),
            order.currency,
        )
        for order in db.session.scalars(sa.select(Order))
    }


def _wipe(app: Flask, storage_root: Path) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        else:
            engine.dispose()
            database = Path(engine.url.database or "")
            for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
                path.unlink(missing_ok=True)
        engine.dispose()
    for path in storage_root.iterdir():
        path.unlink()


def test_backup_wipe_restore_brings_back_every_document_order_and_file(
    deployment: Flask, tmp_path: Path
) -> None:
    with deployment.app_context():
        # Issued as the consumer would (tests queue no renders); the invoices suffice here.
        render_pending(deployment, DocumentKind.COMMERCIAL_INVOICE, DocumentKind.CREDIT_NOTE)
        db.session.remove()
        documents, orders = _documents(), _orders()
        db.session.remove()
    assert len(documents) >= 3
    for number, (stored_hash, actual_hash, _total) in documents.items():
        assert stored_hash == actual_hash, number
    assert len(orders) >= 5
    for goods, freight, insurance, total, lines, _currency in orders.values():
        assert total == goods + freight + insurance
        assert lines == goods

    # Every file in the storage: ours and whatever the demo world uploaded.
    files = {path.name: path.read_bytes() for path in (tmp_path / "files").iterdir()}
    runner = deployment.test_cli_runner()
    archive = tmp_path / "corridor-backup.tar.gz"
    made = runner.invoke(args=["backup", "--output", str(archive)])
    assert made.exit_code == 0, made.output
    assert f"{len(files)} files" in made.output
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))  # type: ignore[arg-type]
    hashes = {item["key"]: item["sha256"] for item in manifest["files"]}
    assert hashes["licence-scan-000000001.png"] == hashlib.sha256(LICENCE_SCAN).hexdigest()
    assert hashes["spec-sheet-0000000001.pdf"] == hashlib.sha256(SPEC_SHEET).hexdigest()
    assert set(hashes) == set(files)
    assert manifest["alembic_revision"] is not None

    _wipe(deployment, tmp_path / "files")
    with deployment.app_context():
        assert sa.inspect(db.engine).get_table_names() == []

    restored = runner.invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    with deployment.app_context():
        assert _documents() == documents
        assert _orders() == orders
        db.session.remove()
    assert (tmp_path / "files" / "spec-sheet-0000000001.pdf").read_bytes() == SPEC_SHEET
    assert (tmp_path / "files" / "licence-scan-000000001.png").read_bytes() == LICENCE_SCAN
    assert {path.name: path.read_bytes() for path in (tmp_path / "files").iterdir()} == files


def test_restore_refuses_a_deployment_that_is_not_empty(deployment: Flask, tmp_path: Path) -> None:
    runner = deployment.test_cli_runner()
    archive = tmp_path / "corridor-backup.tar.gz"
    assert runner.invoke(args=["backup", "--output", str(archive)]).exit_code == 0
    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code == 1
    assert "the database is not empty" in refused.output
    assert "restore needs an empty one" in refused.output


def test_restore_refuses_an_archive_whose_file_was_altered(
    deployment: Flask, tmp_path: Path
) -> None:
    runner = deployment.test_cli_runner()
    archive = tmp_path / "corridor-backup.tar.gz"
    assert runner.invoke(args=["backup", "--output", str(archive)]).exit_code == 0
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(altered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "files/spec-sheet-0000000001.pdf":
                data = data.replace(b"40 %", b"48 %")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    _wipe(deployment, tmp_path / "files")
    refused = runner.invoke(args=["restore", str(altered)])
    assert refused.exit_code == 1
    assert "stored file spec-sheet-0000000001.pdf is missing or does not match its SHA-256" in (
        refused.output
    )
    assert list((tmp_path / "files").iterdir()) == []
