"""Files in an S3-compatible bucket (AWS S3, MinIO, Ceph ...): every machine sees them.

Credentials come the way boto3 always finds them (``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, an instance role ...); ``S3_ENDPOINT_URL`` points at a
non-AWS service. Reads stream in chunks; large files go up as multipart uploads from disk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from app.services.files.keys import CHUNK_BYTES, StoredEntry, checked_key


class S3Storage:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> S3Storage:
        client = boto3.client(
            "s3",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or None,
            # Retries with backoff: a node of the storage cluster may restart under load.
            config=BotoConfig(retries={"max_attempts": 5, "mode": "standard"}),
        )
        return cls(client, str(config["S3_BUCKET"]), str(config.get("S3_PREFIX") or ""))

    def _name(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type
        )

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        self.client.upload_file(
            str(path), self.bucket, self._name(key), ExtraArgs={"ContentType": content_type}
        )

    def read(self, key: str) -> bytes:
        body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        return bytes(body.read())

    def stream(self, key: str) -> Iterator[bytes]:
        # Asked for at once, so a missing key fails here, before a response has started.
        body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        return _chunks(body)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def inventory(self) -> Iterator[StoredEntry]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                key = str(item["Key"])[len(self.prefix) :]
                yield StoredEntry(key, int(item["Size"]), item["LastModified"])

    def reachable(self) -> bool:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError):
            return False
        return True


def _chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK_BYTES)
    finally:
        body.close()
