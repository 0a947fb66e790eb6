"""The RFQ pages on both sides over HTTP: the journey, scoping, roles, statement budgets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import (
    CompanyRole,
    Order,
    OrderStatus,
    QuoteRevision,
    QuoteStatus,
    Rfq,
    RfqInvitation,
    RfqStatus,
)
from app.services.audit.recording import Actor
from app.services.quotations.quotes import CounterInput, counter, submit_quote
from tests.builders.quotation_forms import quote_form as _quote_form
from tests.builders.quotation_forms import rfq_form as _rfq_form
from tests.builders.quotations import awarded, open_rfq, quote_input, quoted_rfq
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.db import counted_statements
from tests.support.http import page_of
from tests.support.pdfs import save, text_pdf

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """Services called from the test run in a request context, as a view would."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def trade(app: Flask) -> Trade:
    return make_trade()


def test_the_negotiation_over_http(client: FlaskClient, auth: AuthActions, trade: Trade) -> None:
    auth.login(trade.purchaser.email)
    prefilled = client.get(f"/buyer/rfqs/new?product={trade.product.public_id}")
    assert prefilled.status_code == 200
    assert trade.product.title in page_of(prefilled)
    pdf = save(text_pdf("Specification: AN porous prilled, density 0.75"))
    form = _rfq_form(trade)
    form["attachments"] = [(BytesIO(pdf), "spec.pdf", "application/pdf")]
    sent = client.post("/buyer/rfqs/new", data=form, content_type="multipart/form-data")
    assert sent.status_code == 302, page_of(sent)
    rfq = db.session.scalars(db.select(Rfq)).one()
    assert (rfq.status, rfq.target_price_minor, rfq.hs_code) == (RfqStatus.OPEN, 50_000, "310230")
    file_id = rfq.attachments[0].stored_file.public_id
    auth.logout()

    auth.login(trade.sales.email)
    listed = client.get("/seller/rfqs")
    assert rfq.reference in page_of(listed)
    attachment = client.get(f"/seller/rfqs/{rfq.public_id}/files/{file_id}")
    assert (attachment.status_code, attachment.mimetype) == (200, "application/pdf")
    assert client.get(f"/seller/rfqs/{rfq.public_id}/quote").status_code == 200
    quoted = client.post(f"/seller/rfqs/{rfq.public_id}/quote", data=_quote_form())
    assert quoted.status_code == 302, page_of(quoted)
    auth.logout()

    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/rfqs/{rfq.public_id}"))
    assert "$290,000.00" in page and "$28,000.00" in page
    first = db.session.scalars(db.select(QuoteRevision)).one()
    countered = client.post(
        f"/buyer/quotes/{first.public_id}/counter", data={"unit_price": "500.00", "note": "Budget"}
    )
    assert countered.status_code == 302
    auth.logout()

    auth.login(trade.sales.email)
    revised = client.post(
        f"/seller/rfqs/{rfq.public_id}/quote", data=_quote_form(unit_price="510.00")
    )
    assert revised.status_code == 302
    auth.logout()

    auth.login(trade.purchaser.email)
    second = db.session.scalar(db.select(QuoteRevision).where(QuoteRevision.revision_no == 2))
    assert second is not None
    refused = client.post(
        f"/buyer/quotes/{first.public_id}/accept",
        data={"consignee": "MCCT International, Pudong, Shanghai"},
    )
    assert refused.status_code == 200
    assert "Only the seller&#39;s latest offer can be accepted" in page_of(refused)
    accepted = client.post(
        f"/buyer/quotes/{second.public_id}/accept",
        data={
            "consignee": "MCCT International, Pudong, Shanghai",
            "terms_sha256": second.terms_sha256,
        },
    )
    assert accepted.status_code == 302, page_of(accepted)
    order = db.session.scalars(db.select(Order)).one()
    assert accepted.headers["Location"].endswith(f"/buyer/orders/{order.public_id}")
    assert (order.status, order.total_minor) == (OrderStatus.ACCEPTED, 28_300_000)
    order_page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert f'/buyer/rfqs/{rfq.public_id}"' in order_page
    assert rfq.reference in order_page


