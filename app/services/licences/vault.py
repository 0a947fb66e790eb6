"""The licence vault: a company records its licences with their scans, the operator
reviews each, an authority may revoke what it issued, amendments carry their sanction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO

import sqlalchemy as sa
from flask_babel import lazy_gettext

from app.models import Company, Order, User
from app.models.base import utcnow
from app.models.licence import (
    Authority,
    Licence,
    LicenceAmendment,
    LicenceGoods,
    LicenceKind,
    LimitBasis,
    ReviewStatus,
)
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import NotAllowed, NotFound, ValidationFailed
from app.services.files import store_upload
from app.services.licences.types import Session
from app.services.outbox import queue_email
from app.services.webhooks import events as webhook_events

_UN = re.compile(r"^UN\d{4}$")
_CLASS = re.compile(r"^(1\.[1-6])([A-HJKLNS])?$")
_HS = re.compile(r"^\d{4,10}$")
MAX_LIMIT = 10**12  # as kept: grams of NEM, or the goods' unit (inside NUMERIC(18, 3))
# Limits to the thousandth: a gram of NEM, a kilogram of goods counted in tonnes.
_LIMIT_STEP = Decimal("0.001")


@dataclass
class LicenceInput:
    kind: str
    number: str
    authority_public_id: str
    valid_from: date | None
    valid_to: date | None
    goods: str  # "UN0360, 1.1D, 360200": UN numbers, divisions with groups, HS codes
    limit_basis: str = LimitBasis.NET_EXPLOSIVE_MASS.value
    # kg of NEM (to the gram), or the goods' unit (12.5 t), as the basis says.
    quantity_limit: Decimal | int | None = None
    per_shipment_limit: Decimal | int | None = None
    counterparty_name: str | None = None
    port: str | None = None
    order_public_id: str | None = None
    is_demo: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def parse_goods(text: str) -> list[LicenceGoods]:
    """ "UN0360; 1.1B; 3602" → goods lines; raises on anything else."""
    goods: list[LicenceGoods] = []
    for raw in re.split(r"[\s,;]+", text or ""):
        item = raw.strip().upper()
        if not item:
            continue
        if re.fullmatch(r"\d{4}", item):  # "0360": a UN number (HS codes have six digits+)
            item = f"UN{item}"
        if _UN.match(item):
            goods.append(LicenceGoods(un_number=item))
        elif match := _CLASS.match(item):
            goods.append(LicenceGoods(division=match.group(1), compatibility_group=match.group(2)))
        elif _HS.match(item):
            goods.append(LicenceGoods(hs_code=item))
        else:
            raise ValidationFailed(
                lazy_gettext(
                    "%(item)s is not a UN number (UN0360), a division and group (1.1B) or an"
                    " HS code (360200).",
                    item=raw,
                ),
                "goods",
            )
    if not goods:
        raise ValidationFailed(
            lazy_gettext("Name the goods the licence covers: UN numbers, divisions or HS codes."),
            "goods",
        )
    return goods


def _scaled(value: Decimal | int | None, basis: LimitBasis, name: str) -> Decimal | int | None:
    if value is None:
        return None
    exact = Decimal(value)
    if not exact > 0 or exact != exact.quantize(_LIMIT_STEP):
        raise ValidationFailed(lazy_gettext("Give a positive quantity."), name)
    # Limits in net explosive mass are entered in kg and kept in whole grams.
    kept = int(exact * 1000) if basis is LimitBasis.NET_EXPLOSIVE_MASS else exact
    if kept > MAX_LIMIT:
        raise ValidationFailed(lazy_gettext("Give a positive quantity."), name)
    return kept


def authorities(session: Session) -> list[Authority]:
    return list(session.scalars(sa.select(Authority).order_by(Authority.country, Authority.name)))


def record_licence(
    session: Session,
    actor: Actor,
    data: LicenceInput,
    scan: bytes | IO[bytes],
    filename: str | None,
) -> Licence:
    """The company records one of its licences with its scan; it waits for review."""
    user = require(actor.user, Action.MANAGE_LICENCES)
    company = user.company
    assert company is not None
    try:
        kind = LicenceKind(data.kind)
        basis = LimitBasis(data.limit_basis)
    except ValueError:
        raise ValidationFailed(lazy_gettext("Choose the kind of document."), "kind") from None
    number = (data.number or "").strip()
    if not 2 <= len(number) <= 80:
        raise ValidationFailed(lazy_gettext("Give the document's number."), "number")
    authority = session.scalar(
        sa.select(Authority).where(Authority.public_id == (data.authority_public_id or ""))
    )
    if authority is None:
        raise ValidationFailed(lazy_gettext("Choose the issuing authority."), "authority")
    if data.valid_from is None or data.valid_to is None:
        raise ValidationFailed(lazy_gettext("Give the dates it is valid from and to."), "valid_to")
    if data.valid_to < data.valid_from:
        raise ValidationFailed(
            lazy_gettext("It cannot expire before it becomes valid."), "valid_to"
        )
    goods = parse_goods(data.goods)
    order_id = None
    if data.order_public_id:
        order = session.scalar(sa.select(Order).where(Order.public_id == data.order_public_id))
        if order is None or company.id not in (order.buyer_id, order.seller_id):
            raise NotFound(lazy_gettext("No such order."))
        order_id = order.id
    quantity_limit = _scaled(data.quantity_limit, basis, "quantity_limit")
    per_shipment = _scaled(data.per_shipment_limit, basis, "per_shipment_limit")
    stored = store_upload(user, scan, filename=filename, purpose="licence", field="scan")
    licence = Licence(
        holder_id=company.id,
        authority_id=authority.id,
        jurisdiction=authority.country,
        kind=kind,
        number=number,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        limit_basis=basis,
        quantity_limit=quantity_limit,
        per_shipment_limit=per_shipment,
        drawn_quantity=0,
        counterparty_name=(data.counterparty_name or "").strip()[:200] or None,
        port=(data.port or "").strip()[:100] or None,
        order_id=order_id,
        scan_id=stored.id,
        is_demo=data.is_demo,
        created_by_id=user.id,
        goods=goods,
    )
    session.add(licence)
    session.flush()
    record_audit(
        actor,
        "licence.recorded",
        object_type="licence",
        object_id=licence.public_id,
        details={"kind": kind.value, "number": number, "authority": authority.name},
    )
    return licence


def company_licence(session: Session, user: User, public_id: str) -> Licence:
    """One of the user's company's licences (another company's id: not found)."""
    licence = session.scalar(sa.select(Licence).where(Licence.public_id == public_id))
    if licence is None or licence.holder_id != user.company_id:
        raise NotFound(lazy_gettext("No such licence."))
    return licence


def company_licences(session: Session, company_id: int) -> list[Licence]:
    return list(
        session.scalars(
            sa.select(Licence)
            .where(Licence.holder_id == company_id)
            .order_by(Licence.created_at.desc(), Licence.id.desc())
        )
    )


def _tell_holder(session: Session, licence: Licence, subject: str, body: str) -> None:
    owners = session.scalars(
        sa.select(User).where(User.company_id == licence.holder_id, User.active.is_(True))
    )
    for person in owners:
        if person.company_role is not None and person.company_role.value == "owner":
            queue_email(person.email, subject, body)


def review_licence(
    session: Session, actor: Actor, licence: Licence, *, accept: bool, reason: str | None
) -> None:
    """The operator accepts a licence or rejects it with the reason."""
    if actor.user is None or not actor.user.is_operator:
        raise NotAllowed(lazy_gettext("Only the platform operator reviews licences."))
    reason = (reason or "").strip() or None
    if not accept and reason is None:
        raise ValidationFailed(lazy_gettext("Give the reason for the rejection."), "reason")
    licence.review_status = ReviewStatus.ACCEPTED if accept else ReviewStatus.REJECTED
    licence.review_reason = reason
    licence.reviewed_by_id = actor.user.id
    licence.reviewed_at = utcnow()
    session.flush()
    record_audit(
        actor,
        f"licence.{licence.review_status.value}",
        company_id=licence.holder_id,
        object_type="licence",
        object_id=licence.public_id,
        details={"number": licence.number, "reason": reason},
    )
    webhook_events.on_licence_decided(licence, f"licence.{licence.review_status.value}")
    _tell_holder(
        session,
        licence,
        str(lazy_gettext("Licence %(number)s reviewed", number=licence.number)),
        str(
            lazy_gettext(
                "The platform operator %(decision)s your licence %(number)s. %(reason)s",
                decision=lazy_gettext("accepted") if accept else lazy_gettext("rejected"),
                number=licence.number,
                reason=reason or "",
            )
        ),
    )


def revoke_licence(session: Session, actor: Actor, licence: Licence, reason: str) -> None:
    """The issuing authority revokes a licence: no gate counts it from now on."""
    require(actor.user, Action.REVOKE_LICENCE, licence)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(lazy_gettext("Give the reason for the revocation."), "reason")
    if licence.revoked_at is not None:
        return
    assert actor.user is not None
    licence.revoked_at = utcnow()
    licence.revoked_reason = reason[:2000]
    licence.revoked_by_id = actor.user.id
    session.flush()
    record_audit(
        actor,
        "licence.revoked",
        company_id=licence.holder_id,
        object_type="licence",
        object_id=licence.public_id,
        details={"number": licence.number, "reason": reason},
    )
    webhook_events.on_licence_decided(licence, "licence.revoked")
    _tell_holder(
        session,
        licence,
        str(lazy_gettext("Licence %(number)s revoked", number=licence.number)),
        str(
            lazy_gettext(
                "%(authority)s revoked your licence %(number)s: %(reason)s. It no longer"
                " covers any order or shipment on Corridor.",
                authority=licence.authority.name,
                number=licence.number,
                reason=reason,
            )
        ),
    )


def record_amendment(
    session: Session,
    actor: Actor,
    licence: Licence,
    *,
    description: str,
    sanction_reference: str,
    amended_on: date | None,
) -> LicenceAmendment:
    """An amendment with its sanction (an EL-01 changes only with the Federal
    Government's sanction); the licence goes back to the operator for review."""
    user = require(actor.user, Action.MANAGE_LICENCES)
    if licence.holder_id != user.company_id:
        raise NotFound(lazy_gettext("No such licence."))
    description = (description or "").strip()
    sanction = (sanction_reference or "").strip()
    if not description:
        raise ValidationFailed(lazy_gettext("Say what the amendment changes."), "description")
    if not sanction:
        raise ValidationFailed(
            lazy_gettext("Give the reference of the sanction that allowed the amendment."),
            "sanction_reference",
        )
    if amended_on is None:
        raise ValidationFailed(lazy_gettext("Give the date of the amendment."), "amended_on")
    amendment = LicenceAmendment(
        licence=licence,
        description=description[:4000],
        sanction_reference=sanction[:120],
        amended_on=amended_on,
        recorded_by_id=user.id,
    )
    licence.review_status = ReviewStatus.PENDING
    session.add(amendment)
    session.flush()
    record_audit(
        actor,
        "licence.amended",
        object_type="licence",
        object_id=licence.public_id,
        details={"sanction": sanction},
    )
    return amendment


def licences_for_review(session: Session, status: ReviewStatus | None) -> list[Licence]:
    query = sa.select(Licence).order_by(Licence.created_at.desc(), Licence.id.desc())
    if status is not None:
        query = query.where(Licence.review_status == status)
    return list(session.scalars(query))


def licences_to_review_count(session: Session) -> int:
    """How many licences wait for the operator's review (the operator home's count)."""
    return int(
        session.scalar(
            sa.select(sa.func.count(Licence.id)).where(
                Licence.review_status == ReviewStatus.PENDING
            )
        )
        or 0
    )


def create_authority(
    session: Session, actor: Actor, *, name: str, country: str, name_local: str | None = None
) -> Authority:
    if actor.user is None or not actor.user.is_operator:
        raise NotAllowed(lazy_gettext("Only the platform operator adds authorities."))
    name = (name or "").strip()
    country = (country or "").strip().upper()
    if not 2 <= len(name) <= 200:
        raise ValidationFailed(lazy_gettext("Give the authority's name."), "name")
    if len(country) != 2 or not country.isalpha():
        raise ValidationFailed(lazy_gettext("Choose a country from the list."), "country")
    if session.scalar(sa.select(Authority.id).where(Authority.name == name)) is not None:
        raise ValidationFailed(lazy_gettext("This authority is already recorded."), "name")
    authority = Authority(name=name, country=country, name_local=(name_local or "").strip() or None)
    session.add(authority)
    session.flush()
    record_audit(
        actor,
        "authority.created",
        object_type="authority",
        object_id=authority.public_id,
        details={"name": name, "country": country},
    )
    return authority


def holder_name(licence: Licence) -> str:
    holder: Company = licence.holder
    return holder.legal_name
