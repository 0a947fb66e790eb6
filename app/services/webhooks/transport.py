"""One HTTP POST to a receiver: checked destination, short timeouts, no redirects."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

from app.services.errors import ValidationFailed
from app.services.webhooks.addresses import check_destination

CONNECT_SECONDS = 5
READ_SECONDS = 10


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no HTTP answer (refused, timed out, not allowed)
    duration_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: str, headers: dict[str, str]) -> Answer:
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        check_destination(url)
    except ValidationFailed as refused:
        return Answer(None, took(), str(refused))
    # No proxies from the environment: the checked address must be the one connected to.
    with requests.Session() as session:
        session.trust_env = False
        try:
            response = session.post(
                url,
                data=body.encode(),
                headers=headers,
                timeout=(CONNECT_SECONDS, READ_SECONDS),
                allow_redirects=False,
                stream=True,  # the receiver's body is never read: nothing to download
            )
        except requests.RequestException as failure:
            return Answer(None, took(), f"{type(failure).__name__}: {failure}"[:300])
        response.close()
    code = response.status_code
    if 300 <= code < 400:
        return Answer(code, took(), "redirects are not followed")
    return Answer(code, took(), None if 200 <= code < 300 else f"HTTP {code}")
