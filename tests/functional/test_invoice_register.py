"""The invoice register: filters and their combinations against a hand-computed set,
per-currency totals, aging buckets, exports with frozen rates, credit notes, access."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date
from flask import g
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    CompanyRole,
    Document,
    DocumentKind,
)
from app.services.finance import register as invoice_register
from app.services.finance.register import (
    AgingBucket,
    Direction,
    InvoiceStatus,
    RegisterFilter,
    aging,
    aging_bucket,
    register_page,
)
from tests.builders.register_books import TODAY, Books, books_fixture, make_invoice  # noqa: F401
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.db import counted_statements
from tests.support.http import field_errors, page_of
from tests.support.ledger import new_key


def numbers_for(books: Books, **criteria: object) -> set[str]:
    chosen = RegisterFilter(**criteria)  # type: ignore[arg-type]
    page = register_page(books.seller.id, chosen, 1, TODAY)
    return {row.document.number for row in page.rows}


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({}, ("i1", "i2", "i3", "i4", "cn")),
        ({"direction": Direction.ISSUED}, ("i1", "i2", "i3", "cn")),
        ({"direction": Direction.RECEIVED}, ("i4",)),
        ({"kind": DocumentKind.CREDIT_NOTE}, ("cn",)),
        ({"kind": DocumentKind.COMMERCIAL_INVOICE}, ("i1", "i2", "i3", "i4")),
        ({"currency": "EUR"}, ("i3",)),
        ({"status": InvoiceStatus.PAID}, ("i1",)),
        ({"status": InvoiceStatus.PARTLY_PAID}, ("i2",)),
        ({"status": InvoiceStatus.UNPAID}, ("i3", "i4")),
        ({"status": InvoiceStatus.OVERDUE}, ("i2", "i4")),
        ({"amount_min": Decimal("500"), "amount_max": Decimal("1000")}, ("i1", "i3")),
        ({"amount_min": Decimal("2500")}, ("i2",)),
        ({"amount_max": Decimal("299.99")}, ("cn",)),
        ({"q": "alpha"}, ("i1", "i3")),
        ({"q": "-cn-"}, ("cn",)),
        ({"date_from": date(2026, 2, 1), "date_to": date(2026, 2, 28)}, ("i2", "i4")),
        ({"date_to": date(2026, 1, 10)}, ("i1",)),
        ({"aging": AgingBucket.DAYS_31_60}, ("i2",)),
        ({"aging": AgingBucket.DAYS_1_30}, ("i4",)),
        ({"aging": AgingBucket.CURRENT}, ("i3",)),
        ({"direction": Direction.ISSUED, "status": InvoiceStatus.OVERDUE}, ("i2",)),
        ({"currency": "USD", "q": "beta", "direction": Direction.ISSUED}, ("i2", "cn")),
        ({"direction": Direction.ISSUED, "date_from": date(2026, 2, 1), "date_to": date(2026, 2, 28)}, ("i2",)),
        ({"status": InvoiceStatus.UNPAID, "currency": "USD"}, ("i4",)),
        ({"kind": DocumentKind.CREDIT_NOTE, "status": InvoiceStatus.PAID}, ()),
    ],
)  # fmt: skip
def test_each_filter_and_combinations_select_the_hand_computed_set(
    books: Books, criteria: dict[str, object], expected: tuple[str, ...]
) -> None:
    assert numbers_for(books, **criteria) == {getattr(books, name).number for name in expected}


def test_counterparty_filter_and_scoping(books: Books) -> None:
    assert numbers_for(books, counterparty=books.b1.public_id) == books.numbers(
        books.i1, books.i2, books.cn
    )
    assert numbers_for(books, counterparty=books.x.public_id) == books.numbers(books.i4)
    # The buyer's register holds what it received from the seller, nothing of the others.
    b1_page = register_page(books.b1.id, RegisterFilter(), 1, TODAY)
    assert {row.document.number for row in b1_page.rows} == books.numbers(
        books.i1, books.i2, books.cn
    )
    assert {row.direction for row in b1_page.rows} == {Direction.RECEIVED}


def test_totals_per_currency_subtract_credit_notes_and_sum_outstanding(books: Books) -> None:
    page = register_page(books.seller.id, RegisterFilter(), 1, TODAY)
    totals = {total.currency: total for total in page.totals}
    assert set(totals) == {"USD", "EUR"}
    # USD: 1,000 + 2,500 + 300 received - 200 credited; outstanding 2,300 - 750 and 300.
    assert (totals["USD"].count, totals["USD"].amount_minor) == (4, 360_000)
    assert totals["USD"].outstanding_minor == 155_000 + 30_000
    assert (totals["EUR"].count, totals["EUR"].amount_minor, totals["EUR"].outstanding_minor) == (
        1,
        80_000,
        80_000,
    )
    overdue = register_page(books.seller.id, RegisterFilter(status=InvoiceStatus.OVERDUE), 1, TODAY)
    assert [(t.currency, t.amount_minor) for t in overdue.totals] == [("USD", 280_000)]


def test_rows_show_net_amount_status_and_due_date(books: Books) -> None:
    page = register_page(books.seller.id, RegisterFilter(sort="number"), 1, TODAY)
    rows = {row.document.number: row for row in page.rows}
    i2 = rows[books.i2.number]
    assert (i2.net_minor, i2.paid_minor, i2.outstanding_minor) == (230_000, 75_000, 155_000)
    assert i2.status is InvoiceStatus.PARTLY_PAID and i2.is_overdue
    assert i2.due_on == date(2026, 2, 15)
    cn = rows[books.cn.number]
    assert cn.signed_minor == -20_000 and cn.status is None
    assert cn.corrects_number == books.i2.number
    assert rows[books.i1.number].due_on is None  # paid: nothing due


def test_sorting_by_amount_and_paging_by_fifty(books: Books) -> None:
    page = register_page(books.seller.id, RegisterFilter(sort="-amount"), 1, TODAY)
    assert [row.document.number for row in page.rows][:2] == [books.i2.number, books.i1.number]
    for n in range(50):
        make_invoice(books.seller, books.b2, "USD", 1_000 + n, date(2026, 3, 2), f"BULK-{n}")
    first = register_page(books.seller.id, RegisterFilter(q="bulk"), 1, TODAY)
    second = register_page(books.seller.id, RegisterFilter(q="bulk"), 2, TODAY)
    assert (len(first.rows), first.count, first.pages) == (50, 50, 1)
    assert second.page == 1 and len(second.rows) == 50  # past the last page: the last one
    more = register_page(books.seller.id, RegisterFilter(), 2, TODAY)
    assert more.count == 55 and len(more.rows) == 5 and more.pages == 2


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, AgingBucket.CURRENT),
        (0, AgingBucket.CURRENT),
        (1, AgingBucket.DAYS_1_30),
        (30, AgingBucket.DAYS_1_30),
        (31, AgingBucket.DAYS_31_60),
        (60, AgingBucket.DAYS_31_60),
        (61, AgingBucket.DAYS_61_90),
        (90, AgingBucket.DAYS_61_90),
        (91, AgingBucket.OVER_90),
    ],
)
def test_bucket_boundaries(days: int, bucket: AgingBucket) -> None:
    assert aging_bucket(days) is bucket


def test_aging_in_sql_puts_each_boundary_day_in_its_bucket(app_ctx: None) -> None:
    seller = CompanyFactory()
    buyer = CompanyFactory(chinese_buyer=True)
    # Amounts are powers of two, so each bucket's sum says exactly which invoices it holds.
    days = [0, 1, 30, 31, 60, 61, 90, 91]
    for n, past_due in enumerate(days):
        make_invoice(seller, buyer, "USD", 100 * 2**n, TODAY - timedelta(days=past_due), f"AG-{n}")
    (line,) = aging(seller.id, Direction.ISSUED, TODAY)
    assert line.buckets == {
        AgingBucket.CURRENT: 100 * 1,
        AgingBucket.DAYS_1_30: 100 * (2 + 4),
        AgingBucket.DAYS_31_60: 100 * (8 + 16),
        AgingBucket.DAYS_61_90: 100 * (32 + 64),
        AgingBucket.OVER_90: 100 * 128,
    }
    # The register's aging filter (what each figure links to) picks the same invoices.
    for bucket, amount in line.buckets.items():
        page = register_page(seller.id, RegisterFilter(aging=bucket), 1, TODAY)
        assert sum(row.outstanding_minor for row in page.rows) == amount
    # The buyer sees the same amounts as payables.
    (payable,) = aging(buyer.id, Direction.RECEIVED, TODAY)
    assert payable.buckets == line.buckets


# Through the pages ---------------------------------------------------------------------


def test_the_register_page_filters_from_the_url_in_at_most_five_statements(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    # Built before counting: reading the fixture's ids is the test's statement, not the page's.
    url = f"/finance/invoices?direction=issued&currency=USD&counterparty={books.b1.public_id}"
    # ``books`` holds an app context open, so requests share its ``g``: forget the user the
    # sign-in cached there, as a real request (with a ``g`` of its own) never had it.
    g.pop("_login_user", None)
    with counted_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert books.i1.number in page and books.i2.number in page and books.cn.number in page
    assert books.i3.number not in page and books.i4.number not in page
    assert len(statements) <= 5, "\n".join(s[:70] for s in statements)


def test_a_bad_filter_value_shows_an_error_and_is_ignored(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    response = client.get(
        "/finance/invoices?amount_min=lots&date_from=2026-03-01&date_to=2026-01-01"
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Write a plain number, with a point for decimals" in page
    assert "The end is before the start." in page
    # The good field filters; the bad ones filter nothing.
    assert books.i3.number in page and books.i4.number not in page


@pytest.mark.parametrize(
    "query",
    [
        "amount_min=Infinity",
        "amount_max=1e999999",
        "amount_min=1e30",
        # Once a 500: a signalling NaN cannot even be compared.
        "amount_min=sNaN",
        "amount_max=NaN",
        "amount_min=%D9%A1%D9%A2%D9%A3",  # ١٢٣: other scripts' digits are not read as 123
        "amount_max=1000000000001",
        "date_to=9999-12-31",
        "date_from=0001-01-01",
    ],
)
def test_out_of_range_filters_are_refused_not_crashed_on(
    client: FlaskClient, auth: AuthActions, books: Books, query: str
) -> None:
    auth.login(books.finance.email)
    for path in ("/finance/invoices", "/finance/invoices.csv"):
        assert client.get(f"{path}?{query}").status_code == 200, (path, query)
    page = client.get(f"/finance/invoices?{query}").get_data(as_text=True)
    assert "invalid-feedback" in page
    assert books.i1.number in page, "the refused field filters nothing"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("amount_min=sNaN", "amount_min", "Write a plain number, with a point for decimals"),
        ("amount_max=Infinity", "amount_max", "Write a plain number, with a point for decimals"),
        ("amount_min=%D9%A1%D9%A2%D9%A3", "amount_min", "with the digits 0 to 9"),
        ("amount_min=%EF%BC%91%EF%BC%92", "amount_min", "with the digits 0 to 9"),
        ("amount_min=%2B3", "amount_min", "no letters, exponents or plus signs"),
        ("amount_max=1000000000001", "amount_max", "Enter at most 1000000000000."),
        ("amount_min=1.23456", "amount_min", "Use at most 4 decimals."),
    ],
)
def test_hostile_amount_filters_say_what_to_write(
    client: FlaskClient, auth: AuthActions, books: Books, query: str, field: str, message: str
) -> None:
    auth.login(books.finance.email)
    response = client.get(f"/finance/invoices?{query}")
    assert response.status_code == 200
    errors = field_errors(page_of(response), field)
    assert len(errors) == 1 and message in errors[0], errors
    for export in ("/finance/invoices.csv", "/finance/invoices.xlsx"):
        assert client.get(f"{export}?{query}").status_code == 200


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("NaN", "Write a plain number"),
        ("١٢٣", "with the digits 0 to 9"),
        ("１２", "with the digits 0 to 9"),
        ("+3", "Write a plain number"),
        ("1e2", "Write a plain number"),
        ("12.345", "Use at most 2 decimals."),  # a USD invoice: cents, not mills
        ("-5", "The number cannot be negative."),
    ],
)
def test_a_hostile_credit_amount_is_refused_and_nothing_is_issued(
    client: FlaskClient, auth: AuthActions, books: Books, amount: str, message: str
) -> None:
    auth.login(books.finance.email)
    before = db.session.scalars(select(Document.id)).all()
    response = client.post(
        f"/finance/invoices/{books.i2.public_id}/credit-notes",
        data={"amount": amount, "reason": "Price correction", "submission_key": new_key()},
    )
    assert response.status_code == 400
    errors = field_errors(page_of(response), "amount")
    assert len(errors) == 1 and message in errors[0], errors
    assert db.session.scalars(select(Document.id)).all() == before


def test_pages_link_to_each_other_and_keep_the_filter(
    client: FlaskClient, auth: AuthActions, books: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(invoice_register, "PAGE_SIZE", 2)
    auth.login(books.finance.email)
    first = client.get("/finance/invoices?currency=USD").get_data(as_text=True)
    assert 'href="/finance/invoices?page=2&amp;currency=USD"' in first
    second = client.get("/finance/invoices?currency=USD&page=2").get_data(as_text=True)
    assert 'href="/finance/invoices?currency=USD"' in second and 'aria-current="page"' in second


def test_a_document_shows_the_date_printed_on_it_in_every_time_zone(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    # 09:00 UTC is 22:00 the day before in Pago Pago; the invoice's date is the one the
    # PDF prints, the filter matches and the rate was frozen on, whoever looks.
    books.finance.timezone = "Pacific/Pago_Pago"
    db.session.commit()
    auth.login(books.finance.email)
    printed = format_date(books.i1.issued_on, "medium", locale="en")
    day = books.i1.issued_on.isoformat()
    assert day == books.i1.data["issued_on"]
    page = client.get(f"/finance/invoices?date_from={day}&date_to={day}").get_data(as_text=True)
    row = page.split(f'data-number="{books.i1.number}"', 1)[1].split("</tr>", 1)[0]
    assert printed in row
    invoice = client.get(f"/finance/invoices/{books.i1.public_id}").get_data(as_text=True)
    assert printed in invoice


def test_csv_export_has_columns_rows_and_frozen_rates(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    response = client.get("/finance/invoices.csv?currency=USD")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_number = {row["Number"]: row for row in rows}
    assert set(by_number) == books.numbers(books.i1, books.i2, books.i4, books.cn)
    i2 = by_number[books.i2.number]
    assert (i2["Amount"], i2["Net amount"], i2["Outstanding"]) == ("2500.00", "2300.00", "1550.00")
    # USD into PKR at the demo rate frozen on 2026-02-15.
    assert (i2["Reporting currency"], i2["Exchange rate"], i2["Rate date"]) == (
        "PKR",
        "278.45",
        "2026-02-15",
    )
    assert i2["Amount in reporting currency"] == "696125.00"
    assert i2["Net amount in reporting currency"] == "640435.00"
    cn = by_number[books.cn.number]
    assert (cn["Amount"], cn["Corrects"], cn["Exchange rate"]) == (
        "-200.00",
        books.i2.number,
        "278.45",
    )
    assert sum(Decimal(row["Amount"]) for row in rows) == Decimal("3600.00")


def test_the_buyer_exports_at_its_own_frozen_rate(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    buyer_finance = UserFactory(company=books.b1, company_role=CompanyRole.FINANCE)
    auth.login(buyer_finance.email)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/finance/invoices.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    i1 = next(row for row in rows if row["Number"] == books.i1.number)
    assert (i1["Reporting currency"], i1["Exchange rate"], i1["Amount in reporting currency"]) == (
        "CNY",
        "7.1205",
        "7120.50",
    )


def test_xlsx_export_rows_and_totals_sheet(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    response = client.get("/finance/invoices.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    register, totals = workbook.worksheets
    rows = list(register.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("Number", "Kind", "Issued or received", "Issue date")
    assert {row[0] for row in body} == books.numbers(
        books.i1, books.i2, books.i3, books.i4, books.cn
    )
    summary = {row[0]: row for row in list(totals.iter_rows(values_only=True))[1:]}
    assert summary["USD"][1:4] == (4, 3600, 1850)
    assert summary["EUR"][1:4] == (1, 800, 800)
    # In PKR at each document's own frozen rate: USD at 278.45, EUR at 301.20.
    assert Decimal(str(summary["USD"][4])) == Decimal("1002420.00")
    assert Decimal(str(summary["EUR"][4])) == Decimal("240960.00")
    # Amounts show their cents in Excel (68.40, not General's 68.4).
    full = load_workbook(io.BytesIO(response.data))
    amount_column = full.worksheets[0][1].index(
        next(cell for cell in full.worksheets[0][1] if cell.value == "Amount")
    )
    formats = {row[amount_column].number_format for row in full.worksheets[0].iter_rows(min_row=2)}
    assert formats == {"#,##0.00"}


def test_exports_and_downloads_are_audited(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    client.get("/finance/invoices.csv?status=paid")
    client.get("/finance/invoices.xlsx")
    client.get(f"/documents/{books.i1.public_id}.pdf")
    actions = [
        (event.action, event.details)
        for event in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.actor_id == books.finance.id)
            .order_by(AuditEvent.id)
        )
    ]
    exported = [details for action, details in actions if action == "register.exported"]
    assert [(d["format"], d["rows"]) for d in exported] == [("csv", 1), ("xlsx", 5)]
    assert exported[0]["filter"] == {"status": "paid"}
    assert ("document.downloaded", {"number": books.i1.number}) in actions


def test_a_credit_note_from_the_invoice_page_is_limited_to_what_remains(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    page = client.get(f"/finance/invoices/{books.i2.public_id}").get_data(as_text=True)
    assert "2,300.00" in page and books.cn.number in page and 'name="submission_key"' in page
    key = new_key()  # one form: refused, corrected, then sent again (a reload)
    too_much = client.post(
        f"/finance/invoices/{books.i2.public_id}/credit-notes",
        data={"amount": "2300.01", "reason": "Price correction", "submission_key": key},
    )
    assert too_much.status_code == 400
    assert "cannot exceed what remains" in too_much.get_data(as_text=True)
    response = client.post(
        f"/finance/invoices/{books.i2.public_id}/credit-notes",
        data={"amount": "2300.00", "reason": "Order returned", "submission_key": key},
    )
    # The first press shows what the credit note will do; nothing is issued yet.
    assert response.status_code == 200 and "Issuing it will:" in page_of(response)
    assert db.session.query(Document).filter(Document.corrects_id == books.i2.id).count() == 1
    response = client.post(
        f"/finance/invoices/{books.i2.public_id}/credit-notes",
        data={
            "amount": "2300.00",
            "reason": "Order returned",
            "submission_key": key,
            "confirmed": "yes",
        },
    )
    assert response.status_code == 302
    notes = db.session.scalars(
        select(Document).where(Document.corrects_id == books.i2.id).order_by(Document.sequence)
    ).all()
    assert [note.sequence for note in notes] == [books.cn.sequence, books.cn.sequence + 1]
    assert notes[1].number.split("-")[1] == "CN" and notes[1].total_minor == 230_000
    # The same form again (F5, Back and submit): the credit note it issued, no second one.
    replay = client.post(
        f"/finance/invoices/{books.i2.public_id}/credit-notes",
        data={
            "amount": "2300.00",
            "reason": "Order returned",
            "submission_key": key,
            "confirmed": "yes",
        },
        follow_redirects=True,
    )
    assert f"Credit note {notes[1].number} was already issued for this form" in page_of(replay)
    assert db.session.query(Document).filter(Document.corrects_id == books.i2.id).count() == 2
    after = client.post(
        f"/finance/invoices/{books.i2.public_id}/credit-notes",
        data={
            "amount": "0.01",
            "reason": "One more",
            "submission_key": new_key(),
            "confirmed": "yes",
        },
    )
    assert after.status_code == 400
    assert client.get(f"/finance/invoices/{notes[1].public_id}").status_code == 200


def test_only_the_issuers_finance_may_credit(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    buyer_finance = UserFactory(company=books.b1, company_role=CompanyRole.FINANCE)
    auth.login(buyer_finance.email)
    page = client.get(f"/finance/invoices/{books.i2.public_id}").get_data(as_text=True)
    assert "Issue a credit note" not in page
    response = client.post(
        f"/finance/invoices/{books.i2.public_id}/credit-notes",
        data={"amount": "1", "reason": "Not ours", "submission_key": new_key()},
    )
    assert response.status_code == 403


FINANCE_PAGES = (
    "/finance/",
    "/finance/invoices",
    "/finance/invoices.csv",
    "/finance/invoices.xlsx",
    "/finance/aging",
)


@pytest.mark.parametrize("role", [CompanyRole.SALES, CompanyRole.PURCHASER, CompanyRole.VIEWER])
def test_other_roles_get_403_on_every_finance_page(
    client: FlaskClient, auth: AuthActions, books: Books, role: CompanyRole
) -> None:
    person = UserFactory(company=books.seller, company_role=role)
    auth.login(person.email)
    urls = [*FINANCE_PAGES, f"/finance/invoices/{books.i1.public_id}"]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 403)
    posted = client.post(
        f"/finance/invoices/{books.i1.public_id}/credit-notes",
        data={"amount": "1", "reason": "x", "submission_key": new_key()},
    )
    assert posted.status_code == 403


def test_another_companys_invoice_is_404(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    stranger = UserFactory(company=CompanyFactory(), company_role=CompanyRole.FINANCE)
    auth.login(stranger.email)
    assert client.get(f"/finance/invoices/{books.i1.public_id}").status_code == 404
    assert client.get(f"/documents/{books.i1.public_id}.xml").status_code == 404
    assert books.i1.number not in client.get("/finance/invoices").get_data(as_text=True)
    assert (
        client.post(
            f"/finance/invoices/{books.i1.public_id}/credit-notes",
            data={"amount": "1", "reason": "xx", "submission_key": new_key()},
        ).status_code
        == 404
    )


def test_the_aging_page_links_each_figure_to_its_invoices(
    client: FlaskClient, auth: AuthActions, books: Books
) -> None:
    auth.login(books.finance.email)
    page = client.get("/finance/aging").get_data(as_text=True)
    assert "MCCT International" in page and "Karakoram Minerals" in page
    assert f"counterparty={books.b1.public_id}" in page
    assert "vendor/chartjs/chart.umd.min.js" in page and 'id="chart-issued"' in page
