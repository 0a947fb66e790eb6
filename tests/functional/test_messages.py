"""Messages between the two companies (app.services.messaging, app.web.messages): a thread
per order and per listing question, files through the upload service, read state and the
navigation's count, the grace period, reports and the operator's audited reading."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    CompanyRole,
    Message,
    MessageThread,
    OrderStatus,
    StoredFile,
)
from app.services.audit.recording import Actor
from app.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.services.messaging import oversight, posting, threads
from tests.builders.messages import write_on_order
from tests.builders.orders import order_in
from tests.builders.quotations import open_rfq
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.db import audit_events, counted_statements
from tests.support.http import page_of
from tests.support.images import jpeg
from tests.support.pdfs import save, text_pdf

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade(app_ctx: None) -> Trade:
    return make_trade()


def _unread_badge(page: str) -> str | None:
    marker = 'id="unread-count">'
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split("<", 1)[0]


def test_the_parties_exchange_messages_on_an_order_and_the_count_clears(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.PLACED)
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/messages/order/{order.public_id}"))
    assert "No messages yet." in page
    assert db.session.scalar(select(func.count(MessageThread.id))) == 0  # GET writes nothing
    pdf = save(text_pdf("Specification: 500 t, CFR Shanghai"))
    response = client.post(
        f"/messages/order/{order.public_id}",
        data={
            "body": "请确认交货期。 Please confirm the ship date.",
            "attachments": (io.BytesIO(pdf), "spec.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    thread = db.session.scalar(select(MessageThread))
    assert thread is not None and thread.order_id == order.id
    message = db.session.scalar(select(Message))
    assert message is not None and [a.stored_file.filename for a in message.attachments] == [
        "spec.pdf"
    ]
    auth.logout()
    auth.login(trade.sales.email)
    page = page_of(client.get("/seller/"))
    assert _unread_badge(page) == "1"
    page = page_of(client.get(f"/messages/{thread.public_id}"))
    assert "请确认交货期。 Please confirm the ship date." in page
    assert _unread_badge(page) is None  # reading it cleared the count
    # The thread leads back to its order, on the reader's own side.
    assert f'id="thread-about" href="/seller/orders/{order.public_id}">Open the order' in page
    stored = message.attachments[0].stored_file
    download = client.get(f"/messages/{thread.public_id}/files/{stored.public_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    client.post(f"/messages/{thread.public_id}", data={"body": "Ship date 20 December."})
    auth.logout()
    auth.login(trade.purchaser.email)
    assert _unread_badge(page_of(client.get("/buyer/"))) == "1"
    page = page_of(client.get(f"/messages/{thread.public_id}"))
    assert f'id="thread-about" href="/buyer/orders/{order.public_id}">Open the order' in page


def test_another_company_sees_neither_thread_nor_file(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.PLACED)
    write_on_order(app, trade.purchaser, order, "Hello")
    thread = db.session.scalar(select(MessageThread))
    assert thread is not None
    outsider = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.OWNER
    )
    auth.login(outsider.email)
    assert client.get(f"/messages/{thread.public_id}").status_code == 404
    assert client.post(f"/messages/{thread.public_id}", data={"body": "x"}).status_code == 404
    assert client.get(f"/messages/order/{order.public_id}").status_code == 404
    with pytest.raises(NotAllowed):
        posting.post_message(Actor(outsider), thread, "Let me in")


def test_a_viewer_reads_but_does_not_write(app: Flask, trade: Trade) -> None:
    order = order_in(app, trade, OrderStatus.PLACED)
    write_on_order(app, trade.purchaser, order, "Hello")
    viewer = UserFactory(company=trade.seller, company_role=CompanyRole.VIEWER)
    thread = threads.visible_thread(
        viewer, db.session.scalars(select(MessageThread)).one().public_id
    )
    assert thread is not None
    with pytest.raises(NotAllowed):
        posting.post_message(Actor(viewer), thread, "Me too")


def test_bad_input_is_refused_and_leaves_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.PLACED)
    auth.login(trade.purchaser.email)
    url = f"/messages/order/{order.public_id}"
    page = page_of(client.post(url, data={"body": "   "}))
    assert "Write a message or attach a file." in page
    page = page_of(client.post(url, data={"body": "x" * 5001}))
    assert "5000" in page or "5,000" in page
    page = page_of(
        client.post(
            url,
            data={"body": "see file", "attachments": (io.BytesIO(b"MZ\x90\x00evil"), "a.exe")},
            content_type="multipart/form-data",
        )
    )
    assert "Upload a PDF or a photo" in page
    assert db.session.scalar(select(func.count(Message.id))) == 0
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0


def test_direction_controls_are_removed_and_text_is_escaped(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.PLACED)
    message = write_on_order(
        app, trade.purchaser, order, "Pay to \u202eKP36 <script>alert(1)</script>"
    )
    assert message.body == "Pay to KP36 <script>alert(1)</script>"
    auth.login(trade.sales.email)
    page = page_of(client.get(f"/messages/{message.thread.public_id}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_ask_the_supplier_from_a_listing(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/products/{trade.product.public_id}"))
    assert f"/messages/ask/{trade.product.public_id}" in page
    client.post(
        f"/messages/ask/{trade.product.public_id}",
        data={"body": "MOQ for 32 mm?", "attachments": (io.BytesIO(jpeg()), "drum.jpg")},
        content_type="multipart/form-data",
    )
    thread = db.session.scalar(select(MessageThread))
    assert thread is not None
    assert (thread.topic.value, thread.buyer_id, thread.seller_id) == (
        "product",
        trade.buyer.id,
        trade.seller.id,
    )
    # Asking again finds the same thread.
    assert client.get(f"/messages/ask/{trade.product.public_id}").location.endswith(
        f"/messages/{thread.public_id}"
    )
    with pytest.raises(NotAllowed):
        threads.product_thread(trade.sales, trade.product)


def test_a_message_is_corrected_within_five_minutes_never_after(app: Flask, trade: Trade) -> None:
    order = order_in(app, trade, OrderStatus.PLACED)
    message = write_on_order(app, trade.purchaser, order, "Price 1200")
    sent = message.created_at
    posting.edit_message(
        Actor(trade.purchaser), message, "Price 1100", now=sent + timedelta(minutes=5, seconds=-1)
    )
    assert message.body == "Price 1100" and message.edited_at is not None
    with pytest.raises(Conflict):
        posting.edit_message(
            Actor(trade.purchaser), message, "Price 900", now=sent + timedelta(minutes=5)
        )
    with pytest.raises(NotAllowed):
        posting.edit_message(Actor(trade.sales), message, "Price 1", now=sent)
    assert message.body == "Price 1100"


def test_operators_read_only_reported_threads_and_each_read_is_audited(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.PLACED)
    message = write_on_order(app, trade.sales, order, "Send the deposit to my new account")
    thread = message.thread
    operator = UserFactory(company=None, company_role=None, is_operator=True)
    with pytest.raises(NotFound):
        oversight.operator_thread(Actor(operator), thread.public_id)
    with pytest.raises(ValidationFailed):
        oversight.report_thread(Actor(trade.purchaser), thread, "")
    oversight.report_thread(Actor(trade.purchaser), thread, "The seller asks for another account.")
    db.session.commit()
    auth.login(operator.email)
    page = page_of(client.get(f"/messages/reported/{thread.public_id}"))
    assert "Send the deposit to my new account" in page
    assert len(audit_events("thread.operator_read")) == 1
    auth.logout()
    auth.login(trade.purchaser.email)
    assert client.get(f"/messages/reported/{thread.public_id}").status_code == 404


def test_the_unread_count_comes_with_the_signed_in_user(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    # No app context around the requests (the trade fixture's would keep the user loaded).
    with app.test_request_context():
        trade = make_trade()
        db.session.commit()
    order = order_in(app, trade, OrderStatus.PLACED)
    for n in range(3):
        write_on_order(app, trade.purchaser, order, f"Message {n}")
    auth.login(trade.sales.email)
    with counted_statements() as statements:
        page = page_of(client.get("/seller/"))
    assert _unread_badge(page) == "3"
    first, *others = statements
    assert "count(messages.id)" in first and "FROM users" in first
    assert not any("messages" in statement for statement in others)


def test_an_rfq_thread_is_between_the_buyer_and_an_invited_seller_only(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    rfq = open_rfq(trade)
    db.session.commit()
    auth.login(trade.purchaser.email)
    url = f"/messages/rfq/{rfq.public_id}/{trade.seller.public_id}"
    client.post(url, data={"body": "能否报CFR上海运费？"})
    thread = db.session.scalar(select(MessageThread))
    assert thread is not None and (thread.rfq_id, thread.seller_id) == (rfq.id, trade.seller.id)
    other_seller = CompanyFactory()
    stranger = UserFactory(company=other_seller, company_role=CompanyRole.SALES)
    with pytest.raises(NotFound):
        threads.rfq_thread(stranger, rfq, other_seller.id)
    with pytest.raises(NotFound):
        threads.rfq_thread(trade.purchaser, rfq, other_seller.id)
    auth.logout()
    auth.login(stranger.email)
    assert client.get(url).status_code == 404
