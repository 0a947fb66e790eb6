"""The claim's record and page read right for both parties: times by the exporting company's
clock with the zone named, English beside each party's language, timeline notes labelled
and formatted; on the Urdu page, figures and people's words isolated from the text around."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import ClaimRecord
from app.services.audit.recording import Actor
from app.services.claims import filing
from app.services.claims.labels import event_note
from tests.builders.claims import claim_on, delivered_paid
from tests.builders.trade import Trade, finance_of, make_trade
from tests.support.auth import AuthActions
from tests.support.http import page_of
from tests.support.pdfs import pdf_text, save, text_pdf

pytestmark = pytest.mark.usefixtures("exchange_rates")

FILED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # 14:30 in Karachi, 17:30 in Shanghai


@pytest.fixture
def trade() -> Trade:
    trade = make_trade()
    trade.seller.country, trade.seller.timezone = "PK", "Asia/Karachi"
    trade.buyer.country, trade.buyer.timezone = "CN", "Asia/Shanghai"
    db.session.commit()
    return trade


def _claim_with_certificate(app: Flask, trade: Trade):  # type: ignore[no-untyped-def]
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "45.00", now=FILED)
    with app.test_request_context():
        filing.add_evidence(
            Actor(trade.purchaser),
            claim,
            io.BytesIO(save(text_pdf("Weight certificate: 180 units landed."))),
            filename="weight-certificate.pdf",
            kind="weight_certificate",
            now=FILED,
        )
        for event in claim.events:  # the timeline's clock is the database's: set it
            event.occurred_at = FILED
        db.session.commit()
    return claim


def test_timeline_notes_read_as_labelled_parts() -> None:
    (asked,) = event_note("filed", "9300.00 USD")
    assert (str(asked.label), str(asked.money), asked.text) == ("Amount asked", "9300.00 USD", "")
    (certificate,) = event_note("evidence", "weight_certificate: weight-certificate.pdf")
    assert (str(certificate.label), certificate.text) == (
        "Weight certificate",
        "weight-certificate.pdf",
    )
    refund = event_note("refund", "9300.00 USD · CN-2026-0007 · TT-889")
    assert [(str(p.label), p.text) for p in refund] == [
        ("Refunded", ""),
        ("Credit note", "CN-2026-0007"),
        ("Bank reference", "TT-889"),
    ]
    # A person's words stay as written, even when they look like a code.
    (words,) = event_note("status", "Short by 20 t: see the certificate.")
    assert (words.label, words.text) == (None, "Short by 20 t: see the certificate.")
    assert event_note("filed", None) == []


def test_the_record_prints_the_exporters_clock_and_both_parties_languages(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    claim = _claim_with_certificate(app, trade)
    clerk = finance_of(trade.seller)
    db.session.commit()
    auth.login(clerk.email)
    exported = client.post(f"/claims/{claim.public_id}/records", data={})
    assert exported.status_code == 302
    record = db.session.scalars(select(ClaimRecord)).one()
    data = record.data
    assert data["languages"] == ["en", "zh_Hans", "ur"]
    assert data["time_zone"] == {"name": "Asia/Karachi", "abbreviation": "GMT+5"}
    assert data["claim"]["filed_at"] == "2026-12-01 14:30 GMT+5"
    assert data["claim"]["type"][0] == "Short or wrong quantity"
    assert len(data["claim"]["type"]) == 3
    filed, evidence = data["events"]
    assert filed["at"] == "2026-12-01 14:30:00 GMT+5"
    assert filed["note_parts"] == [
        {"label": filed["note_parts"][0]["label"], "text": "$45.00", "figure": True}
    ]
    assert filed["note_parts"][0]["label"][0] == "Amount asked"
    assert evidence["note_parts"][0]["text"] == "weight-certificate.pdf"
    assert evidence["note_parts"][0]["label"][0] == "Weight certificate"
    pdf = client.get(exported.headers["Location"]).data
    text = pdf_text(pdf)
    assert "Times are in Asia/Karachi (GMT+5)." in text
    assert "2026-12-01 14:30 GMT+5" in text
    assert "索赔档案" in text and "时间均为" in text
    assert "Weight certificate 重量证书" in text and ": weight-certificate.pdf" in text
    assert "Amount asked 索赔金额" in text and ": $45.00" in text
    assert "weight_certificate" not in text and "45.00 USD" not in text and "UTC" not in text


def test_the_buyer_exports_by_its_own_clock(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    claim = _claim_with_certificate(app, trade)
    auth.login(trade.purchaser.email)
    assert client.post(f"/claims/{claim.public_id}/records", data={}).status_code == 302
    data = db.session.scalars(select(ClaimRecord)).one().data
    assert data["time_zone"]["name"] == "Asia/Shanghai"
    assert data["claim"]["filed_at"] == "2026-12-01 17:30 GMT+8"


def test_the_urdu_claim_page_isolates_figures_and_peoples_words(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    claim = _claim_with_certificate(app, trade)
    auth.login(trade.sales.email)
    page = page_of(client.get(f"/claims/{claim.public_id}", headers={"Accept-Language": "ur"}))
    assert '<p class="pre-line" id="claim-statement" dir="auto"' in page
    lines = page.split("<tbody>")[1].split("</tbody>")[0]
    assert lines.count('<span class="figure">') == 2  # the quantity with its unit, the amount
    assert "<bdi>Emulsion explosive 32 mm</bdi>" in lines
    assert 'id="claim-asked"><span class="figure">' in page
    timeline = page.split('id="claim-timeline"')[1].split("</ol>")[0]
    assert "weight_certificate" not in timeline and "45.00 USD" not in timeline
    assert "<bdi>weight-certificate.pdf</bdi>" in timeline
    assert timeline.count('<span class="figure">') >= 3  # two times and the amount asked
    assert "<bdi>Li Purchaser</bdi>" in timeline
