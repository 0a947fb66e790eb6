"""Finding the licence that covers a need: candidates, their problems, and the shortfall
wording when none will do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext

from app.models import Company
from app.models.licence import (
    Licence,
    LicenceKind,
    ReviewStatus,
)
from app.services.licences.needs import KIND_LABELS, Gate, K, Need, PartySide, Shortfall, limit_text
from app.services.licences.rules import goods_cover
from app.services.licences.types import Session


def _licences(
    session: Session,
    holder_id: int,
    kinds: frozenset[LicenceKind],
    *,
    order_id: int | None,
    counterparty_id: int | None,
    bound_only: bool = False,
) -> list[Licence]:
    """The holder's licences of ``kinds`` that may serve this order: bound to it, or bound
    to no order (unless ``bound_only``); naming this counterparty or none."""
    query = sa.select(Licence).where(Licence.holder_id == holder_id, Licence.kind.in_(kinds))
    if bound_only:
        query = query.where(Licence.order_id == order_id)
    elif order_id is None:
        query = query.where(Licence.order_id.is_(None))
    else:
        query = query.where(sa.or_(Licence.order_id.is_(None), Licence.order_id == order_id))
    if counterparty_id is not None:
        query = query.where(
            sa.or_(Licence.counterparty_id.is_(None), Licence.counterparty_id == counterparty_id)
        )
    # Bound documents first (an approval made for this order), then the soonest to expire.
    return list(
        session.scalars(query.order_by(Licence.order_id.is_(None), Licence.valid_to, Licence.id))
    )


def _covers(licence: Licence, need: Need) -> bool:
    return any(
        goods_cover(
            goods, un_number=need.un_number, hazard_class=need.hazard_class, hs_code=need.hs_code
        )
        for goods in licence.goods
    )


def _document(licence: Licence) -> str:
    return f"{KIND_LABELS[licence.kind]} {licence.number}"


def _kinds_text(kinds: frozenset[LicenceKind]) -> str:
    return str(lazy_gettext(" or ")).join(str(KIND_LABELS[k]) for k in K if k in kinds)


@dataclass
class _Allocation:
    """What one gate check has already counted against each licence."""

    taken: dict[int, Decimal | int] = field(default_factory=dict)

    def left(self, licence: Licence) -> Decimal | None:
        if licence.quantity_limit is None:
            return None
        return licence.quantity_limit - licence.drawn_quantity - self.taken.get(licence.id, 0)


@dataclass(frozen=True)
class _Pick:
    licence: Licence
    amount: Decimal | int | None  # grams of NEM, or the goods' unit (12.5 t)


def _find(
    licences: list[Licence],
    need: Need,
    day: date,
    allocation: _Allocation,
    *,
    usable_until: date | None = None,
    per_shipment: bool = False,
) -> tuple[_Pick | None, LazyString | None, Licence | None]:
    """The first licence that covers ``need`` on ``day`` with quantity to spare, or the
    reason the best candidate fails (and that candidate)."""
    covering = [licence for licence in licences if _covers(licence, need)]
    problems: list[tuple[int, LazyString, Licence]] = []
    for licence in covering:
        amount = need.amount(licence.limit_basis)
        if licence.revoked_at is not None:
            problems.append((4, lazy_gettext("was revoked by its issuing authority"), licence))
            continue
        if licence.review_status is ReviewStatus.REJECTED:
            problems.append(
                (
                    5,
                    lazy_gettext("was rejected (%(reason)s)", reason=licence.review_reason),
                    licence,
                )
            )
            continue
        if licence.review_status is ReviewStatus.PENDING:
            problems.append((6, lazy_gettext("waits for the operator's review"), licence))
            continue
        if licence.valid_to < day:
            problems.append(
                (3, lazy_gettext("expired on %(date)s", date=licence.valid_to.isoformat()), licence)
            )
            continue
        if licence.valid_from > day:
            problems.append(
                (
                    3,
                    lazy_gettext(
                        "is valid only from %(date)s", date=licence.valid_from.isoformat()
                    ),
                    licence,
                )
            )
            continue
        if amount is None and (licence.quantity_limit or licence.per_shipment_limit):
            problems.append(
                (
                    2,
                    lazy_gettext("limits net explosive mass, which the listing does not state"),
                    licence,
                )
            )
            continue
        if usable_until is not None and licence.valid_to < usable_until:
            problems.append(
                (
                    1,
                    lazy_gettext(
                        "expires on %(date)s, before the confirmed ship date %(ship)s",
                        date=licence.valid_to.isoformat(),
                        ship=usable_until.isoformat(),
                    ),
                    licence,
                )
            )
            continue
        if (
            per_shipment
            and licence.per_shipment_limit is not None
            and amount is not None
            and amount > licence.per_shipment_limit
        ):
            problems.append(
                (
                    2,
                    lazy_gettext(
                        "allows %(limit)s per shipment",
                        limit=limit_text(licence, licence.per_shipment_limit, need.unit),
                    ),
                    licence,
                )
            )
            continue
        left = allocation.left(licence)
        if left is not None and amount is not None and amount > left:
            problems.append(
                (
                    2,
                    lazy_gettext(
                        "has %(left)s left of %(limit)s",
                        left=limit_text(licence, max(left, Decimal(0)), need.unit),
                        limit=limit_text(licence, licence.quantity_limit or 0, need.unit),
                    ),
                    licence,
                )
            )
            continue
        if amount is not None:
            allocation.taken[licence.id] = allocation.taken.get(licence.id, 0) + amount
        return _Pick(licence, amount), None, None
    if problems:
        problems.sort(key=lambda item: item[0])
        return None, problems[0][1], problems[0][2]
    usable = [licence for licence in licences if licence.usable_on(day)]
    if usable:
        return (
            None,
            lazy_gettext("does not cover %(un)s", un=need.label),
            usable[0],
        )
    return None, None, None


def _side_check(
    session: Session,
    *,
    gate: Gate,
    side: PartySide,
    company: Company,
    kinds: frozenset[LicenceKind],
    needs: list[Need],
    day: date,
    order_id: int | None,
    counterparty_id: int | None,
    bound_only: bool = False,
    usable_until: date | None = None,
    per_shipment: bool = False,
    allocation: _Allocation | None = None,
    name_quantity: bool = True,
) -> tuple[list[_Pick], list[Shortfall]]:
    licences = _licences(
        session,
        company.id,
        kinds,
        order_id=order_id,
        counterparty_id=counterparty_id,
        bound_only=bound_only,
    )
    allocation = allocation or _Allocation()
    picks: list[_Pick] = []
    shortfalls: list[Shortfall] = []
    for need in needs:
        pick, problem, candidate = _find(
            licences,
            need,
            day,
            allocation,
            usable_until=usable_until,
            per_shipment=per_shipment,
        )
        if pick is not None:
            picks.append(pick)
            continue
        quantity = need.quantity_text() if name_quantity else None
        if candidate is not None and problem is not None and quantity is None:
            message = lazy_gettext(
                "%(company)s's %(document)s %(problem)s: %(un)s is not covered.",
                company=company.legal_name,
                document=_document(candidate),
                problem=problem,
                un=need.label,
            )
        elif quantity is None:
            message = lazy_gettext(
                "%(company)s has no accepted %(kinds)s covering %(un)s.",
                company=company.legal_name,
                kinds=_kinds_text(kinds),
                un=need.label,
            )
        elif candidate is not None and problem is not None:
            message = lazy_gettext(
                "%(company)s's %(document)s %(problem)s: %(un)s needs %(quantity)s.",
                company=company.legal_name,
                document=_document(candidate),
                problem=problem,
                un=need.label,
                quantity=quantity,
            )
        elif bound_only:
            message = lazy_gettext(
                "%(company)s has no accepted %(kinds)s for this order covering %(un)s"
                " for %(quantity)s.",
                company=company.legal_name,
                kinds=_kinds_text(kinds),
                un=need.label,
                quantity=quantity,
            )
        else:
            message = lazy_gettext(
                "%(company)s has no accepted %(kinds)s covering %(un)s for %(quantity)s.",
                company=company.legal_name,
                kinds=_kinds_text(kinds),
                un=need.label,
                quantity=quantity,
            )
        shortfalls.append(
            Shortfall(
                gate=gate,
                side=side,
                company_id=company.id,
                kinds=kinds,
                un_number=need.un_number,
                quantity=quantity,
                message=str(message),
                licence_number=candidate.number if candidate is not None else None,
            )
        )
    return picks, shortfalls


# --- the gates ----------------------------------------------------------------------------
