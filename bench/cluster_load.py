"""The clients of ``make cluster-check``: importers' ERPs placing orders through the API and
the seller's clerk accepting, producing and shipping them in the browser, then downloading
their documents, all through nginx while nodes are killed.

Every answer is classified: ``ok``; ``retried`` (the connection broke or nginx answered
502/503/504 because a node died: the client tries again, orders with the same
Idempotency-Key); ``refused`` (a clean 4xx the client understands, such as a move already
made); ``unexplained`` (a 500, or anything else: what the check must never see).
"""

from __future__ import annotations

import hashlib
import queue
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import requests

from bench.cluster_nodes import SELLER_PASSWORD

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_DOCUMENT = re.compile(r'href="(/documents/([A-Za-z0-9]+)\.pdf)"')
TRANSIENT = frozenset({502, 503, 504})


class Transient(Exception):
    """The request may not have reached a live node: try again."""


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    outcomes: Counter[str] = field(default_factory=Counter)
    answered: dict[str, str] = field(default_factory=dict)  # idempotency key -> order id
    shipped: list[tuple[str, str]] = field(default_factory=list)  # order id, buyer token
    downloads: dict[str, str] = field(default_factory=dict)  # document id -> SHA-256
    first_unexplained: list[str] = field(default_factory=list)
    first_retried: list[str] = field(default_factory=list)
    first_refused: list[str] = field(default_factory=list)

    def count(self, outcome: str, detail: str = "") -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            if outcome == "unexplained" and len(self.first_unexplained) < 5:
                self.first_unexplained.append(detail)
            if outcome == "refused" and len(self.first_refused) < 3:
                self.first_refused.append(detail)
            if outcome == "retried" and len(self.first_retried) < 3:
                self.first_retried.append(detail)


def _classify(tally: Tally, response: requests.Response, what: str) -> None:
    if response.status_code in TRANSIENT:
        tally.count("retried", f"{what}: {response.status_code}")
        raise Transient(what)
    if response.status_code >= 500:
        tally.count("unexplained", f"{what}: {response.status_code} {response.text[:200]}")
        raise Transient(what)


def _call(
    tally: Tally, session: requests.Session, method: str, url: str, **kwargs: object
) -> requests.Response:
    try:
        # verify passed per call: requests lets REQUESTS_CA_BUNDLE override session.verify.
        response = session.request(  # type: ignore[misc]
            method, url, timeout=30, allow_redirects=False, verify=session.verify, **kwargs
        )
    except requests.RequestException as error:
        tally.count("retried", f"{method} {url}: {error}")
        raise Transient(str(error)) from error
    _classify(tally, response, f"{method} {url}")
    return response


def place_orders(
    base: str,
    cert: str,
    token: str,
    products: list[str],
    buyer: int,
    until: float,
    tally: Tally,
    placed: queue.Queue[tuple[str, str]],
) -> None:
    session = requests.Session()
    session.verify = cert
    session.headers["Authorization"] = f"Bearer {token}"
    number = 0
    while time.monotonic() < until:
        number += 1
        key = f"CL-{buyer}-{number:05d}"
        body = {
            "lines": [{"product": products[number % len(products)], "quantity": 1 + number % 3}],
            "incoterm": "FOB",
            "named_place": "Karachi",
            "destination_country": "CN",
            "destination_port": "Shanghai",
            "consignee": f"Cluster Importer {buyer}, Shanghai",
            "notify_party": "Same as consignee",
            "payment_terms": "net_30",
            "buyer_po_number": key,
        }
        for _attempt in range(20):
            try:
                response = _call(
                    tally,
                    session,
                    "POST",
                    f"{base}/api/v1/orders",
                    json=body,
                    headers={"Idempotency-Key": key},
                )
            except Transient:
                time.sleep(0.3)
                continue
            if response.status_code in (200, 201):
                tally.count("ok")
                order_id = response.json()["id"]
                with tally.lock:
                    tally.answered[key] = order_id
                placed.put((order_id, token))
                time.sleep(2.5)  # an ERP's pace: the clerks and the renders keep up
            elif response.status_code == 409:
                tally.count("retried")  # the same key still in flight on another node
                time.sleep(0.3)
                continue
            else:
                tally.count("refused")
            break