def test_a_bad_quote_is_shown_on_its_field(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    rfq = open_rfq(trade, incoterm="FOB", incoterm_place="Karachi")
    db.session.commit()
    auth.login(trade.sales.email)
    response = client.post(
        f"/seller/rfqs/{rfq.public_id}/quote",
        data=_quote_form(incoterm="FOB", incoterm_place="Karachi"),
    )
    assert response.status_code == 200
    assert "Under FOB the buyer pays the main carriage: add no freight." in page_of(response)
    assert db.session.scalar(db.select(db.func.count(QuoteRevision.id))) == 0


def test_another_company_gets_404_on_every_rfq_url(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    rfq, revision = quoted_rfq(trade)
    other_buyer = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
    )
    uninvited = UserFactory(company=CompanyFactory(), company_role=CompanyRole.SALES)
    db.session.commit()
    buyer_urls = [
        ("get", f"/buyer/rfqs/{rfq.public_id}"),
        ("post", f"/buyer/rfqs/{rfq.public_id}/end"),
        ("post", f"/buyer/quotes/{revision.public_id}/counter"),
        ("post", f"/buyer/quotes/{revision.public_id}/accept"),
    ]
    seller_urls = [
        ("get", f"/seller/rfqs/{rfq.public_id}"),
        ("get", f"/seller/rfqs/{rfq.public_id}/quote"),
        ("post", f"/seller/rfqs/{rfq.public_id}/quote"),
        ("post", f"/seller/quotes/{revision.public_id}/withdraw"),
    ]
    for user, urls in ((other_buyer, buyer_urls), (uninvited, seller_urls)):
        auth.login(user.email)
        for method, url in urls:
            response = getattr(client, method)(url, data={"consignee": "Someone, Somewhere"})
            assert response.status_code == 404, (user.email, url)
        auth.logout()
    assert (rfq.status, revision.status) == (RfqStatus.QUOTED, QuoteStatus.OFFERED)


def test_a_viewer_sees_the_rfq_but_cannot_accept(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    rfq, revision = quoted_rfq(trade)
    viewer = UserFactory(company=trade.buyer, company_role=CompanyRole.VIEWER)
    db.session.commit()
    auth.login(viewer.email)
    page = client.get(f"/buyer/rfqs/{rfq.public_id}")
    assert page.status_code == 200
    assert "Accept this quote" not in page_of(page)
    refused = client.post(
        f"/buyer/quotes/{revision.public_id}/accept",
        data={"consignee": "MCCT International, Pudong, Shanghai"},
    )
    assert refused.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_the_seller_sees_only_its_own_quotes(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    rival = UserFactory(company=CompanyFactory(), company_role=CompanyRole.SALES)
    rfq, _ = quoted_rfq(trade)
    rfq.invitations.append(RfqInvitation(seller_id=rival.company_id))
    db.session.flush()
    submit_quote(Actor(rival), rfq, quote_input(unit_price="999.00"))
    db.session.commit()
    auth.login(trade.sales.email)
    page = page_of(client.get(f"/seller/rfqs/{rfq.public_id}"))
    assert "$290,000.00" in page
    assert "$527,500.00" not in page  # the rival's 500 t at $999 plus freight
    auth.logout()
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/rfqs/{rfq.public_id}"))
    assert "$290,000.00" in page and "$527,500.00" in page


def test_the_rfq_list_stays_within_five_statements(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    for _ in range(6):
        rfq = open_rfq(trade)
        submit_quote(Actor(trade.sales), rfq, quote_input())
    db.session.commit()
    for user, url in ((trade.purchaser, "/buyer/rfqs"), (trade.sales, "/seller/rfqs")):
        auth.login(user.email)
        with counted_statements() as statements:
            response = client.get(url)
        assert response.status_code == 200
        assert len(re.findall(r"RFQ-\d{6}", page_of(response))) == 6
        assert len(statements) <= 5, "\n".join(statements)
        auth.logout()


def test_the_rfq_page_stays_within_eight_statements(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    rfq, first = quoted_rfq(trade)
    counter(Actor(trade.purchaser), first, CounterInput(unit_price="500"))
    submit_quote(Actor(trade.sales), rfq, quote_input(unit_price="510.00"))
    db.session.commit()
    for user, url in (
        (trade.purchaser, f"/buyer/rfqs/{rfq.public_id}"),
        (trade.sales, f"/seller/rfqs/{rfq.public_id}"),
    ):
        auth.login(user.email)
        with counted_statements() as statements:
            response = client.get(url)
        assert response.status_code == 200
        assert "Superseded" in page_of(response)
        assert len(statements) <= 8, "\n".join(statements)
        auth.logout()


def test_an_awarded_rfq_page_also_stays_within_eight_statements(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    _, revision = quoted_rfq(trade)
    order = awarded(trade, revision)
    db.session.commit()
    url = f"/buyer/rfqs/{revision.rfq.public_id}"
    auth.login(trade.purchaser.email)
    with counted_statements() as statements:
        response = client.get(url)
    assert order.reference in page_of(response)
    assert len(statements) <= 8, "\n".join(statements)
