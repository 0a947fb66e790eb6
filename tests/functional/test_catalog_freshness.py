"""Fresh on publish, across processes: two real servers on one database and one shared
facet store. A seller withdraws and publishes through one; a buyer searches the other at
once, after both have cached the page, and sees the change in the listing and its count.
"""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from tests.stripe_support import free_port
from tests.support.servers import BIN, ROOT, seed_demo, server_env, wait_until_up

SELLER = "sales@wahnobel.example"
PASSWORD = "Corridor demo 2026"
SEARCH = "/catalog?q=%E9%9B%B7%E7%AE%A1"  # 雷管 (detonator)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    work = tmp_path_factory.mktemp("fresh")
    env = server_env(work)
    log = (work / "server.log").open("ab")
    seed_demo(env, log)
    ports = [free_port(), free_port()]
    command = [str(BIN / "gunicorn"), "--workers", "1", "wsgi:app", "--bind"]
    processes = [
        subprocess.Popen([*command, f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=log)
        for port in ports
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, process in zip(bases, processes, strict=True):
            wait_until_up(f"{base}/healthz", process)
        yield bases[0], bases[1]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
        log.close()


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return str(response.read().decode())

    def post(self, path: str, form_page: str, **fields: str) -> str:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', self.get(form_page))
        assert token is not None
        data = urllib.parse.urlencode({"csrf_token": token.group(1), **fields}).encode()
        with self.opener.open(self.base + path, data=data, timeout=30) as response:
            return str(response.read().decode())


def _listed(page: str) -> int:
    found = re.search(r'id="results-heading"[^>]*>(\d+) listings?<', page)
    assert found is not None, page[-2000:]
    return int(found.group(1))


def test_a_withdrawn_and_republished_listing_shows_in_the_next_search_of_another_process(
    servers: tuple[str, str],
) -> None:
    seller_side, buyer_side = servers
    buyer_a, buyer_b = Browser(seller_side), Browser(buyer_side)
    before = _listed(buyer_a.get(SEARCH))
    assert before >= 1
    for buyer in (buyer_a, buyer_b):  # both processes have the answer cached now
        page = buyer.get(SEARCH)
        assert _listed(page) == before and "Non-electric shock-tube detonators" in page

    seller = Browser(seller_side)
    seller.post("/login", "/login", email=SELLER, password=PASSWORD)
    listings = seller.get("/seller/listings")
    public_id = re.search(r'/seller/listings/([\w-]+)/edit"[^>]*>(?:<bdi>)?Non-electric', listings)
    assert public_id is not None
    edit = f"/seller/listings/{public_id.group(1)}/edit"

    seller.post(f"/seller/listings/{public_id.group(1)}/archive", edit)
    for buyer in (buyer_b, buyer_a):  # at once, no waiting, in either process
        page = buyer.get(SEARCH)
        assert _listed(page) == before - 1 and "Non-electric shock-tube detonators" not in page

    seller.post(f"/seller/listings/{public_id.group(1)}/publish", edit)
    for buyer in (buyer_b, buyer_a):
        page = buyer.get(SEARCH)
        assert _listed(page) == before and "Non-electric shock-tube detonators" in page