class Clerk:
    """The seller's sales clerk in a browser: one session through nginx."""

    def __init__(self, base: str, cert: str, tally: Tally) -> None:
        self.base, self.tally = base, tally
        self.session = requests.Session()
        self.session.verify = cert

    def _form(self, page: str, action: str, data: dict[str, str]) -> None:
        shown = _call(self.tally, self.session, "GET", self.base + page)
        match = _CSRF.search(shown.text)
        if shown.status_code != 200 or match is None:
            self.tally.count("refused")
            raise Transient(f"no form on {page} ({shown.status_code})")
        answer = _call(
            self.tally,
            self.session,
            "POST",
            self.base + action,
            data={**data, "csrf_token": match.group(1)},
            headers={"Referer": self.base + page},
        )
        if answer.status_code in (302, 303):
            self.tally.count("ok")
        else:  # the form came back with what it refused
            refusal = re.findall(r"invalid-feedback[^>]*>\s*([^<]+)", answer.text)
            self.tally.count("refused", f"{action}: {answer.status_code} {refusal[:2]}")

    def sign_in(self) -> None:
        for _attempt in range(20):
            try:
                self._form(
                    "/login",
                    "/login",
                    {"email": "sales@cluster.example", "password": SELLER_PASSWORD},
                )
                return
            except Transient:
                time.sleep(0.5)
        raise RuntimeError("the clerk could not sign in")

    def _status(self, order_id: str, token: str) -> str:
        response = _call(
            self.tally,
            self.session,
            "GET",
            f"{self.base}/api/v1/orders/{order_id}",
            headers={"Authorization": f"Bearer {token}"},
        )
        return str(response.json()["status"])

    def ship(self, order_id: str, token: str) -> bool:
        """Accept, produce and ship the order, from whatever step it has reached."""
        page = f"/seller/orders/{order_id}"
        today = date.today()
        for _attempt in range(30):
            try:
                status = self._status(order_id, token)
                if status == "shipped":
                    return True
                if status == "placed":
                    self._form(
                        page,
                        page + "/accept",
                        {
                            "confirmed_ship_date": (today + timedelta(days=7)).isoformat(),
                            "note": "",
                        },
                    )
                elif status == "accepted":
                    self._form(page, page + "/start-production", {"note": ""})
                elif status == "in_production":
                    self._form(page + "/shipment", page + "/shipment", _shipment(order_id, today))
                else:
                    return False
            except Transient:
                time.sleep(0.3)
        return False

    def download(self, order_id: str) -> None:
        """Fetch every document the order page offers, keeping each PDF's SHA-256."""
        try:
            page = _call(self.tally, self.session, "GET", f"{self.base}/seller/orders/{order_id}")
            for link, document_id in set(_DOCUMENT.findall(page.text)):
                with self.tally.lock:
                    if document_id in self.tally.downloads:
                        continue
                pdf = _call(self.tally, self.session, "GET", self.base + link)
                if pdf.status_code == 200 and pdf.content.startswith(b"%PDF"):
                    self.tally.count("ok")
                    with self.tally.lock:
                        self.tally.downloads[document_id] = hashlib.sha256(pdf.content).hexdigest()
                else:
                    self.tally.count("refused")  # still being rendered: fetched later
        except Transient:
            pass


def _shipment(order_id: str, today: date) -> dict[str, str]:
    return {
        "mode": "sea",
        "carrier": "COSCO Shipping",
        "vessel": "COSCO Karachi",
        "voyage": "042E",
        "transport_document_number": f"COSU{order_id[:10]}",
        "container_numbers": "CSNU1234567",
        "port_of_loading": "Karachi",
        "port_of_discharge": "Shanghai",
        "etd": (today + timedelta(days=7)).isoformat(),
        "eta": (today + timedelta(days=21)).isoformat(),
        "net_weight_kg": "1000",
        "gross_weight_kg": "1050",
        "packages-0-count": "1",
        "packages-0-package_type": "bulk",
        "packages-0-marks": f"CLUSTER/{order_id[:8]}",
        "packages-0-contents": "Chromite ore",
        "packages-0-net_weight_kg": "1000",
        "packages-0-gross_weight_kg": "1050",
    }


def clerk_work(clerk: Clerk, placed: queue.Queue[tuple[str, str]], until: float) -> None:
    clerk.sign_in()
    # After the load, the orders still waiting are shipped too (within a bound).
    while time.monotonic() < until or (not placed.empty() and time.monotonic() < until + 30):
        try:
            order_id, token = placed.get(timeout=0.5)
        except queue.Empty:
            continue
        if clerk.ship(order_id, token):
            with clerk.tally.lock:
                clerk.tally.shipped.append((order_id, token))
            clerk.download(order_id)
