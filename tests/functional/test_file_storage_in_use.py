"""The storage at work: photos served from an S3 bucket, orphans swept, lost jobs recovered."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import CompanyRole, OutboxEmail, Product, User
from app.models.base import utcnow
from app.models.stored_file import StoredFile
from app.services.audit.recording import Actor
from app.services.files.s3 import S3Storage
from app.services.files.storage import LocalStorage
from app.services.files.sweep import sweep_orphans
from app.services.listings import images
from app.services.outbox import queue_email
from app.services.stalled import requeue_stalled
from tests.factories import ProductFactory, UserFactory
from tests.support.images import jpeg
from tests.support.s3 import s3_client, s3_server


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(app: Flask, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> S3Storage:
    client = s3_client(s3_endpoint)
    name = f"corridor-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    storage = S3Storage(client, name)
    monkeypatch.setitem(app.extensions, "corridor_file_storage", storage)
    return storage


@pytest.fixture
def seller(app_ctx: None) -> User:
    user: User = UserFactory(email="sales@wahnobel.example", company_role=CompanyRole.SALES)
    return user


@pytest.fixture
def listing(seller: User) -> Product:
    product: Product = ProductFactory(seller=seller.company, title="Chromite ore lumps")
    return product


def test_a_listing_photo_goes_to_the_bucket_and_streams_back_to_a_buyer(
    app: Flask, client: FlaskClient, bucket: S3Storage, seller: User, listing: Product
) -> None:
    image = images.add_listing_image(Actor(seller), listing, jpeg())
    in_bucket = bucket.read(image.storage_key)
    assert in_bucket[:4] == b"RIFF" and in_bucket[8:12] == b"WEBP"

    served = client.get(f"/media/{image.storage_key}")
    assert served.status_code == 200
    assert served.is_streamed
    assert served.data == in_bucket
    assert served.headers["Content-Type"] == "image/webp"
    assert served.headers["ETag"] == f'"{image.storage_key}"'
    again = client.get(
        f"/media/{image.storage_key}", headers={"If-None-Match": served.headers["ETag"]}
    )
    assert again.status_code == 304
    assert client.get("/media/" + "Q" * 32 + ".webp").status_code == 404


def test_readiness_reports_a_bucket_that_is_gone(
    app: Flask, client: FlaskClient, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = S3Storage(s3_client(s3_endpoint), "corridor-never-made")
    monkeypatch.setitem(app.extensions, "corridor_file_storage", missing)
    ready = client.get("/healthz/ready")
    assert ready.status_code == 503
    assert ready.get_json()["storage"] == "unreachable"


def _aged(root: Path, name: str, hours: float) -> None:
    moment = (utcnow() - timedelta(hours=hours)).timestamp()
    os.utime(root / name, (moment, moment))


def test_the_sweep_removes_old_orphans_and_keeps_what_rows_name_or_is_young(
    app: Flask, seller: User, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path / "files")
    monkeypatch.setitem(app.extensions, "corridor_file_storage", storage)
    for key in ("kept-spec-00000001.pdf", "orphan-spec-000001.pdf", "young-orphan-0001.pdf"):
        storage.put(key, b"%PDF-1.7 specification", "application/pdf")
    (tmp_path / "files" / ".upload-crashed.tmp").write_bytes(b"half a file")
    db.session.add(
        StoredFile(
            company_id=seller.company_id,
            uploaded_by_id=seller.id,
            purpose="rfq_specification",
            filename="spec.pdf",
            content_type="application/pdf",
            byte_size=23,
            sha256="0" * 64,
            storage_key="kept-spec-00000001.pdf",
        )
    )
    db.session.flush()
    for name in ("kept-spec-00000001.pdf", "orphan-spec-000001.pdf", ".upload-crashed.tmp"):
        _aged(tmp_path / "files", name, hours=7)
    _aged(tmp_path / "files", "young-orphan-0001.pdf", hours=5)  # may be an upload in flight

    removed = sweep_orphans(utcnow())

    assert sorted(removed) == [".upload-crashed.tmp", "orphan-spec-000001.pdf"]
    assert sorted(path.name for path in (tmp_path / "files").iterdir()) == [
        "kept-spec-00000001.pdf",
        "young-orphan-0001.pdf",
    ]


def test_an_email_lost_with_a_killed_consumer_is_queued_again_after_90_seconds(
    app_ctx: None,
) -> None:
    message = queue_email("li@mcct.example", "Order CO-000042 shipped", "Your order shipped.")
    now = utcnow()
    message.created_at = now - timedelta(seconds=90)
    db.session.flush()
    assert requeue_stalled(now) == (0, 0)  # at 90 s exactly it may still be in the queue
    message.created_at = now - timedelta(seconds=91)
    db.session.flush()
    assert requeue_stalled(now) == (0, 1)
    message.sent_at = now
    db.session.flush()
    assert requeue_stalled(now) == (0, 0)  # sent: nothing to do
    assert db.session.get(OutboxEmail, message.id) is message
