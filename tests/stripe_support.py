"""A local Stripe (localstripe) for integration tests, and helpers to talk to it and sign.

``localstripe_url`` starts ``localstripe --from-scratch`` on a free loopback port once per
test module, waits until it answers, yields ``http://127.0.0.1:PORT`` and stops it
(terminate, then kill). Import it into a test module to use it::

    from tests import stripe_support

    localstripe_url = stripe_support.localstripe_url

Tests configure the app themselves (``stripe_config``) and restore the configuration after.
Note: localstripe always pickles its store to ``/tmp/localstripe.pickle``; with
``--from-scratch`` it never reads it back, so parallel workers do not see each other's data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SECRET_KEY = "sk_test_corridor"
PUBLISHABLE_KEY = "pk_test_corridor"
WEBHOOK_SECRET = "whsec_corridor_test_secret"
# Stripe's test Visa: only ever sent from the test to localstripe, as Stripe.js would.
TEST_CARD = "4242424242424242"
STARTUP_SECONDS = 15.0


def stripe_config(base_url: str) -> dict[str, str]:
    """The app configuration that points card payments at ``base_url``."""
    return {
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": base_url,
        "STRIPE_JS_URL": f"{base_url}/js.stripe.com/v3/",
    }


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header as Stripe computes it: HMAC-SHA256 of ``t.body``."""
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), b"%d." % stamp + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def stripe_call(
    base_url: str, method: str, path: str, data: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """One form-encoded API call to localstripe with the secret key; (status, JSON body)."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - a loopback http URL built by the test
        base_url + path,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {SECRET_KEY}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        parsed = json.loads(raw or b"{}")
    except ValueError:
        parsed = {"raw": raw.decode("utf-8", "replace")}
    return status, parsed


def pay_with_test_card(base_url: str, intent_id: str) -> dict[str, Any]:
    """What Stripe.js does in the buyer's browser: a card payment method, then confirm.

    localstripe answers 500 to ``confirm(payment_method=...)``, so the method is attached
    by updating the intent first.
    """
    status, method = stripe_call(
        base_url,
        "POST",
        "/v1/payment_methods",
        {
            "type": "card",
            "card[number]": TEST_CARD,
            "card[exp_month]": "12",
            "card[exp_year]": str(time.gmtime().tm_year + 3),
            "card[cvc]": "123",
        },
    )
    assert status == 200, method
    status, updated = stripe_call(
        base_url, "POST", f"/v1/payment_intents/{intent_id}", {"payment_method": method["id"]}
    )
    assert status == 200 and updated["status"] == "requires_confirmation", updated
    status, confirmed = stripe_call(base_url, "POST", f"/v1/payment_intents/{intent_id}/confirm")
    assert status == 200 and confirmed["status"] == "succeeded", confirmed
    return confirmed


def register_webhook(base_url: str, name: str, url: str, secret: str = WEBHOOK_SECRET) -> None:
    """Have localstripe deliver its events to ``url``, signed with ``secret``."""
    status, body = stripe_call(
        base_url, "POST", f"/_config/webhooks/{name}", {"url": url, "secret": secret}
    )
    assert status == 200, body


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _answers(base_url: str) -> bool:
    try:
        status, _ = stripe_call(base_url, "GET", "/v1/events?limit=1")
    except OSError:
        return False
    return status == 200


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _start(log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """localstripe on a free port; a few tries in case another process took the port."""
    for _ in range(3):
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(base_url):
                return process, base_url
            time.sleep(0.05)
        _stop(process)
    raise RuntimeError(f"localstripe did not start; see {log_path}")


@pytest.fixture(scope="module")
def localstripe_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a fresh localstripe, running for the test module."""
    log_path = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    process, base_url = _start(log_path)
    try:
        yield base_url
    finally:
        _stop(process)
