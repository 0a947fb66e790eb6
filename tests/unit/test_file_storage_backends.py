"""Both storage backends keep the same promises, S3 against a real S3 API on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.services.files.s3 import S3Storage
from app.services.files.storage import CHUNK_BYTES, LocalStorage, Storage
from tests.support.s3 import s3_client, s3_server


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    client = s3_client(request.getfixturevalue("s3_endpoint"))
    bucket = f"corridor-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return S3Storage(client, bucket, prefix="files/")


def test_a_stored_file_reads_back_byte_for_byte_and_goes_when_deleted(storage: Storage) -> None:
    key = "spec-sheet-chromite-0001.pdf"
    assert storage.exists(key) is False
    storage.put(key, b"%PDF-1.7 chromite ore 40% Cr2O3", "application/pdf")
    assert storage.exists(key) is True
    assert storage.read(key) == b"%PDF-1.7 chromite ore 40% Cr2O3"
    storage.delete(key)
    assert storage.exists(key) is False


def test_a_large_file_streams_in_chunks_never_as_one_piece(
    storage: Storage, tmp_path: Path
) -> None:
    big = tmp_path / "register.zip"
    content = bytes(range(256)) * 1024 + b"tail"  # 262,148 bytes: five 64 KiB chunks
    big.write_bytes(content)
    storage.put_file("register-export-0001.zip", big, "application/zip")
    chunks = list(storage.stream("register-export-0001.zip"))
    assert len(chunks) >= 5
    assert max(len(chunk) for chunk in chunks) <= CHUNK_BYTES
    assert b"".join(chunks) == content


def test_the_inventory_lists_every_file_with_its_size_and_age(storage: Storage) -> None:
    storage.put("photo-aaaaaaaa.jpg", b"x" * 10, "image/jpeg")
    storage.put("photo-bbbbbbbb.jpg", b"y" * 20, "image/jpeg")
    listed = {entry.key: entry for entry in storage.inventory()}
    assert {key: entry.byte_size for key, entry in listed.items()} == {
        "photo-aaaaaaaa.jpg": 10,
        "photo-bbbbbbbb.jpg": 20,
    }
    now = datetime.now(UTC)
    for entry in listed.values():
        assert now - timedelta(minutes=5) < entry.modified_at <= now + timedelta(minutes=5)


def test_keys_that_could_climb_out_are_refused(storage: Storage) -> None:
    for key in ("../../etc/passwd", "short", "a/b/c/d/e/f/g.pdf", ""):
        with pytest.raises(ValueError, match="not a storage key"):
            storage.put(key, b"x", "text/plain")


def test_a_missing_bucket_is_unreachable_and_a_real_one_reachable(s3_endpoint: str) -> None:
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket="corridor-present")
    assert S3Storage(client, "corridor-present").reachable() is True
    assert S3Storage(client, "corridor-absent").reachable() is False
