"""Every route, every form field, hostile values, every kind of visitor: never a 500.

The fuzzer signs in as the people of a small trade (the seller's owner, sales and finance;
the buyer's owner, purchaser and finance), walks every page they can reach by its links,
and collects every form it finds. It then sends each form back with hostile values in
every visible field, as the person who saw it and as the staff of an unrelated company and
nobody; and it calls every URL rule of the app with hostile path and query values.

It asserts what a user relies on when someone hostile types into the site:
- no response is a 500;
- a refusal (any 4xx) writes nothing: every table keeps its row count;
- a stranger (another company's staff, or nobody) writes nothing whatever the answer;
- afterwards every order's payments still add up (the ledger's invariant).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, quote_from_bytes, urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app.extensions import db
from app.models import CompanyRole, OrderStatus, User
from tests.builders.orders import order_in
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import TEST_PASSWORD
from tests.support.ledger import assert_ledger_holds

pytestmark = pytest.mark.usefixtures("exchange_rates")

# What an attacker types: non-numbers, overflows, long and broken text, other scripts'
# digits, bidi overrides, SQL and template syntax. Bytes are sent as they are (a lone
# surrogate cannot be written in UTF-8, so it arrives as the bytes that would encode it).
HOSTILE: list[str | bytes] = [
    "NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1e308",
    "-0",
    "x" * 10_000,
    "\x00",
    b"\xed\xa0\x80",
    "\u202eevil",
    "١٢٣",
    "１２",
    "+3",
    "' OR 1=1 --",
    "{{ 7*7 }}{% raw %}",
    "-1",
]
# Strangers are refused before any field is read: a few values show that.
HOSTILE_FOR_STRANGERS: list[str | bytes] = ["NaN", "x" * 10_000, b"\xed\xa0\x80"]

# Requests that end the fuzzing person's session would sign the fuzzer out.
SESSION_ENDING = re.compile(r"/(logout|sign-out|password)")
# Forms that act on the sender's own company (no id in the URL, free text accepted): a
# stranger's post there rightly writes to the stranger's own company. Their 500s are still
# checked, and each person's own walk fuzzes them in full.
# The register's export form reads the sender's own books and audits the export (a row
# in the audit log, as every download is).
OWN_COMPANY_FORMS = re.compile(r"^/company/letterhead$|^/finance/invoices\.(csv|xlsx)$")
SKIP_PREFIXES = ("/static/", "/webhooks/")


@dataclass(frozen=True)
class Form:
    action: str
    method: str
    # name, value, fuzzable (visible); hidden values (where to go next) do not tell two
    # forms apart: the language switch on every page is one form.
    fields: tuple[tuple[str, str, bool], ...] = field(compare=False)
    names: tuple[str, ...] = ()


@dataclass
class Crawl:
    pages: set[str] = field(default_factory=set)
    forms: set[Form] = field(default_factory=set)


class _PageParser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: tuple[str, str] | None = None
        self._fields: list[tuple[str, str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(urljoin(self.base, attributes["href"]))
        elif tag == "form":
            action = urljoin(self.base, attributes.get("action") or self.base)
            self._form = (action, (attributes.get("method") or "get").lower())
            self._fields = []
        elif self._form is not None and tag in ("input", "select", "textarea"):
            name = attributes.get("name")
            if not name:
                return
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            visible = kind not in ("hidden", "file", "checkbox", "radio")
            self._fields.append((name, attributes.get("value", ""), visible))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            action, method = self._form
            fields = tuple(self._fields)
            self.forms.append(Form(action, method, fields, tuple(name for name, _, _ in fields)))
            self._form = None


def _local_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith(SKIP_PREFIXES) else path


def _crawl(client: FlaskClient, start: list[str], limit: int = 120) -> Crawl:
    """Every page reachable from ``start`` by links (GET only), and the forms on them."""
    crawl = Crawl()
    queue = list(start)
    while queue and len(crawl.pages) < limit:
        path = queue.pop(0)
        if path in crawl.pages or SESSION_ENDING.search(path):
            continue
        crawl.pages.add(path)
        response = client.get(path)
        assert response.status_code != 500, path
        if "text/html" not in response.content_type:
            continue
        parser = _PageParser(f"http://localhost{path}")
        parser.feed(response.get_data(as_text=True))
        crawl.forms.update(parser.forms)
        for link in parser.links:
            local = _local_path(link)
            # One page of each kind is enough: later pages of a list add no new forms.
            if local and local not in crawl.pages and "page=" not in local:
                queue.append(local)
    return crawl


def _encoded(value: str | bytes) -> str:
    return quote_from_bytes(value) if isinstance(value, bytes) else quote(value)


def _body(form: Form, hostile: str | bytes) -> str:
    return "&".join(
        f"{quote(name)}={_encoded(hostile) if visible else quote(value)}"
        for name, value, visible in form.fields
    )


def _row_counts() -> dict[str, int]:
    tables = [table.name for table in db.metadata.sorted_tables]
    counts = db.session.execute(
        # Table names come from our own metadata, never from a request.
        text(" UNION ALL ".join(f"SELECT '{name}', count(*) FROM {name}" for name in tables))  # noqa: S608
    )
    return {name: number for name, number in counts}


class RowCounts:
    """Every table's row count, carried from one request to the next.

    Counting once after each request (the last count is the next one's "before") halves
    the counting, which is most of this file's time on PostgreSQL.
    """

    def __init__(self) -> None:
        self._last = _row_counts()

    def changed(self) -> bool:
        now = _row_counts()
        changed, self._last = now != self._last, now
        return changed


def _send(client: FlaskClient, method: str, path: str, body: str) -> int:
    if method == "post":
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    else:
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}{body}" if body else path)
    return response.status_code


class Visitors:
    """The people of the trade, each with a signed-in test client of their own."""

    def __init__(self, app: Flask, trade: Trade) -> None:
        self.app = app
        self.people: dict[str, User] = {
            "seller owner": UserFactory(company=trade.seller, company_role=CompanyRole.OWNER),
            "seller sales": trade.sales,
            "seller finance": finance_of(trade.seller),
            "buyer owner": UserFactory(company=trade.buyer, company_role=CompanyRole.OWNER),
            "buyer purchaser": trade.purchaser,
            "buyer finance": finance_of(trade.buyer),
        }
        stranger_company = CompanyFactory(legal_name="Unrelated Trading FZE")
        self.strangers: dict[str, User] = {
            f"stranger {role.value}": UserFactory(company=stranger_company, company_role=role)
            for role in CompanyRole
        }
        db.session.commit()
        self._address = 0

    def client(self, user: User | None) -> FlaskClient:
        client = self.app.test_client()
        # A distinct address each: the sign-in throttle counts per address.
        self._address += 1
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{self._address}"
        if user is not None:
            response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
            assert response.status_code == 302, user.email
        return client


@pytest.fixture
def visitors(app: Flask) -> Iterator[Visitors]:
    trade = make_trade()
    for status in (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.SHIPPED):
        order_in(app, trade, status, quantity=200)
    order_in(app, trade, OrderStatus.DELIVERED, quantity=100, paid=True)
    yield Visitors(app, trade)


def _fuzz_forms(
    client: FlaskClient, forms: set[Form], values: list[str | bytes], *, stranger: bool
) -> int:
    sent = 0
    counts = RowCounts()
    for form in sorted(forms, key=lambda f: (f.action, f.method)):
        path = _local_path(form.action)
        if path is None or SESSION_ENDING.search(path):
            continue
        for hostile in values:
            status = _send(client, form.method, path, _body(form, hostile))
            sent += 1
            assert status != 500, f"{form.method.upper()} {path} with {hostile!r:.40}"
            wrote = counts.changed()
            if (stranger and not OWN_COMPANY_FORMS.match(path)) or status >= 400:
                assert not wrote, f"{form.method.upper()} {path} wrote"
    return sent


START = ["/", "/seller/", "/buyer/", "/finance/", "/company/", "/account/"]
PEOPLE = [
    "seller owner",
    "seller sales",
    "seller finance",
    "buyer owner",
    "buyer purchaser",
    "buyer finance",
]


# One test per person (each with a trade of its own), so the pieces spread over the test
# workers and none runs near the per-test time limit as the site grows.
@pytest.mark.parametrize("person", PEOPLE)
def test_no_form_answers_500_and_refusals_write_nothing(visitors: Visitors, person: str) -> None:
    client = visitors.client(visitors.people[person])
    crawl = _crawl(client, START)
    sent = _fuzz_forms(client, crawl.forms, HOSTILE, stranger=False)
    print(f"route fuzzer, {person}: {len(crawl.forms)} forms, {sent} requests")
    assert crawl.forms  # the walk reached this person's pages
    assert_ledger_holds()  # whatever was accepted, every order's payments still add up


def test_strangers_sending_any_form_write_nothing(visitors: Visitors) -> None:
    # Everyone of the trade walks first; strangers then send every form anyone saw.
    everything: set[Form] = set()
    for user in visitors.people.values():
        everything |= _crawl(visitors.client(user), START).forms
    strangers = [visitors.client(user) for user in [*visitors.strangers.values(), None]]
    sent = sum(
        _fuzz_forms(client, everything, HOSTILE_FOR_STRANGERS, stranger=True)
        for client in strangers
    )
    print(f"route fuzzer, strangers: {len(everything)} forms, {sent} requests")
    assert len(everything) > 30  # the walks reached the trade's pages
    assert_ledger_holds()


def _rule_paths(app: Flask, hostile: str | bytes) -> Iterator[tuple[str, str]]:
    value = _encoded(hostile)
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(SKIP_PREFIXES) or SESSION_ENDING.search(rule.rule):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?[^<>]+>", value, rule.rule)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            yield method.lower(), path


# Each person's hostile values in two halves, so the pieces spread over the test workers
# and none runs near the per-test time limit on a loaded machine.
@pytest.mark.parametrize("half", [0, 1])
@pytest.mark.parametrize("person", ["seller owner", "buyer owner", None])
def test_no_url_rule_answers_500_to_hostile_paths_and_queries(
    app: Flask, visitors: Visitors, person: str | None, half: int
) -> None:
    params = ["q", "page", "amount_min", "amount_max", "date_from", "date_to", "currency"]
    sent = 0
    client = visitors.client(None if person is None else visitors.people[person])
    counts = RowCounts()
    for hostile in HOSTILE[half::2]:
        query = "&".join(f"{name}={_encoded(hostile)}" for name in params)
        for method, path in _rule_paths(app, hostile):
            status = _send(client, method, path, query)
            sent += 1
            assert status != 500, f"{method.upper()} {path[:80]} with {hostile!r:.40}"
            if counts.changed():
                assert status < 400, f"{method.upper()} {path[:80]} wrote"
    print(f"route fuzzer, {person or 'nobody'}: {sent} rule requests")
    assert_ledger_holds()
