"""``url_maker``: the register's per-row links equal what the router would build."""

from __future__ import annotations

import pytest
from flask import Flask, url_for

from app.web.urls import url_maker


@pytest.mark.parametrize(
    ("endpoint", "public_id"),
    [
        ("finance.invoice", "yIhqT5bwUn4J5mLS"),
        ("documents.download", "ZzBirnF383BgbEEu"),
        ("documents.download_xml", "a b"),
        ("documents.download", "商业发票"),
    ],
)
def test_links_match_the_router(app: Flask, endpoint: str, public_id: str) -> None:
    with app.test_request_context():
        assert url_maker(endpoint, "public_id")(public_id) == url_for(endpoint, public_id=public_id)


def test_a_slash_cannot_leave_its_path_segment(app: Flask) -> None:
    with app.test_request_context():
        link = url_maker("documents.download", "public_id")("../../admin")
    assert link == "/documents/..%2F..%2Fadmin.pdf"
