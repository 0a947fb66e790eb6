"""The UCP 600 / ISBP 821 check: a golden set passes; each single-field change fires
exactly the rules written beside it, and abbreviations fire none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import CreditDocumentKind, ShipmentDocument
from app.services.audit.recording import Actor
from app.services.letters_of_credit.examination import run_check
from app.services.letters_of_credit.facts import uploaded
from tests.builders.letters_of_credit import PRESENTED_ON, CreditCase, golden_credit
from tests.support.auth import AuthActions

Mutation = Callable[[CreditCase], date | None]


def terms(**changes: Any) -> Mutation:
    def mutate(case: CreditCase) -> None:
        for name, value in changes.items():
            setattr(case.credit.terms, name, value)

    return mutate


def _row(case: CreditCase, kind: CreditDocumentKind) -> ShipmentDocument:
    return uploaded(case.order)[kind]


def bill(**fields: Any) -> Mutation:
    def mutate(case: CreditCase) -> None:
        row = _row(case, CreditDocumentKind.BILL_OF_LADING)
        row.fields = {**row.fields, **fields}

    return mutate


def row(kind: CreditDocumentKind, **columns: Any) -> Mutation:
    def mutate(case: CreditCase) -> None:
        document = _row(case, kind)
        for name, value in columns.items():
            setattr(document, name, value)

    return mutate


def both(first: Mutation, second: Mutation) -> Mutation:
    def mutate(case: CreditCase) -> None:
        first(case)
        second(case)

    return mutate


def presented(on: date) -> Mutation:
    return lambda case: on


BL, INS = CreditDocumentKind.BILL_OF_LADING, CreditDocumentKind.INSURANCE_CERTIFICATE
REQUIRED_WITH_INSPECTION = [
    {"kind": "commercial_invoice", "originals": 1, "copies": 2},
    {"kind": "bill_of_lading", "originals": 3, "copies": 3},
    {"kind": "inspection_certificate", "originals": 1, "copies": 0},
]

MUTATIONS: dict[str, tuple[Mutation, set[str]]] = {
    # Abbreviations, case and punctuation: never a discrepancy.
    "Ltd to Limited": (terms(beneficiary="Wah Nobel Chemicals (Pvt) Limited"), set()),
    "Co. to Company": (terms(applicant="Shanghai Minmetals Trading Company, Ltd."), set()),
    "kgs to kg": (bill(gross_weight_kg="220 kgs"), set()),
    "notify Co., Ltd. spelt out": (
        bill(notify="Shanghai Minmetals Trading Company Limited"),
        set(),
    ),
    "consignee in capitals": (bill(consignee="TO ORDER OF BANK OF CHINA SHANGHAI BRANCH"), set()),
    "quantity within 5 %": (terms(quantity=205), set()),
    "amount under with tolerance": (
        terms(amount_minor=50000, tolerance_plus=10, tolerance_minus=10),
        set(),
    ),
    # Expiry on a Sunday moves to Monday; the presentation period does not save it.
    "presented on the extended expiry": (presented(date(2026, 12, 21)), {"UCP14c-PERIOD"}),
    "presented after the extended expiry": (
        presented(date(2026, 12, 22)),
        {"UCP6d-EXPIRY", "UCP14c-PERIOD"},
    ),
    "presentation period of 5 days": (terms(presentation_days=5), {"UCP14c-PERIOD"}),
    "shipped after the latest date": (bill(on_board_date="2026-12-01"), {"UCP20-SHIPDATE"}),
    # The latest shipment date is never extended (29(c)): Sunday 29 Nov stays.
    "latest shipment on a Sunday": (
        both(terms(latest_shipment_date=date(2026, 11, 29)), bill(on_board_date="2026-11-30")),
        {"UCP20-SHIPDATE"},
    ),
    "no on-board date": (bill(on_board_date=None), {"UCP20-ONBOARD"}),
    "invoice over the credit": (terms(amount_minor=50000), {"UCP18b-AMOUNT"}),
    "credit in another currency": (terms(currency="EUR"), {"UCP18a-CURRENCY", "UCP28f-CURRENCY"}),
    "another beneficiary": (terms(beneficiary="Wah Industries Ltd"), {"UCP18a-BENEFICIARY"}),
    "another applicant": (
        terms(applicant="Shanghai Baosteel Trading Co., Ltd."),
        {"UCP18a-APPLICANT"},
    ),
    "quantity out of tolerance": (terms(quantity=220), {"UCP30-QTY"}),
    # 39A is the amount's tolerance (30(a)); bulk quantity keeps 30(b)'s 5 %: 200 on 193.
    "3 % amount tolerance, 3.6 % more kg": (
        terms(quantity=193, tolerance_plus=3, tolerance_minus=3),
        set(),
    ),
    # Counted items take no tolerance, whatever 39A says: 200 pieces on 190.
    "pieces with a 10 % amount tolerance": (
        terms(quantity=190, quantity_unit="PCE", tolerance_plus=10, tolerance_minus=10),
        {"UCP30-QTY"},
    ),
    # 30(b)'s 5 % holds only while the drawing stays within the credit: 200 kg on 195.
    "over-drawn, 2.6 % more kg": (
        terms(quantity=195, amount_minor=50000),
        {"UCP18b-AMOUNT", "UCP30-QTY"},
    ),
    "goods described otherwise": (
        terms(goods_description="Emulsion explosive 25 mm"),
        {"UCP18c-GOODS"},
    ),
    "another trade term": (terms(incoterm="CFR"), {"ISBP-C10-TERM"}),
    "B/L weight differs": (bill(gross_weight_kg="221"), {"UCP14d-WEIGHT"}),
    "B/L packages differ": (bill(packages="9"), {"UCP14d-PACKAGES"}),
    "B/L marks differ": (bill(marks="WN/SMT 1-9"), {"UCP14d-MARKS"}),
    "B/L container differs": (bill(container_numbers="CSNU7654321"), {"UCP14d-CONTAINER"}),
    "port of loading": (bill(port_of_loading="Port Qasim, Pakistan"), {"UCP20-POL"}),
    "port of discharge": (bill(port_of_discharge="Ningbo, China"), {"UCP20-POD"}),
    # A geographical area (20(a)(iii); ISBP 821 E6) is met by an actual port in it.
    "loading at any port in Pakistan": (terms(port_of_loading="Any port in Pakistan"), set()),
    "discharge at any Chinese main port": (
        terms(port_of_discharge="Any Chinese main port"),
        set(),
    ),
    "area on the credit, UN/LOCODE on the B/L": (
        both(terms(port_of_discharge="Any Chinese main port"), bill(port_of_discharge="CNSHA")),
        set(),
    ),
    "area on the credit, Port Qasim on the B/L": (
        both(terms(port_of_loading="Any port in Pakistan"), bill(port_of_loading="Port Qasim")),
        set(),
    ),
    "any port in Pakistan, loaded in China": (
        both(terms(port_of_loading="Any port in Pakistan"), bill(port_of_loading="Ningbo")),
        {"UCP20-POL"},
    ),
    "area on the credit and on the B/L": (
        both(
            terms(port_of_discharge="Any Chinese main port"),
            bill(port_of_discharge="Any Chinese main port"),
        ),
        {"UCP20-POD"},
    ),
    # "To order of issuing bank": the B/L names the bank as the credit gives it (52a).
    "to order of issuing bank": (terms(consignee_wording="TO ORDER OF ISSUING BANK"), set()),
    "to order of issuing bank, B/L another bank": (
        both(
            terms(consignee_wording="To order of the issuing bank"),
            bill(consignee="To order of Habib Bank Limited, Karachi"),
        ),
        {"ISBP-E-CONSIGNEE"},
    ),
    "to order of issuing bank, Ltd spelt out": (
        both(
            terms(
                issuing_bank="Bank of China Ltd, Shanghai Branch",
                consignee_wording="To order of issuing bank",
            ),
            bill(consignee="TO ORDER OF BANK OF CHINA LIMITED, SHANGHAI BRANCH"),
        ),
        set(),
    ),
    "to order of the bank, with its address": (
        bill(consignee="To order of Bank of China, Shanghai Branch\n200 Yincheng Road, Shanghai"),
        set(),
    ),
    "consignee wording": (
        bill(consignee="Shanghai Minmetals Trading Co., Ltd."),
        {"ISBP-E-CONSIGNEE"},
    ),
    "notify wording": (bill(notify="Bank of China, Shanghai Branch"), {"ISBP-E-NOTIFY"}),
    # The MT700's "NOTIFY APPLICANT": the B/L names the applicant.
    "notify applicant, B/L names it": (terms(notify_wording="APPLICANT"), set()),
    "notify applicant, B/L names the bank": (
        both(terms(notify_wording="Applicant"), bill(notify="Bank of China, Shanghai Branch")),
        {"ISBP-E-NOTIFY"},
    ),
    "claused B/L": (bill(clean=False, clause="3 cases torn"), {"UCP27-CLEAN"}),
    "two originals of three": (row(BL, originals=2), {"UCP17-ORIGINALS"}),
    "under-insured": (row(INS, amount_minor=58000), {"UCP28f-AMOUNT"}),
    # 28(e): a certificate dated after shipment complies when cover runs from no later
    # than shipment (the golden one: cover from 19 November, loaded on the 20th).
    "insured after shipment, cover from before": (row(INS, issued_on=date(2026, 11, 21)), set()),
    "insured after shipment, cover from shipment": (
        row(INS, issued_on=date(2026, 11, 21), cover_effective_on=date(2026, 11, 20)),
        set(),
    ),
    "insured after shipment, cover from after": (
        row(INS, issued_on=date(2026, 11, 21), cover_effective_on=date(2026, 11, 21)),
        {"UCP28e-DATE"},
    ),
    "insured after shipment, no cover date": (
        row(INS, issued_on=date(2026, 11, 21), cover_effective_on=None),
        {"UCP28e-DATE"},
    ),
    "origin from a chamber": (
        terms(origin_issuer="Karachi Chamber of Commerce and Industry"),
        {"ISBP-L3-ISSUER"},
    ),
    "inspection certificate missing": (
        terms(documents_required=REQUIRED_WITH_INSPECTION),
        {"UCP14-MISSING"},
    ),
}


def _fired(app: Flask, case: CreditCase, mutation: Mutation | None) -> set[str]:
    with app.test_request_context():
        on = (mutation(case) if mutation else None) or PRESENTED_ON
        db.session.flush()
        examination = run_check(Actor(case.trade.sales), case.credit, on)
        return {finding["rule"] for finding in examination.findings}


def test_the_golden_set_complies(app: Flask) -> None:
    case = golden_credit(app)
    assert _fired(app, case, None) == set()


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_one_change_fires_exactly_its_rules(app: Flask, name: str) -> None:
    mutation, expected = MUTATIONS[name]
    case = golden_credit(app)
    assert _fired(app, case, mutation) == expected


def whole_invoice_credited(case: CreditCase) -> None:
    """A credit note for all of the invoice: the proforma is the only invoice left."""
    from app.services.documents.issuing import issue_credit_note
    from app.services.letters_of_credit.facts import invoice_in_force

    invoice = invoice_in_force(case.order)
    assert invoice is not None
    issue_credit_note(Actor(case.seller_finance), invoice, 53000, "Cancelled")


# Findings on one document's field show what the credit requires beside it.
ONE_SIDED: dict[str, tuple[Mutation, list[tuple[str, str, str]]]] = {
    "ISBP-C1-TITLE": (
        whole_invoice_credited,
        [
            ("commercial_invoice", "title", "proforma_invoice"),
            ("credit", "title", "commercial_invoice"),
        ],
    ),
    "UCP20-ONBOARD": (
        bill(on_board_date=None),
        [
            ("bill_of_lading", "on_board_date", "—"),
            ("credit", "latest_shipment_date", "2026-11-30"),
        ],
    ),
    "UCP27-CLEAN": (
        bill(clean=False, clause="3 cases torn"),
        [
            ("bill_of_lading", "clean", "3 cases torn"),
            ("credit", "clean", "Full set of clean on board ocean bills of lading"),
        ],
    ),
}


@pytest.mark.parametrize("rule", list(ONE_SIDED))
def test_a_finding_shows_what_the_credit_requires_beside_the_document(
    app: Flask, client: FlaskClient, auth: AuthActions, rule: str
) -> None:
    mutation, expected = ONE_SIDED[rule]
    case = golden_credit(app)
    with app.test_request_context():
        mutation(case)
        db.session.flush()
        examination = run_check(Actor(case.trade.sales), case.credit, PRESENTED_ON)
        (finding,) = [f for f in examination.findings if f["rule"] == rule]
        assert [(f["document"], f["name"], f["value"]) for f in finding["fields"]] == expected
        report_fields = [
            (f["name"][0], f["value"]) for f in examination.report_data["findings"][0]["fields"]
        ]
        public_id = examination.public_id
        db.session.commit()
    assert report_fields[1] == EXPECTED_IN_REPORT[rule]
    auth.login(case.trade.sales.email)
    card = client.get(f"/credits/checks/{public_id}").get_data(as_text=True)
    card = card[card.index(f'data-rule="{rule}"') :]
    assert f"Letter of credit LC2026SH0042</td><td>{EXPECTED_IN_REPORT[rule][0]}" in card
    assert EXPECTED_IN_REPORT[rule][1].split(" / ")[0] in card


EXPECTED_IN_REPORT = {
    "ISBP-C1-TITLE": ("Title", "Commercial invoice / 商业发票"),
    "UCP20-ONBOARD": ("Latest shipment date", "2026-11-30"),
    "UCP27-CLEAN": ("Clean on board", "Full set of clean on board ocean bills of lading"),
}


def test_a_claused_bill_under_a_credit_without_wording_shows_art_27(app: Flask) -> None:
    case = golden_credit(app)
    with app.test_request_context():
        case.credit.terms.documents_required = [
            {**d, "wording": ""} for d in case.credit.terms.documents_required
        ]
        bill(clean=False, clause="drums dented")(case)
        db.session.flush()
        examination = run_check(Actor(case.trade.sales), case.credit, PRESENTED_ON)
        (finding,) = examination.findings
        assert finding["fields"][1] == {
            "document": "credit",
            "label": "LC2026SH0042",
            "name": "clean",
            "value": "clean",
        }
        shown = examination.report_data["findings"][0]["fields"][1]["value"]
        assert shown.startswith("Clean: no clause declaring the goods or packaging defective / ")


def test_a_failed_rule_is_marked_a_discrepancy_with_amounts_in_the_readers_format(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    case = golden_credit(app)
    with app.test_request_context():
        terms(amount_minor=50000)(case)
        db.session.flush()
        examination = run_check(Actor(case.trade.sales), case.credit, PRESENTED_ON)
        amounts = [f["value"] for f in examination.report_data["findings"][0]["fields"]]
        public_id = examination.public_id
        db.session.commit()
    assert amounts == ["$530.00", "$500.00"]  # the invoice against the credit's ceiling
    auth.login(case.trade.sales.email)
    page = client.get(f"/credits/checks/{public_id}").get_data(as_text=True)
    card = page[page.index('data-rule="UCP18b-AMOUNT"') :]
    assert "Discrepancy</span> <code>UCP18b-AMOUNT</code>" in card
    assert 'pre-line">$530.00</td>' in card and 'pre-line">$500.00</td>' in card
    assert "530.00 USD" not in page
    chinese = client.get(f"/credits/checks/{public_id}", headers={"Accept-Language": "zh-CN"})
    assert 'pre-line">US$530.00</td>' in chinese.get_data(as_text=True)


def test_insurance_rules_do_not_apply_to_a_set_without_insurance(app: Flask) -> None:
    case = golden_credit(app)
    with app.test_request_context():
        case.credit.terms.documents_required = [
            d for d in case.credit.terms.documents_required if d["kind"] != "insurance_certificate"
        ]
        db.session.delete(_row(case, CreditDocumentKind.INSURANCE_CERTIFICATE))
        db.session.flush()
        examination = run_check(Actor(case.trade.sales), case.credit, PRESENTED_ON)
        shown = {r["id"]: (r["applies"], r["passed"]) for r in examination.report_data["rules"]}
    assert shown["UCP28f-AMOUNT"] == (False, True)
    assert shown["UCP28e-DATE"] == (False, True)
    assert shown["ISBP-L2-GOODS"] == (True, True)  # the origin certificate is there
