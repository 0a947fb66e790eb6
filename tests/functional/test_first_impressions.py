"""First impressions (issue 26): home pages that say what waits and open the filtered list
behind each count, documents that follow their rendering without a reload, the verification
notice before a cart, the favicon, page titles and the landing page's search box."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import CompanyRole, DocumentKind, Order, OrderStatus
from app.services.audit.recording import Actor
from app.services.payments import milestones as payments
from app.services.quotations import quotes
from tests.builders.documents import render_pending
from tests.builders.orders import accept, order_in, place_for
from tests.builders.quotations import open_rfq, quote_input
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.http import order_references, page_of, waiting_count
from tests.support.pdfs import save, text_pdf

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


# --- the seller's home ---------------------------------------------------------------------


def test_the_seller_home_counts_orders_to_accept_and_lists_them(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    placed = [place_for(app, trade.purchaser, [(trade.product, 200)]) for _ in range(3)]
    accept(app, trade, placed[0])
    auth.login(trade.sales.email)
    home = page_of(client.get("/seller/"))
    assert waiting_count(home, "accept") == 2
    assert 'href="/seller/orders?waiting=accept"' in home
    # Orders exist: the home lists them and no longer promises they "will appear here".
    assert "will appear here" not in home and "No buyer has ordered from you yet" not in home
    assert set(order_references(home)) == {order.reference for order in placed}
    waiting = page_of(client.get("/seller/orders?waiting=accept"))
    assert sorted(order_references(waiting)) == sorted(o.reference for o in placed[1:])
    assert 'id="waiting-filter"' in waiting and "accept or reject" in waiting
    # The filter stays while another one is added (a hidden field of the filter form).
    assert '<input type="hidden" name="waiting" value="accept">' in waiting


def test_a_seller_without_orders_reads_that_none_came_yet(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.sales.email)
    home = page_of(client.get("/seller/"))
    assert waiting_count(home, "accept") == 0 and waiting_count(home, "answer") == 0
    assert "No buyer has ordered from you yet." in home


def test_the_seller_home_counts_rfqs_to_answer_until_a_quote_is_sent(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    rfq = open_rfq(trade)
    db.session.commit()
    auth.login(trade.sales.email)
    assert waiting_count(page_of(client.get("/seller/")), "answer") == 1
    listed = page_of(client.get("/seller/rfqs?waiting=answer"))
    assert rfq.reference in listed and 'id="waiting-filter"' in listed
    with app.test_request_context():
        quotes.submit_quote(Actor(trade.sales), rfq, quote_input())
        db.session.commit()
    assert waiting_count(page_of(client.get("/seller/")), "answer") == 0
    assert rfq.reference not in page_of(client.get("/seller/rfqs?waiting=answer"))
    assert rfq.reference in page_of(client.get("/seller/rfqs"))


# --- the buyer's home ----------------------------------------------------------------------


def test_the_buyer_home_counts_orders_to_pay_and_documents_to_download(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    placed = place_for(app, trade.purchaser, [(trade.product, 200)])  # nothing to pay yet
    shipped = order_in(app, trade, OrderStatus.SHIPPED)  # proforma, invoice, papers
    render_pending(app)
    auth.login(trade.purchaser.email)
    home = page_of(client.get("/buyer/"))
    assert waiting_count(home, "payment") == 1
    assert waiting_count(home, "documents") == 1
    assert order_references(page_of(client.get("/buyer/orders?waiting=payment"))) == [
        shipped.reference
    ]
    to_download = page_of(client.get("/buyer/orders?waiting=documents"))
    assert order_references(to_download) == [shipped.reference]
    assert placed.reference not in to_download
    # Downloading every document of the order answers the count.
    for document in shipped.documents:
        assert client.get(f"/documents/{document.public_id}.pdf").status_code == 200
    assert waiting_count(page_of(client.get("/buyer/")), "documents") == 0


def test_an_unknown_waiting_filter_is_ignored_not_an_error(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = place_for(app, trade.purchaser, [(trade.product, 200)])
    auth.login(trade.purchaser.email)
    response = client.get("/buyer/orders?waiting=<script>")
    assert response.status_code == 200
    assert order_references(page_of(response)) == [order.reference]
    assert 'id="waiting-filter"' not in page_of(response)


# --- finance and operator homes ------------------------------------------------------------


def test_finance_home_counts_proofs_of_transfer_waiting_for_a_receipt(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = accept(app, trade, place_for(app, trade.purchaser, [(trade.product, 200)]))
    other = accept(app, trade, place_for(app, trade.purchaser, [(trade.product, 300)]))
    clerk = finance_of(trade.seller)
    milestone = order.milestones[0]
    with app.test_request_context():
        payments.upload_proof(Actor(trade.purchaser), milestone, save(text_pdf()))
        db.session.commit()
    auth.login(clerk.email)
    home = page_of(client.get("/finance/"))
    assert waiting_count(home, "receipt") == 1
    listed = page_of(client.get("/finance/?waiting=receipt"))
    assert order.reference in listed and other.reference not in listed
    with app.test_request_context():
        payments.record_receipt(
            Actor(clerk),
            milestone,
            payments.ReceiptInput(str(milestone.remaining.amount), date.today(), "TT-1"),
        )
        db.session.commit()
    assert waiting_count(page_of(client.get("/finance/")), "receipt") == 0


def test_the_operator_home_counts_companies_to_verify(
    client: FlaskClient, auth: AuthActions
) -> None:
    CompanyFactory(pending=True, legal_name="Karakoram Minerals")
    operator = UserFactory(operator=True)
    auth.login(operator.email)
    home = page_of(client.get("/operator/"))
    assert waiting_count(home, "verify") == 1
    assert 'href="/operator/companies?status=pending"' in home


# --- documents follow their rendering ------------------------------------------------------


def test_document_states_answer_for_the_two_parties_only(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = accept(app, trade, place_for(app, trade.purchaser, [(trade.product, 200)]))
    proforma = next(d for d in order.documents if d.kind is DocumentKind.PROFORMA_INVOICE)
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert f'data-document-id="{proforma.public_id}" data-document-status="rendering"' in page
    assert '<script src="/static/js/document-status.js" defer></script>' in page
    url = f"/documents/states?id={proforma.public_id}"
    assert client.get(url).get_json() == {
        "documents": {proforma.public_id: {"status": "rendering", "download_url": None}}
    }
    render_pending(app)
    assert client.get(url).get_json() == {
        "documents": {
            proforma.public_id: {
                "status": "ready",
                "download_url": f"/documents/{proforma.public_id}.pdf",
            }
        }
    }
    # Another company asks: the document is unknown to it, as its download would be 404.
    stranger = UserFactory(company=CompanyFactory(), company_role=CompanyRole.PURCHASER)
    auth.logout()
    auth.login(stranger.email)
    assert client.get(url).get_json() == {"documents": {}}
    auth.logout()
    assert client.get(url).status_code in (302, 401)


# --- verification before the cart ----------------------------------------------------------


def test_an_unverified_buyer_reads_why_before_filling_the_cart(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    pending = CompanyFactory(pending=True, chinese_buyer=True)
    purchaser = UserFactory(company=pending, company_role=CompanyRole.PURCHASER)
    auth.login(purchaser.email)
    product_page = page_of(client.get(f"/products/{trade.product.public_id}"))
    assert 'id="buyer-verification-notice"' in product_page
    assert "the order can be placed only once your company is verified" in product_page
    assert 'id="buyer-verification-notice"' in page_of(client.get("/buyer/cart"))
    # A verified buyer is not told anything.
    auth.logout()
    auth.login(trade.purchaser.email)
    assert 'id="buyer-verification-notice"' not in page_of(
        client.get(f"/products/{trade.product.public_id}")
    )


# --- the favicon, titles and the search box -------------------------------------------------


def test_the_favicon_is_served_from_static(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert '<link rel="icon" href="/favicon.ico"' in page_of(client.get("/"))


def title_of(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match is not None
    return " ".join(match.group(1).split())


def test_every_workspace_page_names_itself_in_the_title(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order: Order = place_for(app, trade.purchaser, [(trade.product, 200)])
    auth.login(trade.purchaser.email)
    titles = {
        path: title_of(page_of(client.get(path)))
        for path in ("/buyer/", "/buyer/orders", "/buyer/cart", "/buyer/rfqs", "/messages/")
    }
    titles["order"] = title_of(page_of(client.get(f"/buyer/orders/{order.public_id}")))
    assert titles == {
        "/buyer/": "Buying · Corridor",
        "/buyer/orders": "Orders · Corridor",
        "/buyer/cart": "Cart · Corridor",
        "/buyer/rfqs": "Requests for quotation · Corridor",
        "/messages/": "Messages · Corridor",
        "order": titles["order"],
    }
    assert order.reference in titles["order"]


def test_the_landing_page_searches_the_catalogue(client: FlaskClient) -> None:
    page = page_of(client.get("/"))
    form = page.split('id="home-search"', 1)[1].split("</form>", 1)[0]
    assert 'action="/catalog" role="search"' in page
    assert 'type="search" id="home-q" name="q"' in form
