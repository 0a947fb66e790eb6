"""A webhook receiver on loopback, and the owner registering an endpoint on the page."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from flask.testing import FlaskClient

from app.models import User
from tests.support.auth import AuthActions

SECRET_SHOWN_ONCE = re.compile(r'id="new-webhook-secret">(whsec_[^<]+)<')


class Receiver:
    """An HTTP server on loopback that records each POST and answers the next queued code."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: list[int] = []
        # Run while the request is held open (the receiver "thinking"), before answering.
        self.during: Callable[[], None] | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = self.rfile.read(length).decode()
                code = receiver.answers.pop(0) if receiver.answers else 200
                if receiver.during is not None:
                    receiver.during()
                receiver.received.append(
                    {"headers": dict(self.headers), "body": body, "answered": code}
                )
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/corridor-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def register(client: FlaskClient, auth: AuthActions, owner: User, url: str, *events: str) -> str:
    """The owner adds an endpoint on the page; returns the secret the answer shows once."""
    auth.login(owner.email)
    response = client.post("/company/webhooks", data={"url": url, "events": list(events)})
    assert response.status_code == 200, response.get_data(as_text=True)
    match = SECRET_SHOWN_ONCE.search(response.get_data(as_text=True))
    assert match is not None
    return match.group(1)
