"""The credit pages: entering the terms and amendments, uploads, the check page, the
presentation and the bank's answer, scoping and roles."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import PresentationState, TermsState
from app.services.audit.recording import Actor
from app.services.letters_of_credit import presentation, terms
from app.services.letters_of_credit.mt700 import parse
from tests.builders.letters_of_credit import (
    CreditCase,
    cif_trade,
    credit_terms,
    golden_credit,
)
from tests.builders.orders import accept, place_for
from tests.builders.trade import finance_of
from tests.factories import CompanyFactory, UserFactory
from tests.factories.rates import this_weeks_rates
from tests.support.auth import AuthActions
from tests.support.pdfs import save, text_pdf

MT700 = """:27:1/1
:40A:IRREVOCABLE
:20:LC2026SH0042
:31C:261102
:40E:UCP LATEST VERSION
:31D:261220SHANGHAI
:50:SHANGHAI MINMETALS TRADING CO., LTD.
88 CENTURY AVENUE, SHANGHAI
:59:WAH NOBEL CHEMICALS (PVT) LTD
WAH CANTT, PAKISTAN
:32B:USD530,00
:39A:10/10
:41D:ANY BANK BY NEGOTIATION
:42C:AT SIGHT
:43P:NOT ALLOWED
:43T:ALLOWED
:44E:KARACHI
:44F:SHANGHAI
:44C:261130
:45A:200 KGS EMULSION EXPLOSIVE 32 MM CIF SHANGHAI
:46A:+SIGNED COMMERCIAL INVOICE IN 3 COPIES
+FULL SET OF CLEAN ON BOARD OCEAN BILLS OF LADING MADE OUT TO ORDER OF BANK OF CHINA, SHANGHAI BRANCH NOTIFY APPLICANT
+INSURANCE CERTIFICATE FOR 110 PCT OF INVOICE VALUE
:47A:ALL DOCUMENTS TO SHOW THE CREDIT NUMBER
:48:21 DAYS AFTER THE DATE OF SHIPMENT
:71D:ALL CHARGES OUTSIDE CHINA FOR BENEFICIARY
:52A:BKCHCNBJ300
"""


def test_an_mt700_fills_the_terms() -> None:
    data = parse(MT700)
    assert (data.number, data.currency, data.amount) == ("LC2026SH0042", "USD", "530.00")
    assert (data.issue_date, data.expiry_date, data.expiry_place) == (
        date(2026, 11, 2),
        date(2026, 12, 20),
        "SHANGHAI",
    )
    assert (data.tolerance_plus, data.tolerance_minus) == (10, 10)
    assert data.available_by == "negotiation"
    assert (data.partial_shipments, data.transhipment) == (False, True)
    assert (data.port_of_loading, data.port_of_discharge) == ("KARACHI", "SHANGHAI")
    assert data.latest_shipment_date == date(2026, 11, 30)
    assert (data.incoterm, data.incoterm_place) == ("CIF", "Shanghai")
    assert data.presentation_days == 21
    assert [d["kind"] for d in data.documents_required] == [
        "commercial_invoice",
        "bill_of_lading",
        "insurance_certificate",
    ]
    assert data.documents_required[1]["originals"] == 3
    assert data.consignee_wording == "TO ORDER OF BANK OF CHINA, SHANGHAI BRANCH"
    assert data.notify_wording == "APPLICANT"
    assert data.issuing_bank == "BKCHCNBJ300"


def _accepted_lc_order(app: Flask):  # type: ignore[no-untyped-def]
    this_weeks_rates()
    trade = cif_trade()
    order = place_for(
        app,
        trade.purchaser,
        [(trade.product, 200)],
        incoterm="CIF",
        incoterm_place="Shanghai",
        payment_terms="lc_at_sight",
    )
    accept(app, trade, order, freight=Decimal("20"), insurance=Decimal("10"))
    return trade, order


def _terms_form(**changes: str) -> dict[str, str]:
    form = {
        "terms-number": "LC2026SH0042",
        "terms-form_of_credit": "IRREVOCABLE",
        "terms-issue_date": "2026-11-02",
        "terms-expiry_date": "2026-12-20",
        "terms-expiry_place": "Shanghai",
        "terms-expiry_country": "CN",
        "terms-applicant": "Shanghai Minmetals Trading Co., Ltd.",
        "terms-beneficiary": "Wah Nobel Chemicals (Pvt) Ltd",
        "terms-issuing_bank": "Bank of China, Shanghai Branch",
        "terms-currency": "USD",
        "terms-amount": "530.00",
        "terms-tolerance_plus": "0",
        "terms-tolerance_minus": "0",
        "terms-available_with": "Bank of China",
        "terms-available_by": "sight_payment",
        "terms-port_of_loading": "Karachi",
        "terms-port_of_discharge": "Shanghai",
        "terms-latest_shipment_date": "2026-11-30",
        "terms-goods_description": "Emulsion explosive 32 mm",
        "terms-incoterm": "CIF",
        "terms-incoterm_place": "Shanghai",
        "terms-insurance_percent": "110",
        "terms-presentation_days": "21",
        "terms-originals_bill_of_lading": "3",
        "terms-copies_bill_of_lading": "3",
        "terms-originals_commercial_invoice": "1",
    }
    form.update(changes)
    return form


def test_the_buyers_finance_enters_the_credit_and_the_milestone_follows(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade, order = _accepted_lc_order(app)
    clerk = finance_of(trade.buyer)
    db.session.commit()
    auth.login(clerk.email)
    page = client.get(f"/credits/orders/{order.public_id}")
    assert page.status_code == 200 and b"Enter the letter of credit (MT700)" in page.data
    refused = client.post(
        f"/credits/orders/{order.public_id}/terms", data=_terms_form(**{"terms-currency": "EUR"})
    )
    assert refused.status_code == 422 and b"order&#39;s currency, USD" in refused.data
    done = client.post(f"/credits/orders/{order.public_id}/terms", data=_terms_form())
    assert done.status_code == 302
    credit = terms.credit_of_order(order)
    assert credit is not None and credit.terms.amount_minor == 53000
    assert credit.terms.documents_required == [
        {"kind": "commercial_invoice", "originals": 1, "copies": 0, "wording": ""},
        {"kind": "bill_of_lading", "originals": 3, "copies": 3, "wording": ""},
    ]
    milestone = order.milestones[0]
    assert (milestone.lc_number, milestone.lc_amount_minor, milestone.lc_expiry) == (
        "LC2026SH0042",
        53000,
        date(2026, 12, 20),
    )


def test_the_seller_cannot_enter_terms_and_the_buyer_cannot_check(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    case = golden_credit(app)
    auth.login(case.trade.sales.email)
    assert (
        client.post(f"/credits/orders/{case.order.public_id}/terms", data=_terms_form()).status_code
        == 403
    )
    auth.logout()
    auth.login(case.buyer_finance.email)
    assert (
        client.post(
            f"/credits/{case.credit.public_id}/checks", data={"check-presented_on": "2026-11-27"}
        ).status_code
        == 403
    )
    # The buyer sees the credit and the documents it will pay against.
    page = client.get(f"/credits/orders/{case.order.public_id}")
    assert page.status_code == 200 and b"COSU6301234567" in page.data


def test_another_companys_credit_answers_404(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    case = golden_credit(app)
    stranger = UserFactory(company=CompanyFactory())
    db.session.commit()
    auth.login(stranger.email)
    assert client.get(f"/credits/orders/{case.order.public_id}").status_code == 404
    assert (
        client.post(
            f"/credits/{case.credit.public_id}/checks", data={"check-presented_on": "2026-11-27"}
        ).status_code
        == 404
    )
    from app.services.letters_of_credit.facts import uploaded

    bill = next(iter(uploaded(case.order).values()))
    assert client.get(f"/credits/documents/{bill.public_id}").status_code == 404


def post_upload(
    client: FlaskClient, case: CreditCase, scan_name: str = "scan.pdf", **fields: str
) -> TestResponse:
    """The upload form as the seller sends it: its fields (without the prefix) and a scan."""
    data: dict[str, object] = {f"upload-{name}": value for name, value in fields.items()}
    data["upload-file"] = (io.BytesIO(save(text_pdf(fields["kind"]))), scan_name)
    return client.post(
        f"/credits/orders/{case.order.public_id}/documents",
        data=data,
        content_type="multipart/form-data",
    )


def test_the_seller_uploads_runs_the_check_and_sees_findings_side_by_side(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    case = golden_credit(app)
    auth.login(case.trade.sales.email)
    upload = post_upload(
        client,
        case,
        "bl.pdf",
        kind="bill_of_lading",
        issuer="COSCO Shipping Lines Co., Ltd.",
        reference="COSU6301234567",
        issued_on="2026-11-20",
        originals="3",
        copies="3",
        on_board_date="2026-12-02",
        port_of_loading="Karachi",
        port_of_discharge="Shanghai",
        consignee="Shanghai Minmetals Trading Co., Ltd.",
        notify="Shanghai Minmetals Trading Co., Ltd.",
        clean="y",
        gross_weight_kg="220",
        packages="8",
        marks="WN/SMT 1-8",
    )
    assert upload.status_code == 302
    ran = client.post(
        f"/credits/{case.credit.public_id}/checks", data={"check-presented_on": "2026-12-04"}
    )
    assert ran.status_code == 302
    page = client.get(ran.headers["Location"]).get_data(as_text=True)
    assert 'data-rule="UCP20-SHIPDATE"' in page and 'data-rule="ISBP-E-CONSIGNEE"' in page
    assert page.count('class="card mb-3 finding"') == 2
    assert "2026-12-02" in page and "2026-11-30" in page  # side by side
    assert "To order of Bank of China, Shanghai Branch" in page
    # The file is served to the buyer too, not to a bad address.
    bill = client.get(f"/credits/orders/{case.order.public_id}").get_data(as_text=True)
    assert "bl.pdf" in bill


def test_an_amendment_binds_only_once_the_seller_accepts(app: Flask) -> None:
    case = golden_credit(app)
    with app.test_request_context():
        amended = credit_terms(amount="600.00", amendment_note="Amount raised")
        terms.propose_amendment(Actor(case.buyer_finance), case.credit, amended)
        assert case.credit.terms.version == 0 and case.credit.milestone.lc_amount_minor == 53000
        terms.decide_amendment(Actor(case.trade.sales), case.credit, 1, accept=False)
        assert case.credit.terms.version == 0
        terms.propose_amendment(Actor(case.buyer_finance), case.credit, amended)
        terms.decide_amendment(Actor(case.trade.sales), case.credit, 2, accept=True)
        assert [v.state for v in case.credit.versions] == [
            TermsState.ACCEPTED,
            TermsState.REFUSED,
            TermsState.ACCEPTED,
        ]
        assert case.credit.terms.version == 2
        assert case.credit.milestone.lc_amount_minor == 60000


def test_presentation_and_the_banks_answers(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    case = golden_credit(app)
    auth.login(case.seller_finance.email)
    done = client.post(
        f"/credits/{case.credit.public_id}/presentations",
        data={"present-presented_on": "2026-11-27", "present-bank": "Habib Bank Limited, Karachi"},
    )
    assert done.status_code == 302
    sent = case.credit.presentations[0]
    assert sent.state is PresentationState.PRESENTED
    assert {d["kind"] for d in sent.documents} >= {"commercial_invoice", "bill_of_lading"}
    no_list = client.post(
        f"/credits/presentations/{sent.public_id}/answer",
        data={"answer-state": "discrepant", "answer-answered_on": "2026-11-30"},
    )
    assert no_list.status_code == 422
    client.post(
        f"/credits/presentations/{sent.public_id}/answer",
        data={
            "answer-state": "discrepant",
            "answer-answered_on": "2026-11-30",
            "answer-discrepancies": "Late shipment",
        },
    )
    client.post(
        f"/credits/presentations/{sent.public_id}/answer",
        data={"answer-state": "accepted", "answer-answered_on": "2026-12-02"},
    )
    db.session.refresh(sent)
    assert (sent.state, sent.bank_discrepancies) == (PresentationState.ACCEPTED, "Late shipment")
    again = client.post(
        f"/credits/presentations/{sent.public_id}/answer",
        data={"answer-state": "refused", "answer-answered_on": "2026-12-03"},
    )
    assert again.status_code == 422
    kinds = [event.kind for event in case.order.events]
    assert kinds.count("credit_bank_answer") == 2 and "credit_presented" in kinds


def test_usance_sets_the_maturity_on_the_milestone(app: Flask) -> None:
    case = golden_credit(app)
    with app.test_request_context():
        case.credit.terms.available_by = case.credit.terms.available_by.__class__(
            "deferred_payment"
        )
        case.credit.terms.usance_days = 60
        sent = presentation.present(Actor(case.trade.sales), case.credit, date(2026, 11, 27), "HBL")
        presentation.answer(
            Actor(case.trade.sales), sent, PresentationState.COMPLYING, date(2026, 11, 30)
        )
        assert sent.maturity_date == date(2027, 1, 29)
        assert case.credit.milestone.due_on == date(2027, 1, 29)


def test_a_credit_note_and_a_new_invoice_under_the_credit_clear_the_description(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    from app.services.documents.issuing import issue_credit_note
    from app.services.letters_of_credit.examination import run_check
    from app.services.letters_of_credit.facts import invoice_in_force

    case = golden_credit(app)
    with app.test_request_context():
        case.credit.terms.goods_description = (
            "Emulsion explosive 32 mm, HS 3602.00, contract MCCT-0042"
        )
        first = run_check(Actor(case.trade.sales), case.credit, date(2026, 11, 27))
        assert [f["rule"] for f in first.findings] == ["UCP18c-GOODS"]
        old = invoice_in_force(case.order)
        assert old is not None
        issue_credit_note(Actor(case.seller_finance), old, 53000, "Reissued under the L/C")
        db.session.commit()
    auth.login(case.seller_finance.email)
    page = client.get(f"/credits/orders/{case.order.public_id}").get_data(as_text=True)
    assert "Issue the new invoice under the credit" in page
    issued = client.post(
        f"/credits/{case.credit.public_id}/invoice", data={"submission_key": "k" * 32}
    )
    assert issued.status_code == 302
    with app.test_request_context():
        new = invoice_in_force(case.order)
        assert new is not None and new.number == "WN-CI-2026-000002"
        assert new.data["letter_of_credit"]["number"] == "LC2026SH0042"
        again = run_check(Actor(case.trade.sales), case.credit, date(2026, 11, 27))
        assert again.findings == []


def test_the_examination_report_is_numbered_bilingual_and_verifiable(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    import hashlib

    from app.services.letters_of_credit.examination import run_check
    from tests.support.pdfs import pdf_text

    case = golden_credit(app)
    with app.test_request_context():
        case.credit.terms.amount_minor = 50000
        first = run_check(Actor(case.trade.sales), case.credit, date(2026, 11, 27))
        second = run_check(Actor(case.trade.sales), case.credit, date(2026, 11, 27))
        db.session.commit()
    assert (first.report_number, second.report_number) == ("WN-ER-2026-000001", "WN-ER-2026-000002")
    auth.login(case.buyer_finance.email)
    pdf = client.get(f"/credits/checks/{first.public_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "WN-ER-2026-000001" in text and "单据审核报告" in text and "UCP18b-AMOUNT" in text
    assert client.get(f"/credits/checks/{first.public_id}/report.pdf").data == pdf.data
    auth.logout()
    page = client.get(f"/credits/verify/{first.verification_token}").get_data(as_text=True)
    assert hashlib.sha256(pdf.data).hexdigest() in page and "UCP18b-AMOUNT" in page
    genuine = client.post(
        f"/credits/verify/{first.verification_token}",
        data={"pdf": (io.BytesIO(pdf.data), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert b"Genuine" in genuine.data
    assert client.get("/credits/verify/not-a-token").status_code == 404


def test_a_hostile_mt700_fills_only_what_it_can_read() -> None:
    """Thousands of digits once reached int() (ValueError, a 500); a retyped amount with a
    decimal point once read as a hundred times the credit."""
    huge = "9" * 5000
    data = parse(
        MT700.replace(":48:21 DAYS", f":48:{huge} DAYS")
        .replace(":39A:10/10", f":39A:{huge}/1")
        .replace(":42C:AT SIGHT", f":42C:{huge} DAYS")
        .replace("IN 3 COPIES", f"IN {huge} COPIES")
    )
    assert (data.presentation_days, data.tolerance_plus, data.usance_days) == (21, 0, None)
    assert data.documents_required[0]["copies"] == 0
    assert parse(MT700.replace("USD530,00", "USD530.00")).amount == "530.00"
    assert parse(MT700.replace("USD530,00", "USD1.530,00")).amount == "1530.00"


def test_hostile_terms_are_refused_on_their_field(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade, order = _accepted_lc_order(app)
    clerk = finance_of(trade.buyer)
    db.session.commit()
    auth.login(clerk.email)
    url = f"/credits/orders/{order.public_id}/terms"
    for change in (
        {"terms-quantity": "9" * 25},  # once past BIGINT: a 500
        {"terms-expiry_date": "9999-12-31", "terms-latest_shipment_date": "9999-12-30"},
    ):
        assert client.post(url, data=_terms_form(**change)).status_code == 422
    assert terms.credit_of_order(order) is None
    # "²" passes str.isdigit() but not int(): it requires no original, and no 500.
    done = client.post(url, data=_terms_form(**{"terms-originals_commercial_invoice": "\u00b2"}))
    assert done.status_code == 302
    credit = terms.credit_of_order(order)
    assert credit is not None
    assert [d["kind"] for d in credit.terms.documents_required] == ["bill_of_lading"]


def test_the_credits_quantity_follows_its_unit(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    # Issue 20: a credit for 12.5 tonnes states 12.5; one for pieces states whole pieces.
    trade, order = _accepted_lc_order(app)
    clerk = finance_of(trade.buyer)
    db.session.commit()
    auth.login(clerk.email)
    url = f"/credits/orders/{order.public_id}/terms"
    pieces = client.post(
        url, data=_terms_form(**{"terms-quantity": "12.5", "terms-quantity_unit": "PCE"})
    )
    assert pieces.status_code == 422
    assert "Quantities in pieces are whole numbers." in pieces.get_data(as_text=True)
    assert terms.credit_of_order(order) is None
    tonnes = client.post(
        url, data=_terms_form(**{"terms-quantity": "12.500", "terms-quantity_unit": "TNE"})
    )
    assert tonnes.status_code == 302
    credit = terms.credit_of_order(order)
    assert credit is not None
    db.session.expire_all()
    assert (credit.terms.quantity, credit.terms.quantity_unit) == (Decimal("12.5"), "TNE")


def test_hostile_upload_values_are_refused(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    case = golden_credit(app)
    auth.login(case.trade.sales.email)
    url = f"/credits/orders/{case.order.public_id}/documents"

    def post(**changes: str) -> int:
        data = {
            "upload-kind": "bill_of_lading",
            "upload-issuer": "COSCO Shipping Lines Co., Ltd.",
            "upload-reference": "COSU6301234567",
            "upload-issued_on": "2026-11-20",
            "upload-originals": "3",
            "upload-on_board_date": "2026-11-20",
            "upload-port_of_loading": "Karachi",
            "upload-port_of_discharge": "Shanghai",
            **changes,
            "upload-file": (io.BytesIO(save(text_pdf("B/L"))), "bl.pdf"),
        }
        return client.post(url, data=data, content_type="multipart/form-data").status_code

    # 9999-12-30 plus the presentation period overflowed the calendar when checked.
    assert post(**{"upload-on_board_date": "9999-12-30"}) == 422
    assert post(**{"upload-packages": "nan"}) == 422  # never equal to itself
    assert post(**{"upload-gross_weight_kg": "Infinity"}) == 422
    assert post(**{"upload-gross_weight_kg": "1E999999999"}) == 422  # decimal.Overflow
    assert post(**{"upload-gross_weight_kg": "220 kgs"}) == 302  # as the check reads it
    ran = client.post(
        f"/credits/{case.credit.public_id}/checks", data={"check-presented_on": "2026-11-27"}
    )
    assert ran.status_code == 302
    late = client.post(
        f"/credits/{case.credit.public_id}/presentations",
        data={"present-presented_on": "9999-12-31", "present-bank": "Bank of China"},
    )
    assert late.status_code == 422


def test_a_missing_document_is_named_not_coded(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    case = golden_credit(app)
    case.credit.terms.documents_required = [
        *case.credit.terms.documents_required,
        {"kind": "inspection_certificate", "originals": 1, "copies": 0, "wording": ""},
    ]
    db.session.commit()
    auth.login(case.trade.sales.email)
    ran = client.post(
        f"/credits/{case.credit.public_id}/checks", data={"check-presented_on": "2026-11-27"}
    )
    page = client.get(ran.headers["Location"]).get_data(as_text=True)
    assert 'data-rule="UCP14-MISSING"' in page
    assert ">Inspection certificate</td>" in page and "inspection_certificate<" not in page


def test_another_companys_check_report_and_presentation_answer_404(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    from app.services.letters_of_credit.examination import run_check

    case = golden_credit(app)
    with app.test_request_context():
        check = run_check(Actor(case.trade.sales), case.credit, date(2026, 11, 27))
        sent = presentation.present(Actor(case.trade.sales), case.credit, date(2026, 11, 27), "HBL")
        db.session.commit()
    auth.login(case.buyer_finance.email)
    own = client.get(f"/credits/checks/{check.public_id}/report.pdf")
    assert own.headers["Content-Disposition"].startswith("attachment;")
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    auth.logout()
    stranger = UserFactory(company=CompanyFactory())
    db.session.commit()
    auth.login(stranger.email)
    assert client.get(f"/credits/checks/{check.public_id}").status_code == 404
    assert client.get(f"/credits/checks/{check.public_id}/report.pdf").status_code == 404
    answer = {"answer-state": "complying", "answer-answered_on": "2026-11-30"}
    url = f"/credits/presentations/{sent.public_id}/answer"
    assert client.post(url, data=answer).status_code == 404
    decide = f"/credits/{case.credit.public_id}/amendments/1/accept"
    assert client.post(decide).status_code == 404
    assert client.post(f"/credits/{case.credit.public_id}/invoice").status_code == 404


def test_an_insurance_certificate_dated_after_shipment_with_cover_from_before(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    from app.models import CreditDocumentKind
    from app.services.letters_of_credit.facts import uploaded

    case = golden_credit(app)
    auth.login(case.trade.sales.email)
    sent = post_upload(
        client,
        case,
        kind="insurance_certificate",
        issuer="China Pacific Insurance Co., Ltd.",
        reference="CPIC-2026-77121",
        issued_on="2026-11-23",
        originals="1",
        copies="1",
        amount="583.00",
        currency="USD",
        cover_from="Karachi",
        cover_effective_on="2026-11-20",
    )
    assert sent.status_code == 302
    with app.test_request_context():
        row = uploaded(case.order)[CreditDocumentKind.INSURANCE_CERTIFICATE]
        assert (row.issued_on, row.cover_effective_on) == (date(2026, 11, 23), date(2026, 11, 20))
        assert row.fields["cover_from"] == "Karachi"
    ran = client.post(
        f"/credits/{case.credit.public_id}/checks", data={"check-presented_on": "2026-11-27"}
    )
    page = client.get(ran.headers["Location"]).get_data(as_text=True)
    assert 'id="check-clean"' in page
