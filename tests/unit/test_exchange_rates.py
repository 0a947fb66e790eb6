"""Exchange rates: which rate an invoice freezes, checking typed and imported rates, and
the frozen rates that never change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import (
    AuditEvent,
    CompanyRole,
    Document,
    DocumentIsImmutable,
    DocumentKind,
    DocumentRate,
    ExchangeRate,
    Order,
    User,
)
from app.models.base import utcnow
from app.services.accounts.companies import set_reporting_currency
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_credit_note, issue_document
from app.services.errors import NotAllowed, ValidationFailed
from app.services.finance.exchange_rate_import import ImportProblem, import_rates
from app.services.finance.exchange_rates import (
    FoundRate,
    RateInput,
    RateMissing,
    check_rate,
    rate_on,
    record_rate,
)
from tests.factories import OrderFactory, UserFactory
from tests.support.db import count

TODAY = date(2026, 11, 27)
SBP = "State Bank of Pakistan"
PBOC = "People's Bank of China"


@pytest.fixture(autouse=True)
def _context(app_ctx: None) -> None:
    """Every test here calls services directly."""


def add_rate(base: str, quote: str, rate: str, on: date, source: str = SBP) -> ExchangeRate:
    row = ExchangeRate(rate_date=on, base=base, quote=quote, rate=Decimal(rate), source=source)
    db.session.add(row)
    db.session.flush()
    return row


# --- which rate ----------------------------------------------------------------------------


def test_the_rate_of_the_issue_date_itself() -> None:
    add_rate("USD", "PKR", "277.90", TODAY - timedelta(days=1))
    add_rate("USD", "PKR", "278.45", TODAY)
    assert rate_on("USD", "PKR", TODAY) == FoundRate("PKR", Decimal("278.45"), TODAY, SBP)


def test_the_latest_rate_within_seven_days_and_never_a_later_one() -> None:
    add_rate("USD", "PKR", "276.00", TODAY - timedelta(days=7))
    add_rate("USD", "PKR", "277.10", TODAY - timedelta(days=3))
    add_rate("USD", "PKR", "280.00", TODAY + timedelta(days=1))
    assert rate_on("USD", "PKR", TODAY) == FoundRate(
        "PKR", Decimal("277.10"), TODAY - timedelta(days=3), SBP
    )
    # Seven days old is still good (a long holiday weekend); the rate of the day after is
    # not known yet on the issue date.
    assert rate_on("USD", "PKR", TODAY - timedelta(days=4)).rate == Decimal("276.00")
    assert rate_on("USD", "PKR", TODAY - timedelta(days=1)).rate == Decimal("277.10")


def test_a_rate_eight_days_old_is_missing_and_the_message_names_the_pair() -> None:
    add_rate("USD", "PKR", "276.00", TODAY - timedelta(days=8))
    with pytest.raises(RateMissing) as caught:
        rate_on("USD", "PKR", TODAY)
    message = str(caught.value)
    assert "No USD to PKR exchange rate" in message
    assert "2026-11-20" in message and "2026-11-27" in message
    assert caught.value.field is None
    assert rate_on("USD", "PKR", TODAY - timedelta(days=1)).rate == Decimal("276.00")


def test_the_oldest_rate_allowed_comes_from_the_configuration(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_rate("USD", "PKR", "276.00", TODAY - timedelta(days=3))
    monkeypatch.setitem(app.config, "FX_RATE_MAX_AGE_DAYS", 2)
    with pytest.raises(RateMissing):
        rate_on("USD", "PKR", TODAY)


def test_the_inverse_pair_serves_when_only_it_is_stored() -> None:
    add_rate("CNY", "PKR", "39.105", TODAY, source=PBOC)
    found = rate_on("PKR", "CNY", TODAY)
    assert found.currency == "CNY" and found.rate_date == TODAY
    assert found.rate == (Decimal(1) / Decimal("39.105")).quantize(Decimal("1e-12"))
    assert found.rate == Decimal("0.025572177471")
    assert found.source == f"{PBOC} (inverse)"


def test_the_pair_as_asked_wins_on_a_day_with_both_but_a_newer_inverse_wins_over_it() -> None:
    add_rate("USD", "PKR", "278.45", TODAY - timedelta(days=1))
    add_rate("PKR", "USD", "0.0036", TODAY - timedelta(days=1), source="Other bank")
    assert rate_on("USD", "PKR", TODAY).rate == Decimal("278.45")
    assert rate_on("PKR", "USD", TODAY).rate == Decimal("0.0036")
    add_rate("PKR", "USD", "0.0035", TODAY, source="Other bank")
    newer = rate_on("USD", "PKR", TODAY)
    assert newer.rate_date == TODAY and newer.source == "Other bank (inverse)"
    assert newer.rate == (Decimal(1) / Decimal("0.0035")).quantize(Decimal("1e-12"))


def test_the_same_currency_is_one_without_any_rate_stored() -> None:
    assert rate_on("PKR", "PKR", TODAY) == FoundRate("PKR", Decimal(1), TODAY, "same currency")


# --- checking a rate -----------------------------------------------------------------------


def rate_input(**changes: object) -> RateInput:
    fields: dict[str, object] = {
        "rate_date": TODAY,
        "base": "USD",
        "quote": "PKR",
        "rate": "278.45",
        "source": SBP,
    }
    fields.update(changes)
    return RateInput(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rate_date": None}, "rate_date", "Give the date of the rate."),
        ({"rate_date": TODAY + timedelta(days=1)}, "rate_date", "cannot be dated in the future"),
        ({"base": "XYZ"}, "base", "XYZ is not an ISO 4217 currency."),
        ({"base": "XAU"}, "base", "XAU is not an ISO 4217 currency."),
        ({"base": ""}, "base", "is not an ISO 4217 currency."),
        ({"quote": "RUPEES"}, "quote", "RUPEES is not an ISO 4217 currency."),
        ({"quote": "usd"}, "quote", "A rate needs two different currencies."),
        ({"rate": "0"}, "rate", "positive number"),
        ({"rate": "-278.45"}, "rate", "positive number"),
        ({"rate": "0.0000000000001"}, "rate", "at most 12 decimals"),
        ({"rate": "1.1234567890123"}, "rate", "at most 12 decimals"),
        ({"rate": "1000000000000"}, "rate", "positive number"),
        # Read by the one number rule (app.numbers), as every number people type.
        ({"rate": ""}, "rate", "Enter a number."),
        ({"rate": "abc"}, "rate", "Write a plain number"),
        ({"rate": "NaN"}, "rate", "Write a plain number"),
        ({"rate": "Infinity"}, "rate", "Write a plain number"),
        ({"rate": "1e12"}, "rate", "Write a plain number"),
        ({"rate": "2.5E+4"}, "rate", "Write a plain number"),
        ({"rate": "+278.45"}, "rate", "Write a plain number"),
        ({"rate": "٢٧٨.٤٥"}, "rate", "digits 0 to 9"),
        ({"rate": "２７８.４５"}, "rate", "digits 0 to 9"),
        # A decimal comma is refused rather than read as 10817.
        ({"rate": "1,0817"}, "rate", "Write a plain number"),
        ({"source": ""}, "source", "Say where the rate comes from"),
        ({"source": "  x  "}, "source", "Say where the rate comes from"),
        ({"source": "S" * 101}, "source", "Say where the rate comes from"),
    ],
)
def test_check_rate_names_the_field_at_fault(
    changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message) as caught:
        check_rate(rate_input(**changes), TODAY)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("278.45", "278.45"),
        (" 278.450000 ", "278.45"),  # trailing zeros are no extra precision
        ("0.000000000001", "0.000000000001"),
        ("16,250.50", "16250.5"),
        ("25000", "25000"),
        ("25000.00", "25000"),
    ],
)
def test_check_rate_keeps_the_exact_decimal(raw: str, stored: str) -> None:
    checked = check_rate(rate_input(rate=raw, base=" usd", source="  State  Bank "), TODAY)
    assert format(checked.rate, "f") == stored
    assert (checked.base, checked.quote, checked.source) == ("USD", "PKR", "State Bank")


def operator() -> Actor:
    user: User = UserFactory(operator=True)
    return Actor(user, "203.0.113.9")


def test_recording_a_rate_again_corrects_the_day_and_audits_both() -> None:
    actor = operator()
    first = record_rate(actor, rate_input(), TODAY)
    again = record_rate(actor, rate_input(rate="278.50", source="SBP closing"), TODAY)
    assert again.id == first.id and count(ExchangeRate) == 1
    assert (again.rate, again.source, again.entered_by_id) == (
        Decimal("278.50"),
        "SBP closing",
        actor.user.id if actor.user else None,
    )
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "exchange_rate.recorded")
            .order_by(AuditEvent.id)
        )
    )
    assert [event.details.get("previous") for event in events] == [None, "278.45"]
    assert events[1].details["pair"] == "USD/PKR" and events[1].details["rate"] == "278.5"


# --- importing -----------------------------------------------------------------------------


HEADER = "date,base,quote,rate,source\n"


def test_an_import_with_any_bad_line_stores_nothing_and_reports_every_line() -> None:
    upload = (
        HEADER
        + "2026-11-27,USD,PKR,278.45,State Bank of Pakistan\n"
        + "2026-11-27,USD,CNY,seven,People's Bank of China\n"
        + "\n"  # a blank line: the report still names the file's own line numbers
        + "2026-11-27,USD,XYZ,1.5,Somewhere\n"
        + "27/11/2026,EUR,PKR,301.20,State Bank of Pakistan\n"
        + "2026-11-28,EUR,CNY,7.70,People's Bank of China\n"
        + '2026-11-26,EUR,USD,1.0817,"ECB\nreference"\n'
        + "2026-11-26,EUR,USD,1.0817,\n"
    ).encode()
    result = import_rates(operator(), upload, TODAY)
    assert not result.ok and result.stored == 0
    assert result.problems == [
        ImportProblem(
            3,
            "Write a plain number, with a point for decimals (for example 1250.50):"
            " no letters, exponents or plus signs.",
            "rate",
        ),
        ImportProblem(5, "XYZ is not an ISO 4217 currency.", "quote"),
        ImportProblem(6, "Write the date as YYYY-MM-DD.", "date"),
        ImportProblem(7, "A rate cannot be dated in the future.", "date"),
        ImportProblem(10, "Say where the rate comes from (e.g. State Bank of Pakistan).", "source"),
    ]
    assert count(ExchangeRate) == 0


def test_a_pair_and_date_twice_in_one_file_is_refused() -> None:
    upload = (
        HEADER
        + "2026-11-27,USD,PKR,278.45,State Bank of Pakistan\n"
        + "2026-11-26,USD,PKR,278.10,State Bank of Pakistan\n"
        + "2026-11-27,usd,pkr,278.40,State Bank of Pakistan\n"
    ).encode()
    result = import_rates(operator(), upload, TODAY)
    assert result.problems == [ImportProblem(4, "This pair and date appear twice in the file.")]
    assert count(ExchangeRate) == 0


@pytest.mark.parametrize(
    ("upload", "line", "message"),
    [
        (b"2026-11-27,USD,PKR,278.45,SBP\n", 1, "missing: date, base, quote, rate, source"),
        (b"date,base,quote,rate\n2026-11-27,USD,PKR,278.45\n", 1, "missing: source"),
        (b"", 1, "The first line must name the columns"),
        (HEADER.encode(), 1, "The file holds no rates."),
        (
            "date,base,quote,rate,source\n2026-11-27,USD,PKR,1,Bank ü\n".encode("latin-1"),
            0,
            "UTF-8",
        ),
        (b"x" * (1024 * 1024 + 1), 0, "larger than 1 MB"),
    ],
)
def test_a_file_without_the_columns_or_rows_is_refused(
    upload: bytes, line: int, message: str
) -> None:
    result = import_rates(operator(), upload, TODAY)
    assert result.problems is not None and len(result.problems) == 1
    assert result.problems[0].line == line and message in result.problems[0].message
    assert count(ExchangeRate) == 0


def test_an_import_corrects_a_stored_day_and_adds_the_rest() -> None:
    add_rate("USD", "PKR", "270.00", TODAY, source="Typo")
    actor = operator()
    # A spreadsheet's byte-order mark, upper-case headers and extra columns do no harm.
    upload = (
        "\ufeffDate,Base,Quote,Rate,Source,Note\n"
        "2026-11-27,USD,PKR,278.45,State Bank of Pakistan,fixed\n"
        "2026-11-27,USD,CNY,7.1205,People's Bank of China,\n"
    ).encode()
    result = import_rates(actor, upload, TODAY)
    assert result.ok and result.stored == 2
    rows = {
        (rate.base, rate.quote): rate
        for rate in db.session.scalars(select(ExchangeRate).where(ExchangeRate.rate_date == TODAY))
    }
    assert set(rows) == {("USD", "PKR"), ("USD", "CNY")}
    assert (rows["USD", "PKR"].rate, rows["USD", "PKR"].source) == (Decimal("278.45"), SBP)
    assert {rate.entered_by_id for rate in rows.values()} == {actor.user.id if actor.user else 0}
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "exchange_rate.imported")
    )
    assert event is not None and event.details == {"rows": 2}


# --- freezing onto invoices ----------------------------------------------------------------


ISSUED_AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


@pytest.fixture
def order() -> Order:
    """A USD order from a Pakistani seller (books in PKR) to a Chinese buyer (CNY)."""
    order: Order = OrderFactory()
    assert (order.seller.reporting_currency, order.buyer.reporting_currency) == ("PKR", "CNY")
    return order


def frozen(document: Document) -> dict[int, tuple[str, Decimal, date, str]]:
    return {
        rate.company_id: (rate.currency, rate.rate, rate.rate_date, rate.source)
        for rate in db.session.scalars(
            select(DocumentRate).where(DocumentRate.document_id == document.id)
        )
    }


def issue_invoice(order: Order, issued_at: datetime = ISSUED_AT) -> Document:
    return issue_document(Actor(None), order, DocumentKind.COMMERCIAL_INVOICE, issued_at=issued_at)


def test_a_commercial_invoice_freezes_both_parties_rates(order: Order) -> None:
    add_rate("USD", "PKR", "278.45", TODAY)
    # No CNY rate for the day itself yet: the day before's serves; the day after's is unknown.
    add_rate("USD", "CNY", "7.1205", TODAY - timedelta(days=1), source=PBOC)
    add_rate("USD", "CNY", "7.2000", TODAY + timedelta(days=1), source=PBOC)
    invoice = issue_invoice(order)
    assert frozen(invoice) == {
        order.seller_id: ("PKR", Decimal("278.45"), TODAY, SBP),
        order.buyer_id: ("CNY", Decimal("7.1205"), TODAY - timedelta(days=1), PBOC),
    }


def test_a_proforma_freezes_no_rate(order: Order) -> None:
    proforma = issue_document(
        Actor(None), order, DocumentKind.PROFORMA_INVOICE, issued_at=ISSUED_AT
    )
    assert frozen(proforma) == {}


def test_a_missing_rate_refuses_the_invoice_and_writes_nothing(order: Order) -> None:
    add_rate("USD", "PKR", "278.45", TODAY)  # the buyer's CNY rate is missing
    savepoint = db.session.begin_nested()
    with pytest.raises(RateMissing, match="No USD to CNY exchange rate"):
        issue_invoice(order)
    savepoint.rollback()
    assert count(Document) == 0 and count(DocumentRate) == 0
    assert count(AuditEvent) == 0
    add_rate("USD", "CNY", "7.1205", TODAY, source=PBOC)
    assert issue_invoice(order).sequence == 1  # the refused issue burned no number


def test_a_credit_note_carries_its_invoices_rates(order: Order) -> None:
    issued_at = utcnow() - timedelta(days=30)
    add_rate("USD", "PKR", "278.45", issued_at.date())
    add_rate("USD", "CNY", "7.1205", issued_at.date(), source=PBOC)
    invoice = issue_invoice(order, issued_at)
    finance = Actor(UserFactory(company=order.seller, company_role=CompanyRole.FINANCE))
    # No rate today at all: a refund never waits for one.
    first = issue_credit_note(finance, invoice, 50_000, "Two drums short-shipped")
    # Today's rates differ: the credit note still reverses at the invoice's rates.
    add_rate("USD", "PKR", "281.00", utcnow().date())
    add_rate("USD", "CNY", "7.3000", utcnow().date(), source=PBOC)
    second = issue_credit_note(finance, invoice, 10_000, "Price correction")
    assert frozen(first) == frozen(second) == frozen(invoice)
    assert frozen(invoice)[order.seller_id] == ("PKR", Decimal("278.45"), issued_at.date(), SBP)


@pytest.fixture
def invoice_rate(order: Order) -> DocumentRate:
    add_rate("USD", "PKR", "278.45", TODAY)
    add_rate("USD", "CNY", "7.1205", TODAY, source=PBOC)
    invoice = issue_invoice(order)
    rate = db.session.scalar(
        select(DocumentRate).where(
            DocumentRate.document_id == invoice.id, DocumentRate.company_id == order.seller_id
        )
    )
    assert rate is not None
    return rate


def test_a_frozen_rate_refuses_changes_through_the_orm(invoice_rate: DocumentRate) -> None:
    for change in (
        lambda: setattr(invoice_rate, "rate", Decimal("300")),
        lambda: setattr(invoice_rate, "rate_date", TODAY - timedelta(days=1)),
        lambda: setattr(invoice_rate, "source", "Forged"),
        lambda: setattr(invoice_rate, "currency", "USD"),
    ):
        savepoint = db.session.begin_nested()
        change()
        with pytest.raises(DocumentIsImmutable):
            db.session.flush()
        savepoint.rollback()
    savepoint = db.session.begin_nested()
    db.session.delete(invoice_rate)
    with pytest.raises(DocumentIsImmutable):
        db.session.flush()
    savepoint.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE document_rates SET rate = '300' WHERE id = :id",
        "UPDATE document_rates SET rate_date = '2026-01-01' WHERE id = :id",
        "DELETE FROM document_rates WHERE id = :id",
    ],
)
def test_the_database_refuses_changes_to_a_frozen_rate(
    invoice_rate: DocumentRate, statement: str
) -> None:
    savepoint = db.session.begin_nested()
    with pytest.raises(DBAPIError):
        db.session.execute(text(statement), {"id": invoice_rate.id})
    savepoint.rollback()
    stored = db.session.execute(
        text("SELECT rate, rate_date FROM document_rates WHERE id = :id"), {"id": invoice_rate.id}
    ).one()
    assert Decimal(stored.rate) == Decimal("278.45")
    assert str(stored.rate_date) == "2026-11-27"


# --- the company's reporting currency ------------------------------------------------------


def owner_of(order: Order) -> Actor:
    return Actor(UserFactory(company=order.seller, company_role=CompanyRole.OWNER))


def test_a_new_reporting_currency_applies_to_later_invoices_only(order: Order) -> None:
    add_rate("USD", "PKR", "278.45", TODAY)
    add_rate("USD", "CNY", "7.1205", TODAY, source=PBOC)
    add_rate("EUR", "USD", "1.0817", TODAY, source="ECB")
    before = issue_invoice(order)
    set_reporting_currency(owner_of(order), order.seller, " eur ")
    assert order.seller.reporting_currency == "EUR"
    after = issue_invoice(order)
    db.session.expire_all()
    assert frozen(before)[order.seller_id] == ("PKR", Decimal("278.45"), TODAY, SBP)
    assert frozen(after)[order.seller_id] == (
        "EUR",
        (Decimal(1) / Decimal("1.0817")).quantize(Decimal("1e-12")),
        TODAY,
        "ECB (inverse)",
    )
    assert frozen(after)[order.buyer_id] == frozen(before)[order.buyer_id]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "company.reporting_currency_changed")
    )
    assert event is not None and event.details == {"from": "PKR", "to": "EUR"}
    assert event.company_id == order.seller_id


def test_only_the_owner_sets_a_real_reporting_currency(order: Order) -> None:
    for role in (CompanyRole.FINANCE, CompanyRole.SALES):
        with pytest.raises(NotAllowed):
            set_reporting_currency(
                Actor(UserFactory(company=order.seller, company_role=role)), order.seller, "USD"
            )
    with pytest.raises(NotAllowed):
        set_reporting_currency(owner_of(order), order.buyer, "USD")
    for code in ("XAU", "ABC", ""):
        with pytest.raises(ValidationFailed) as caught:
            set_reporting_currency(owner_of(order), order.seller, code)
        assert caught.value.field == "currency"
    assert order.seller.reporting_currency == "PKR"


def test_two_operators_storing_the_same_day_at_once_leave_one_row(isolated_app: Flask) -> None:
    import threading

    from app.database import commit, rollback, write_intent
    from app.services.finance.exchange_rates import RateInput, record_rate

    day = date(2026, 11, 20)
    barrier = threading.Barrier(2)
    failures: list[str] = []

    def store(rate: str) -> None:
        with isolated_app.app_context(), write_intent():
            barrier.wait()
            try:
                record_rate(Actor(None), RateInput(day, "USD", "PKR", rate, "SBP"), day)
                commit()
            except Exception as error:  # reported below
                rollback()
                failures.append(repr(error))
            db.session.remove()

    threads = [threading.Thread(target=store, args=(rate,)) for rate in ("278.10", "278.20")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with isolated_app.app_context():
        rates = db.session.scalars(select(ExchangeRate.rate).where(ExchangeRate.rate_date == day))
        assert [str(rate) for rate in rates] in (["278.1"], ["278.2"])
        db.session.remove()
