"""Dates: expiry, presentation period, latest shipment (UCP 600 art. 6, 14(c), 20, 29).

The expiry date and the last day for presentation move to the next banking day at the
place of expiry when banks are closed that day (art. 29(a)); the latest shipment date
never moves (art. 29(c)).
"""

from __future__ import annotations

from datetime import date, timedelta

from app.models import CreditDocumentKind
from app.services.letters_of_credit.banking_days import next_banking_day
from app.services.letters_of_credit.findings import DocumentSet, Field, Finding, credit_field


def shipment_date(documents: DocumentSet) -> date | None:
    """The date of shipment: the B/L's on-board notation (art. 20(a)(ii))."""
    bill = documents.first(CreditDocumentKind.BILL_OF_LADING)
    value = bill.values.get("on_board_date") if bill else None
    return value if isinstance(value, date) else None


def _presented(documents: DocumentSet) -> Field:
    return Field("presentation", "", "presented_on", documents.presented_on.isoformat())


def check_expiry(documents: DocumentSet) -> list[Finding]:
    terms = documents.terms
    last = next_banking_day(terms.expiry_date, terms.expiry_country)
    if documents.presented_on <= last:
        return []
    return [
        Finding(
            "UCP6d-EXPIRY",
            (credit_field(terms, "expiry_date", last.isoformat()), _presented(documents)),
        )
    ]


def check_presentation_period(documents: DocumentSet) -> list[Finding]:
    terms = documents.terms
    shipped = shipment_date(documents)
    if shipped is None:
        return []
    last = next_banking_day(shipped + timedelta(days=terms.presentation_days), terms.expiry_country)
    if documents.presented_on <= last:
        return []
    bill = documents.first(CreditDocumentKind.BILL_OF_LADING)
    assert bill is not None
    return [
        Finding(
            "UCP14c-PERIOD",
            (
                bill.field("on_board_date", shipped.isoformat()),
                credit_field(terms, "last_day", last.isoformat()),
                _presented(documents),
            ),
        )
    ]


def check_shipment_date(documents: DocumentSet) -> list[Finding]:
    terms = documents.terms
    bill = documents.first(CreditDocumentKind.BILL_OF_LADING)
    if bill is None:
        return []
    shipped = shipment_date(documents)
    if shipped is None:
        # Beside the missing notation, the date by which the credit wants the goods on board.
        latest = credit_field(terms, "latest_shipment_date", terms.latest_shipment_date.isoformat())
        return [Finding("UCP20-ONBOARD", (bill.field("on_board_date"), latest))]
    if shipped <= terms.latest_shipment_date:
        return []
    return [
        Finding(
            "UCP20-SHIPDATE",
            (
                bill.field("on_board_date", shipped.isoformat()),
                credit_field(terms, "latest_shipment_date", terms.latest_shipment_date.isoformat()),
            ),
        )
    ]


CHECKS = (check_expiry, check_presentation_period, check_shipment_date)
