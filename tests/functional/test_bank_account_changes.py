"""A changed bank account is the fraudster's favourite trick: only the owner changes it,
every counterparty with an open order is e-mailed, and their order pages say so for 14
days (app.services.orders.bank_changes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import CompanyRole, OrderStatus, OutboxEmail
from app.services.accounts.companies import BankDetails
from app.services.audit.recording import Actor
from app.services.errors import NotAllowed
from app.services.orders.bank_changes import change_bank_details, recent_bank_change
from tests.builders.orders import order_in
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import UserFactory
from tests.support.auth import AuthActions
from tests.support.db import audit_events
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")

NEW_ACCOUNT = BankDetails(
    beneficiary="Wah Nobel Chemicals (Pvt) Ltd",
    bank_name="Standard Chartered Bank (Pakistan) Ltd",
    account="PK36SCBL0000001123456702",
    swift="SCBLPKKX",
    address="I.I. Chundrigar Road, Karachi",
)


@pytest.fixture
def trade(app_ctx: None) -> Trade:
    return make_trade()


def _mails() -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def test_only_the_owner_changes_the_bank_account(app: Flask, trade: Trade) -> None:
    for role in (CompanyRole.SALES, CompanyRole.FINANCE, CompanyRole.VIEWER):
        user = UserFactory(company=trade.seller, company_role=role)
        with pytest.raises(NotAllowed):
            change_bank_details(Actor(user), trade.seller, NEW_ACCOUNT)
    assert trade.seller.bank_details_changed_at is None


def test_counterparties_with_open_orders_are_told_once(app: Flask, trade: Trade) -> None:
    order_in(app, trade, OrderStatus.ACCEPTED)
    order_in(app, trade, OrderStatus.CANCELLED)
    clerk = finance_of(trade.buyer)
    UserFactory(company=trade.buyer, company_role=CompanyRole.VIEWER, email="viewer@x.example")
    owner = UserFactory(company=trade.seller, company_role=CompanyRole.OWNER)
    db.session.query(OutboxEmail).delete()
    sent = change_bank_details(Actor(owner), trade.seller, NEW_ACCOUNT)
    assert sent == 2
    mails = _mails()
    assert sorted(m.to_address for m in mails) == sorted([trade.purchaser.email, clerk.email])
    by_person = {m.to_address: m for m in mails}
    assert "changed the bank account" in by_person[clerk.email].body_text
    assert "CO-" in by_person[clerk.email].body_text
    assert len(audit_events("company.bank_details_changed")) == 1
    # Saving the same details again changes nothing and tells nobody.
    assert change_bank_details(Actor(owner), trade.seller, NEW_ACCOUNT) == 0
    assert len(_mails()) == 2


def test_the_notice_shows_for_fourteen_days_to_the_second(app: Flask, trade: Trade) -> None:
    changed = datetime(2026, 12, 1, 9, 30, 0, tzinfo=UTC)
    trade.seller.bank_details_changed_at = changed
    end = changed + timedelta(days=14)
    assert recent_bank_change(trade.seller, changed) == changed
    assert recent_bank_change(trade.seller, end - timedelta(seconds=1)) == changed
    assert recent_bank_change(trade.seller, end) is None


def test_the_buyers_order_page_shows_the_sellers_change(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.ACCEPTED)
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert 'id="bank-change-notice"' not in page
    owner = UserFactory(company=trade.seller, company_role=CompanyRole.OWNER)
    with app.test_request_context():
        change_bank_details(Actor(owner), trade.seller, NEW_ACCOUNT)
        db.session.commit()
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert 'id="bank-change-notice"' in page
    assert "Wah Nobel Chemicals (Pvt) Ltd changed its bank account on" in page


def test_the_owner_changes_it_on_the_bank_page(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order_in(app, trade, OrderStatus.PLACED)
    owner = UserFactory(company=trade.seller, company_role=CompanyRole.OWNER)
    auth.login(owner.email)
    before = len(_mails())
    response = client.post(
        "/company/bank",
        data={
            "beneficiary": NEW_ACCOUNT.beneficiary,
            "bank_name": NEW_ACCOUNT.bank_name,
            "account": NEW_ACCOUNT.account,
            "swift": NEW_ACCOUNT.swift,
            "address": NEW_ACCOUNT.address,
        },
    )
    assert response.status_code == 302
    assert trade.seller.bank_account == "PK36SCBL0000001123456702"
    assert trade.seller.bank_details_changed_at is not None
    assert [m.to_address for m in _mails()[before:]] == [trade.purchaser.email]
