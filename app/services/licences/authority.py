"""A licensing authority's account: created by the operator, it reads (audited) the
licences recorded as issued by its authority, their reviews, drawdowns and the shipments
made under them with their documents, and may revoke those licences. Nothing else."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext

from app.models import Document, Order, Shipment, User
from app.models.audit import AuditEvent
from app.models.licence import Authority, Licence, LicenceDrawdown
from app.services.accounts.capabilities import Action, require
from app.services.accounts.companies import email_taken
from app.services.accounts.passwords import hash_password, password_problem
from app.services.audit.recording import Actor, record_audit
from app.services.errors import NotAllowed, NotFound, ValidationFailed
from app.services.licences.types import Session


def create_authority_user(
    session: Session,
    actor: Actor,
    authority: Authority,
    *,
    email: str,
    full_name: str,
    password: str,
) -> User:
    """The operator opens an account for a licensing authority."""
    if actor.user is None or not actor.user.is_operator:
        raise NotAllowed(lazy_gettext("Only the platform operator opens authority accounts."))
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(lazy_gettext("Enter a valid e-mail address."), "email") from exc
    if email_taken(address):
        raise ValidationFailed(
            lazy_gettext("An account with this e-mail address exists already."), "email"
        )
    problem = password_problem(password, [address, full_name])
    if problem is not None:
        raise ValidationFailed(problem, "password")
    user = User(
        email=address,
        full_name=full_name.strip()[:120],
        password_hash=hash_password(password),
        is_operator=False,
        authority_id=authority.id,
    )
    session.add(user)
    session.flush()
    record_audit(
        actor,
        "authority.account_created",
        object_type="user",
        object_id=user.public_id,
        details={"authority": authority.name, "email": address},
    )
    return user


def first_password_pending(session: Session, user: User) -> bool:
    """Whether ``user`` still signs in with the first password the operator set when
    opening the account: an authority account whose holder has neither changed nor reset
    it since. The audit log is the record (an account's creation and every password change
    are written there), so no flag can drift from what happened."""
    if user.authority_id is None:
        return False
    created = session.scalar(
        sa.select(AuditEvent.id)
        .where(
            AuditEvent.action == "authority.account_created",
            AuditEvent.object_type == "user",
            AuditEvent.object_id == user.public_id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if created is None:
        return False
    changed = session.scalar(
        sa.select(AuditEvent.id)
        .where(
            AuditEvent.action.in_(("password.changed", "password.reset")),
            AuditEvent.object_type == "user",
            AuditEvent.object_id == user.public_id,
            AuditEvent.id > created,
        )
        .limit(1)
    )
    return changed is None


def _authority_id(actor: Actor) -> int:
    user = require(actor.user, Action.AUTHORITY_AREA)
    assert user.authority_id is not None
    return user.authority_id


def issued_licences(session: Session, actor: Actor) -> list[Licence]:
    """The licences recorded as issued by the actor's authority (the view is audited)."""
    authority_id = _authority_id(actor)
    licences = list(
        session.scalars(
            sa.select(Licence)
            .where(Licence.authority_id == authority_id)
            .order_by(Licence.created_at.desc(), Licence.id.desc())
        )
    )
    record_audit(
        actor,
        "authority.viewed_licences",
        object_type="authority",
        details={"count": len(licences)},
    )
    return licences


@dataclass(frozen=True)
class ShipmentUnder:
    shipment: Shipment
    order: Order
    drawdown: LicenceDrawdown
    documents: list[Document]


@dataclass(frozen=True)
class LicenceRecord:
    licence: Licence
    shipments: list[ShipmentUnder]


def issued_licence(session: Session, actor: Actor, public_id: str) -> LicenceRecord:
    """One licence of the actor's authority with the shipments drawn on it (audited);
    another authority's licence is not found."""
    authority_id = _authority_id(actor)
    licence = session.scalar(sa.select(Licence).where(Licence.public_id == public_id))
    if licence is None or licence.authority_id != authority_id:
        raise NotFound(lazy_gettext("No such licence."))
    shipments: list[ShipmentUnder] = []
    for drawdown in licence.drawdowns:
        shipment = session.get(Shipment, drawdown.shipment_id)
        assert shipment is not None
        documents = list(
            session.scalars(
                sa.select(Document)
                .where(Document.order_id == drawdown.order_id)
                .order_by(Document.id)
            )
        )
        shipments.append(ShipmentUnder(shipment, shipment.order, drawdown, documents))
    record_audit(
        actor,
        "authority.viewed_licence",
        company_id=licence.holder_id,
        object_type="licence",
        object_id=licence.public_id,
    )
    return LicenceRecord(licence, shipments)


def shipment_document(session: Session, actor: Actor, public_id: str) -> Document:
    """A trade document of a shipment drawn on one of the authority's licences (audited)."""
    authority_id = _authority_id(actor)
    document = session.scalar(sa.select(Document).where(Document.public_id == public_id))
    if document is None or document.order_id is None:
        raise NotFound(lazy_gettext("No such document."))
    under = session.scalar(
        sa.select(sa.func.count(LicenceDrawdown.id))
        .join(Licence, Licence.id == LicenceDrawdown.licence_id)
        .where(LicenceDrawdown.order_id == document.order_id, Licence.authority_id == authority_id)
    )
    if not under:
        raise NotFound(lazy_gettext("No such document."))
    record_audit(
        actor,
        "authority.viewed_document",
        company_id=document.issuer_id,
        object_type="document",
        object_id=document.public_id,
    )
    return document


def issued_licence_scan(session: Session, actor: Actor, public_id: str) -> Licence:
    record = issued_licence(session, actor, public_id)
    return record.licence
