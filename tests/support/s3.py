"""A real S3 API on loopback (moto's standalone server) for the storage tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import boto3

S3_REGION = "us-east-1"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "corridor-test", "AWS_SECRET_ACCESS_KEY": "corridor-test-secret"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def s3_server() -> Iterator[str]:
    """Serve the S3 API on a free loopback port; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    )
