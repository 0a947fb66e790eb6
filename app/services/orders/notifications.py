"""E-mail to the other party when an order moves, in each recipient's own language."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Order, User
from app.public_urls import absolute_url
from app.services.accounts.capabilities import Action, roles_for
from app.services.audit.recording import Actor
from app.services.outbox import queue_email

# Who hears about an order on each side: those who act on the order for a side are those who hear of it.
_RECIPIENT_ROLES = {
    "seller": roles_for(Action.ACT_AS_SELLER),
    "buyer": roles_for(Action.ACT_AS_BUYER),
}


def _what_happened(kind: str, order: Order) -> str:
    """One sentence for the e-mail, translated in the recipient's locale (caller sets it)."""
    reference = order.reference
    sentences = {
        "placed": gettext(
            "%(buyer)s placed order %(ref)s.", buyer=order.buyer.legal_name, ref=reference
        ),
        "accepted": gettext(
            "%(seller)s accepted order %(ref)s.", seller=order.seller.legal_name, ref=reference
        ),
        "awarded": gettext(
            "%(buyer)s accepted your quote: order %(ref)s is placed on its terms.",
            buyer=order.buyer.legal_name,
            ref=reference,
        ),
        "rejected": gettext(
            "%(seller)s rejected order %(ref)s.", seller=order.seller.legal_name, ref=reference
        ),
        "in_production": gettext("Order %(ref)s is in production.", ref=reference),
        "shipped": gettext("Order %(ref)s has shipped.", ref=reference),
        "final_invoice": gettext(
            "The final invoice of order %(ref)s is issued on the outturn.", ref=reference
        ),
        "shipped_lot": gettext(
            "A lot of order %(ref)s has shipped; the rest follows in later lots.", ref=reference
        ),
        "delivered": gettext(
            "%(buyer)s confirmed delivery of order %(ref)s.",
            buyer=order.buyer.legal_name,
            ref=reference,
        ),
        "completed": gettext("Order %(ref)s is completed.", ref=reference),
        "cancelled": gettext(
            "%(buyer)s cancelled order %(ref)s.", buyer=order.buyer.legal_name, ref=reference
        ),
        "cancelled_by_seller": gettext(
            "%(seller)s cancelled order %(ref)s after its change was declined.",
            seller=order.seller.legal_name,
            ref=reference,
        ),
        "change_proposed": gettext(
            "A change to order %(ref)s is proposed and waits for your answer.", ref=reference
        ),
        "change_accepted": gettext(
            "The proposed change to order %(ref)s is accepted.", ref=reference
        ),
        "change_declined": gettext(
            "The proposed change to order %(ref)s is declined.", ref=reference
        ),
        "change_withdrawn": gettext(
            "The proposed change to order %(ref)s is withdrawn.", ref=reference
        ),
        "claim_filed": gettext(
            "%(buyer)s filed a claim on order %(ref)s: answer it within three days.",
            buyer=order.buyer.legal_name,
            ref=reference,
        ),
        "claim_answered": gettext("The seller answered the claim on order %(ref)s.", ref=reference),
        "claim_agreed": gettext("The claim on order %(ref)s is agreed.", ref=reference),
        "claim_escalated": gettext(
            "The claim on order %(ref)s is escalated to Corridor's operators.", ref=reference
        ),
        "claim_decided": gettext("Corridor decided the claim on order %(ref)s.", ref=reference),
        "claim_changed": gettext("The claim on order %(ref)s moved on.", ref=reference),
    }
    return str(sentences.get(kind) or gettext("Order %(ref)s changed.", ref=reference))


def notify_counterparty(actor: Actor, order: Order, kind: str) -> int:
    """Queue one e-mail per person of the party that did not act; returns how many."""
    acting_company = actor.user.company_id if actor.user else None
    if acting_company == order.seller_id:
        side, company_id = "buyer", order.buyer_id
    elif acting_company == order.buyer_id:
        side, company_id = "seller", order.seller_id
    else:  # the system moved it: both parties hear
        return notify_party(order, "buyer", kind) + notify_party(order, "seller", kind)
    return notify_party(order, side, kind, company_id)


def notify_party(order: Order, side: str, kind: str, company_id: int | None = None) -> int:
    company_id = company_id or (order.buyer_id if side == "buyer" else order.seller_id)
    recipients = db.session.scalars(
        select(User).where(
            User.company_id == company_id,
            User.active.is_(True),
            User.company_role.in_(_RECIPIENT_ROLES[side]),
        )
    )
    link = absolute_url(f"/{side}/orders/{order.public_id}")
    sent = 0
    for person in recipients:
        with force_locale(person.locale or "en"):
            subject = gettext(
                "Order %(ref)s: %(what)s", ref=order.reference, what=_what_happened(kind, order)
            )
            body = gettext(
                "%(what)s\n\nOpen the order to see its timeline and what happens next:\n%(link)s",
                what=_what_happened(kind, order),
                link=link,
            )
        queue_email(person.email, subject[:255], body)
        sent += 1
    return sent
