"""Issue 18, the two parts joined: an RFQ page's conversations, and drafts saved and sent later."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import CompanyRole, OrderChangeProposal, ProposalState, Rfq, RfqStatus
from tests.builders.quotation_forms import rfq_form
from tests.builders.quotations import awarded, open_rfq, quoted_rfq
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, ProductFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context("/"):
        yield


@pytest.fixture
def trade(app: Flask) -> Trade:
    return make_trade()


def _draft_form(trade: Trade) -> dict[str, object]:
    return rfq_form(trade, action="draft", sellers=[], target_price="")


# --- the RFQ page's conversations -------------------------------------------------------


def test_the_buyer_sees_a_thread_per_invited_seller_and_a_seller_only_its_own(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    second = CompanyFactory(legal_name="Pakistan Ordnance Chemicals")
    second_sales = UserFactory(company=second, company_role=CompanyRole.SALES)
    ProductFactory(seller=second, category=trade.product.category)
    rfq = open_rfq(
        trade,
        category_slug=trade.product.category.slug,
        seller_public_ids=[trade.seller.public_id, second.public_id],
    )
    db.session.commit()
    first_link = f"/messages/rfq/{rfq.public_id}/{trade.seller.public_id}"
    second_link = f"/messages/rfq/{rfq.public_id}/{second.public_id}"

    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/rfqs/{rfq.public_id}"))
    assert first_link in page and second_link in page
    assert "Conversation with Wah Nobel Chemicals (Pvt) Ltd" in page
    assert "Conversation with Pakistan Ordnance Chemicals" in page
    auth.logout()

    auth.login(second_sales.email)
    page = page_of(client.get(f"/seller/rfqs/{rfq.public_id}"))
    assert second_link in page and first_link not in page
    assert "Conversation with the buyer" in page
    opened = client.post(second_link, data={"body": "Do you accept 25 kg bags?"})
    assert opened.status_code == 302
    auth.logout()

    # The first seller neither sees the second's link nor reads its conversation.
    auth.login(trade.sales.email)
    page = page_of(client.get(f"/seller/rfqs/{rfq.public_id}"))
    assert first_link in page and second_link not in page
    assert client.get(second_link).status_code == 404
    auth.logout()

    auth.login(trade.purchaser.email)
    thread = page_of(client.get(second_link, follow_redirects=True))
    assert "Do you accept 25 kg bags?" in thread


def test_a_seller_not_invited_has_no_thread_on_the_rfq(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    rfq = open_rfq(trade, title="Confidential: 500 t porous prilled AN")
    stranger = CompanyFactory(legal_name="Not Asked Chemicals")
    stranger_sales = UserFactory(company=stranger, company_role=CompanyRole.SALES)
    db.session.commit()
    own_url = f"/messages/rfq/{rfq.public_id}/{stranger.public_id}"
    auth.login(stranger_sales.email)
    assert client.get(own_url).status_code == 404
    assert client.post(own_url, data={"body": "Can we quote too?"}).status_code == 404
    auth.logout()
    # Nor may the buyer open a thread with a seller it did not invite.
    auth.login(trade.purchaser.email)
    assert client.get(own_url).status_code == 404


# --- drafts -------------------------------------------------------------------------------


def test_a_draft_is_saved_for_the_buyer_only_and_sent_later(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.purchaser.email)
    saved = client.post("/buyer/rfqs/new", data=_draft_form(trade))
    assert saved.status_code == 302, page_of(saved)
    rfq = db.session.scalars(db.select(Rfq)).one()
    assert rfq.status is RfqStatus.DRAFT and rfq.invitations == []
    page = page_of(client.get(f"/buyer/rfqs/{rfq.public_id}"))
    assert "This request is a draft" in page and "Draft" in page
    assert rfq.reference in page_of(client.get("/buyer/rfqs"))
    auth.logout()

    # No seller sees a draft, not even the one the buyer means to ask.
    auth.login(trade.sales.email)
    assert rfq.reference not in page_of(client.get("/seller/rfqs"))
    assert client.get(f"/seller/rfqs/{rfq.public_id}").status_code == 404
    auth.logout()

    # Another buying company's purchaser gets a 404, even for sending or cancelling it.
    other = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
    )
    db.session.commit()
    auth.login(other.email)
    assert client.get(f"/buyer/rfqs/{rfq.public_id}").status_code == 404
    sent = client.post(
        f"/buyer/rfqs/{rfq.public_id}/send", data={"sellers": [trade.seller.public_id]}
    )
    assert sent.status_code == 404
    assert client.post(f"/buyer/rfqs/{rfq.public_id}/end").status_code == 404
    auth.logout()

    auth.login(trade.purchaser.email)
    nobody = client.post(f"/buyer/rfqs/{rfq.public_id}/send", data={})
    assert nobody.status_code == 200
    assert "Choose at least one seller." in page_of(nobody)
    db.session.expire_all()
    assert db.session.get(Rfq, rfq.id).status is RfqStatus.DRAFT  # type: ignore[union-attr]

    sent = client.post(
        f"/buyer/rfqs/{rfq.public_id}/send", data={"sellers": [trade.seller.public_id]}
    )
    assert sent.status_code == 302, page_of(sent)
    db.session.expire_all()
    rfq = db.session.get(Rfq, rfq.id)  # type: ignore[assignment]
    assert rfq.status is RfqStatus.OPEN
    assert [i.seller_id for i in rfq.invitations] == [trade.seller.id]
    # Open for the 30 days chosen, counted from sending.
    assert (
        timedelta(days=30) - timedelta(minutes=1)
        <= rfq.expires_at - rfq.invitations[0].invited_at
        <= timedelta(days=30)
    )
    again = client.post(
        f"/buyer/rfqs/{rfq.public_id}/send", data={"sellers": [trade.seller.public_id]}
    )
    assert "Only a draft can be sent." in page_of(again)
    auth.logout()

    auth.login(trade.sales.email)
    assert client.get(f"/seller/rfqs/{rfq.public_id}").status_code == 200


def test_a_draft_can_be_cancelled_by_its_buyer_but_not_by_a_viewer(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    viewer = UserFactory(company=trade.buyer, company_role=CompanyRole.VIEWER)
    db.session.commit()
    auth.login(trade.purchaser.email)
    client.post("/buyer/rfqs/new", data=_draft_form(trade))
    rfq = db.session.scalars(db.select(Rfq)).one()
    auth.logout()

    auth.login(viewer.email)
    assert client.post(f"/buyer/rfqs/{rfq.public_id}/end").status_code == 403
    refused = client.post(
        f"/buyer/rfqs/{rfq.public_id}/send", data={"sellers": [trade.seller.public_id]}
    )
    assert refused.status_code == 403
    auth.logout()

    auth.login(trade.purchaser.email)
    cancelled = client.post(f"/buyer/rfqs/{rfq.public_id}/end")
    assert cancelled.status_code == 302
    db.session.expire_all()
    assert db.session.get(Rfq, rfq.id).status is RfqStatus.CANCELLED  # type: ignore[union-attr]
    late = client.post(
        f"/buyer/rfqs/{rfq.public_id}/send", data={"sellers": [trade.seller.public_id]}
    )
    assert "Only a draft can be sent." in page_of(late)
    db.session.expire_all()
    assert db.session.get(Rfq, rfq.id).status is RfqStatus.CANCELLED  # type: ignore[union-attr]


def test_a_seller_cannot_save_a_draft(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    auth.login(trade.sales.email)
    assert client.post("/buyer/rfqs/new", data=_draft_form(trade)).status_code in (403, 404)
    assert db.session.scalars(db.select(Rfq)).all() == []


# --- consent after the award ----------------------------------------------------------------


def test_freight_changed_after_an_award_waits_for_the_buyer_who_may_decline(
    client: FlaskClient, auth: AuthActions, trade: Trade, ctx: None
) -> None:
    _, revision = quoted_rfq(trade, unit_price="510.00")
    order = awarded(trade, revision)
    db.session.commit()
    assert (order.freight_minor, order.total_minor) == (2_800_000, 28_300_000)

    auth.login(trade.sales.email)
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert "Propose a change" in page
    proposed = client.post(
        f"/seller/orders/{order.public_id}/propose-change",
        data={"freight": "35000", "reason": "Freight rates rose in Karachi"},
    )
    assert proposed.status_code == 302
    db.session.expire_all()
    assert (order.freight_minor, order.total_minor) == (2_800_000, 28_300_000)
    proposal = db.session.scalars(db.select(OrderChangeProposal)).one()
    assert proposal.changes == {"freight_minor": [2_800_000, 3_500_000]}
    auth.logout()

    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "$290,000.00" in page  # the total after the change, shown before it is agreed
    declined = client.post(
        f"/buyer/orders/{order.public_id}/proposals/{proposal.public_id}/decline",
        data={"note": "The awarded quote included freight"},
    )
    assert declined.status_code == 302
    db.session.expire_all()
    assert proposal.state is ProposalState.DECLINED
    assert (order.freight_minor, order.total_minor) == (2_800_000, 28_300_000)
