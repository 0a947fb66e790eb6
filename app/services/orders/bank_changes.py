"""A changed bank account, told to everyone who may pay into it (forged-proforma fraud).

The commonest fraud in cross-border trade is a proforma or invoice with the bank account
changed, sent by someone who is not the seller. On Corridor documents print only the
account the company's owner keeps on its record (``accounts.companies.set_bank_details``);
when the owner changes it, every counterparty with an open order is e-mailed, and their
order pages carry a notice with the date of the change for ``NOTICE_DAYS`` days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import or_, select

from app.extensions import db
from app.models import Company, Order, OrderStatus, User
from app.public_urls import absolute_url
from app.services.accounts.capabilities import Action, roles_for
from app.services.accounts.companies import BankDetails, set_bank_details
from app.services.audit.recording import Actor
from app.services.outbox import queue_email

NOTICE_DAYS = 14
# Orders still being performed or paid: their buyers may yet pay into the account.
OPEN_STATUSES = frozenset(
    {
        OrderStatus.PLACED,
        OrderStatus.ACCEPTED,
        OrderStatus.IN_PRODUCTION,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    }
)
# Those who pay or receive money for the counterparty hear of it.
_TOLD = roles_for(Action.PAY) | roles_for(Action.RECORD_RECEIPT)


def change_bank_details(actor: Actor, company: Company, details: BankDetails) -> int:
    """Store the owner's new bank details; tell counterparties with open orders.

    Returns how many e-mails were queued (none when nothing changed).
    """
    if not set_bank_details(actor, company, details):
        return 0
    orders = db.session.scalars(
        select(Order)
        .where(
            or_(Order.seller_id == company.id, Order.buyer_id == company.id),
            Order.status.in_(OPEN_STATUSES),
        )
        .order_by(Order.id)
    ).all()
    by_counterparty: dict[int, list[Order]] = {}
    for order in orders:
        other = order.buyer_id if order.seller_id == company.id else order.seller_id
        by_counterparty.setdefault(other, []).append(order)
    sent = 0
    for company_id, its_orders in by_counterparty.items():
        people = db.session.scalars(
            select(User).where(
                User.company_id == company_id,
                User.active.is_(True),
                User.company_role.in_(_TOLD),
            )
        )
        for person in people:
            _tell(person, company, its_orders)
            sent += 1
    return sent


def _tell(person: User, company: Company, orders: list[Order]) -> None:
    changed_at = company.bank_details_changed_at
    # Language-neutral and zone-explicit: the recipient may read it anywhere.
    when = f"{changed_at:%Y-%m-%d %H:%M} UTC" if changed_at else ""
    references = ", ".join(order.reference for order in orders)
    side = "buyer" if orders[0].buyer_id == person.company_id else "seller"
    link = absolute_url(f"/{side}/orders/{orders[0].public_id}")
    with force_locale(person.locale or "en"):
        subject = gettext("%(company)s changed its bank account", company=company.legal_name)
        body = gettext(
            "%(company)s changed the bank account it receives payments into on %(when)s.\n\n"
            "Before you pay, confirm the new account with them by phone, on a number you"
            " already know; never on one given in the same message. Corridor prints only"
            " the account on the company's record on proformas and invoices.\n\n"
            "Open orders: %(orders)s\n%(link)s",
            company=company.legal_name,
            when=when,
            orders=references,
            link=link,
        )
    queue_email(person.email, subject[:255], body)


def recent_bank_change(company: Company, now: datetime) -> datetime | None:
    """When ``company`` changed its bank account, if within the last ``NOTICE_DAYS`` days."""
    changed_at = company.bank_details_changed_at
    if changed_at is None or now >= changed_at + timedelta(days=NOTICE_DAYS):
        return None
    return changed_at
