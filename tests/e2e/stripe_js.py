"""Stripe.js for the browser tests: localstripe's shim plus the confirmation it leaves out.

Real Stripe.js ``confirmCardPayment(clientSecret, {payment_method: {card}})`` sends the card
from the browser to Stripe, whose servers attach it to the PaymentIntent and confirm it.
localstripe's shim only completes 3-D Secure on an intent already waiting for it, and its
API takes no card confirmation with a publishable key. So this stand-in serves the shim with
``confirmCardPayment`` replaced: the card goes from the browser to this server (standing in
for Stripe's), which creates the PaymentMethod, attaches it and confirms the intent on
localstripe with the secret key, as Stripe would. Our page script, the CSP, the webhook and
everything after it are the real ones; the card never reaches the app under test.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any

_SHIM = files("localstripe").joinpath("localstripe-v3.js").read_text()
_PINNED_BASE = "const LOCALSTRIPE_BASE_API = {base};"
_CONFIRM_OVERRIDE = """
// Corridor browser tests: confirm card payments the way Stripe's servers would.
Stripe = (function (makeStripe) {
  return function (apiKey) {
    var stripe = makeStripe(apiKey);
    var authenticate = stripe.confirmCardPayment;
    stripe.confirmCardPayment = async function (clientSecret, data) {
      var card = data.payment_method.card.value.card;
      var body = new URLSearchParams({client_secret: clientSecret, key: apiKey});
      Object.keys(card).forEach(function (k) { body.append("card[" + k + "]", card[k]); });
      var response = await fetch(%(confirm_url)s, {method: "POST", body: body});
      var intent = await response.json();
      if (intent.error) { return {error: intent.error}; }
      if (intent.status === "requires_action") { return authenticate(clientSecret, data); }
      if (intent.status !== "succeeded") {
        return {error: intent.last_payment_error || {message: "Your card was declined."}};
      }
      return {paymentIntent: intent};
    };
    return stripe;
  };
})(Stripe);
"""


def _script(localstripe_url: str, confirm_url: str) -> bytes:
    start = _SHIM.index("const LOCALSTRIPE_BASE_API")
    end = _SHIM.index("})();", start) + len("})();")
    pinned = _SHIM[:start] + _PINNED_BASE.format(base=json.dumps(localstripe_url)) + _SHIM[end:]
    return (pinned + _CONFIRM_OVERRIDE % {"confirm_url": json.dumps(confirm_url)}).encode()


class StripeJsStandIn:
    """A loopback server for ``/js.stripe.com/v3/`` and the card confirmation behind it."""

    def __init__(self, localstripe_url: str, secret_key: str) -> None:
        self.localstripe_url = localstripe_url
        self.secret_key = secret_key
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.script = _script(localstripe_url, f"{self.url}/confirm")
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StripeJsStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def js_url(self) -> str:
        return f"{self.url}/js.stripe.com/v3/"

    def _stripe(self, method: str, path: str, params: dict[str, str] | None = None) -> Any:
        data = urllib.parse.urlencode(params or {}).encode() if method == "POST" else None
        request = urllib.request.Request(  # noqa: S310 - loopback localstripe
            self.localstripe_url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.secret_key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return json.load(response)
        except urllib.error.HTTPError as error:
            return json.load(error)

    def confirm(self, form: dict[str, str]) -> Any:
        secret = form.get("client_secret", "")
        intent_id = secret.split("_secret_")[0]
        intent = self._stripe("GET", f"/v1/payment_intents/{intent_id}")
        if intent.get("client_secret") != secret:
            return {"error": {"message": "No such payment intent."}}
        card = {k[5:-1]: v for k, v in form.items() if k.startswith("card[")}
        method = self._stripe(
            "POST",
            "/v1/payment_methods",
            {"type": "card", **{f"card[{k}]": v for k, v in card.items()}},
        )
        if "error" in method:
            return method
        attached = self._stripe(
            "POST", f"/v1/payment_intents/{intent_id}", {"payment_method": method["id"]}
        )
        if "error" in attached:
            return attached
        return self._stripe("POST", f"/v1/payment_intents/{intent_id}/confirm")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, body: bytes, content_type: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                origin = self.headers.get("Origin")
                if origin:
                    self.send_header("Access-Control-Allow-Origin", origin)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.startswith("/js.stripe.com/v3"):
                    self._send(stand_in.script, "application/javascript")
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                if self.path != "/confirm":
                    self.send_error(404)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                answer = stand_in.confirm(form)
                self._send(json.dumps(answer).encode(), "application/json")

            def log_message(self, *args: object) -> None:
                pass

        return Handler
