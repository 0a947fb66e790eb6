"""The company's 24-hour emergency contact, printed on its dangerous-goods declarations.

IMDG 5.4.3.2 asks for a telephone number answered day and night by someone who knows
the goods and what to do with them; a company sets it before it ships dangerous goods
(``services.fulfilment.shipment_contents`` refuses a shipment without it).
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext

from app.models import Company
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed

# An international number as people write it: +, digits, spaces, dots, dashes, brackets.
_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]{5,38}$", re.ASCII)


def set_emergency_contact(actor: Actor, company: Company, name: str, phone: str) -> None:
    """Record (or clear, with both blank) the company's 24-hour emergency contact."""
    require(
        actor.user,
        Action.MANAGE_COMPANY,
        company,
        lazy_gettext("Only the company's owner can change its emergency contact."),
    )
    name = " ".join((name or "").split())
    phone = " ".join((phone or "").split())
    if (name or phone) and not name:
        raise ValidationFailed(lazy_gettext("Name who answers the emergency number."), "name")
    if name and not phone:
        raise ValidationFailed(lazy_gettext("Give the emergency telephone number."), "phone")
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 7):
        raise ValidationFailed(
            lazy_gettext("Give the number with its country code, e.g. +92 51 111 222 333."),
            "phone",
        )
    if len(name) > 120:
        raise ValidationFailed(lazy_gettext("At most 120 characters."), "name")
    previous = (company.emergency_contact_name, company.emergency_contact_phone)
    company.emergency_contact_name = name or None
    company.emergency_contact_phone = phone or None
    if previous != (company.emergency_contact_name, company.emergency_contact_phone):
        record_audit(
            actor,
            "company.emergency_contact_changed",
            company_id=company.id,
            object_type="company",
            object_id=company.public_id,
            details={"name": name or None, "phone": phone or None},
        )
