"""The claim pages through the test client: the order's window, filing with evidence, the
seller's answer, escalation, the operator's decision, settlement once however often it is
sent, the record and its public verification, and another company's claim (404)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import Claim, ClaimStatus, CompanyRole, Document, DocumentKind, OrderStatus
from app.services.audit.recording import Actor
from app.services.claims import escalation
from tests.builders.claims import claim_on, delivered_paid, operator
from tests.builders.orders import order_in
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import CompanyFactory, ProductFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.http import field_errors, page_of
from tests.support.pdfs import pdf_text, save, text_pdf

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


def _certificate() -> tuple[io.BytesIO, str]:
    pdf = save(text_pdf("Weight certificate: 180 units landed, 200 invoiced."))
    return io.BytesIO(pdf), "weight-certificate.pdf"


def test_the_order_pages_show_the_window_and_only_the_buyer_files(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = delivered_paid(app, trade)
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert 'id="claims-window"' in page and "days left" in page
    assert f'href="/claims/orders/{order.public_id}/new"' in page
    auth.logout()
    auth.login(trade.sales.email)
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert 'id="claims-window"' in page and 'id="file-claim"' not in page
    assert client.get(f"/claims/orders/{order.public_id}/new").status_code == 404


def test_a_claim_travels_from_filing_to_settlement_through_the_pages(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = delivered_paid(app, trade)
    auth.login(trade.purchaser.email)
    url = f"/claims/orders/{order.public_id}/new"
    form = {
        "claim_type": "quantity",
        "statement": "The weight certificate shows 180 units landed against 200 invoiced.",
        "quantity-1": "20",
        "amount-1": "500.01",
        "kind": "weight_certificate",
    }
    refused = client.post(url, data={**form, "file": _certificate()})
    assert refused.status_code == 422
    assert field_errors(page_of(refused), "lines") == [
        "On line 1 you may ask at most what was paid on it: $500.00."
    ]
    assert db.session.scalar(select(func.count(Claim.id))) == 0
    filed = client.post(url, data={**form, "amount-1": "50.00", "file": _certificate()})
    assert filed.status_code == 302
    claim = db.session.scalars(select(Claim)).one()
    assert claim.amount_asked_minor == 5000
    (evidence,) = claim.evidence
    assert evidence.stored_file.filename == "weight-certificate.pdf"
    auth.logout()

    auth.login(trade.sales.email)
    page = page_of(client.get(f"/claims/{claim.public_id}"))
    assert "The weight certificate shows 180 units" in page and 'id="response-form"' in page
    download = client.get(f"/claims/{claim.public_id}/evidence/{evidence.public_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    answered = client.post(
        f"/claims/{claim.public_id}/respond",
        data={"response": "partial_refund", "proposed": "25.00", "note": "We count 190 landed."},
    )
    assert answered.status_code == 302
    assert claim.status is ClaimStatus.RESPONDED
    auth.logout()

    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/claims/{claim.public_id}"))
    assert 'id="agree-form"' in page and "$25.00" in page
    assert client.post(f"/claims/{claim.public_id}/escalate", data={"note": ""}).status_code == 302
    assert claim.status is ClaimStatus.ESCALATED
    auth.logout()

    olga = operator()
    auth.login(olga.email)
    listing = page_of(client.get("/claims/operator"))
    assert claim.reference in listing
    short = client.post(
        f"/claims/{claim.public_id}/decide",
        data={"remedy": "refund", "amount": "40", "reason": "no"},
    )
    assert short.status_code == 422
    assert field_errors(page_of(short), "reason") == ["Write the reason for the decision."]
    decided = client.post(
        f"/claims/{claim.public_id}/decide",
        data={"remedy": "refund", "amount": "40.00", "reason": "The certificate shows 16 short."},
    )
    assert decided.status_code == 302 and claim.status is ClaimStatus.DECIDED
    auth.logout()

    clerk = finance_of(trade.seller)
    auth.login(clerk.email)
    key = "k" * 32
    settle_url = f"/claims/{claim.public_id}/settle"
    missing = client.post(settle_url, data={"bank_reference": "", "submission_key": "a" * 32})
    assert missing.status_code == 422
    assert field_errors(page_of(missing), "bank_reference") == [
        "Give the bank's reference of the transfer back."
    ]
    for _ in range(2):  # a double click, or Back and send again
        sent = client.post(
            settle_url, data={"bank_reference": "HBL-RET-0042", "submission_key": key}
        )
        assert sent.status_code == 302
    assert claim.status is ClaimStatus.SETTLED
    notes = db.session.scalars(
        select(Document).where(
            Document.order_id == order.id, Document.kind == DocumentKind.CREDIT_NOTE
        )
    ).all()
    assert [note.total_minor for note in notes] == [4000]
    register = page_of(client.get("/finance/invoices"))
    assert notes[0].number in register


def test_another_companys_claim_answers_404(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order)
    stranger = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.OWNER
    )
    auth.login(stranger.email)
    assert client.get(f"/claims/{claim.public_id}").status_code == 404
    assert client.post(f"/claims/{claim.public_id}/withdraw", data={}).status_code == 404
    assert client.get(f"/claims/orders/{order.public_id}/new").status_code == 404
    auth.logout()
    auth.login(trade.sales.email)
    withdrawn = client.post(f"/claims/{claim.public_id}/withdraw", data={})
    assert withdrawn.status_code == 403  # the seller's role: not the buyer's move
    assert claim.status is ClaimStatus.OPEN


def test_the_record_is_bilingual_and_verifiable_by_anyone(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "40")
    with app.test_request_context():
        escalation.run_clocks(claim.auto_escalate_at)
        db.session.commit()
    auth.login(trade.purchaser.email)
    exported = client.post(f"/claims/{claim.public_id}/records", data={})
    assert exported.status_code == 302
    pdf = client.get(exported.headers["Location"]).data
    text = pdf_text(pdf)
    assert "Claim file" in text and "索赔档案" in text and claim.reference in text
    assert "Escalated" in text
    auth.logout()
    token = claim_record_token(claim)
    page = page_of(client.get(f"/claims/verify/{token}"))
    assert hashlib.sha256(pdf).hexdigest() in page
    checked = client.post(f"/claims/verify/{token}", data={"pdf": (io.BytesIO(pdf), "copy.pdf")})
    assert 'id="verify-outcome"' in page_of(checked) and "Genuine" in page_of(checked)


def claim_record_token(claim: Claim) -> str:
    from app.services.claims.queries import claim_records

    (record,) = claim_records(claim)
    return record.verification_token


def test_the_supplier_profile_shows_claims_from_five_orders(
    app: Flask, client: FlaskClient, trade: Trade
) -> None:
    first = delivered_paid(app, trade)
    claim_on(app, trade, first, "40")
    before = page_of(client.get(f"/sellers/{trade.seller.public_id}"))
    assert "Wah Nobel" in before and 'id="seller-claims"' not in before
    for _ in range(4):
        order_in(app, trade, OrderStatus.ACCEPTED)
    page = page_of(client.get(f"/sellers/{trade.seller.public_id}"))
    assert 'id="seller-claims"' in page
    assert "1 claim on 5 orders." in page and "Running: 1" in page


def test_the_operator_only_decides(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "40")
    with app.test_request_context():
        escalation.run_clocks(claim.auto_escalate_at)
        db.session.commit()
    auth.login(trade.purchaser.email)
    assert client.get("/claims/operator").status_code == 403
    answer = client.post(
        f"/claims/{claim.public_id}/decide",
        data={"remedy": "refund", "amount": "40", "reason": "I decide for myself."},
    )
    assert answer.status_code == 403
    assert claim.status is ClaimStatus.ESCALATED
    _ = Actor  # the services' own refusals are in test_claims.py


def _short_delivery_form(quantity: str) -> dict[str, object]:
    return {
        "claim_type": "quantity",
        "statement": "The draft survey at discharge shows less than the bill of lading.",
        "quantity-1": quantity,
        "amount-1": "1.00",
        "kind": "weight_certificate",
        "file": _certificate(),
    }


def test_a_claim_names_part_of_a_tonne_but_never_half_a_piece(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    # Issue 20: the quantity concerned follows the line's unit, as ordering did.
    tonnes = make_trade(unit="TNE")
    order = delivered_paid(app, tonnes, quantity=200)
    auth.login(tonnes.purchaser.email)
    url = f"/claims/orders/{order.public_id}/new"
    page = page_of(client.get(url))
    assert 'inputmode="decimal" name="quantity-1"' in page
    assert "Quantities in t take up to 3 decimals (for example 12.500)." in page
    too_fine = client.post(url, data=_short_delivery_form("0.7505"))
    assert too_fine.status_code == 422
    assert field_errors(page_of(too_fine), "lines") == [
        "Line 1: Quantities in t take up to 3 decimals (for example 12.500)."
    ]
    filed = client.post(url, data=_short_delivery_form("0.75"))
    assert filed.status_code == 302
    db.session.expire_all()
    claim = db.session.scalars(select(Claim)).one()
    assert [line.quantity for line in claim.lines] == [Decimal("0.75")]
    assert '<span class="figure">0.750 t</span>' in page_of(
        client.get(f"/claims/{claim.public_id}")
    )

    # The same parties trading pieces (one seller: its documents number in one series).
    pieces = replace(tonnes, product=ProductFactory(seller=tonnes.seller, unit="PCE"))
    order = delivered_paid(app, pieces, quantity=200)
    auth.login(pieces.purchaser.email)
    url = f"/claims/orders/{order.public_id}/new"
    page = page_of(client.get(url))
    assert 'inputmode="numeric" name="quantity-1"' in page
    assert "Quantities in pieces are whole numbers." in page
    refused = client.post(url, data=_short_delivery_form("0.5"))
    assert refused.status_code == 422
    assert field_errors(page_of(refused), "lines") == [
        "Line 1: Quantities in pieces are whole numbers."
    ]
    assert db.session.scalar(select(func.count(Claim.id))) == 1  # the tonnes' claim only
