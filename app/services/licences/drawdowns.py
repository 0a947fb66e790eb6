"""Drawing a shipment's quantity down from the licences that carried it, with one
conditional UPDATE per licence: racing shipments never take more than the limit."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext

from app.models import Order, Shipment
from app.models.licence import (
    Licence,
    LicenceDrawdown,
)
from app.services.audit.recording import Actor, record_audit
from app.services.licences.coverage import _document, _Pick
from app.services.licences.needs import Gate, LicenceRefused, PartySide, Shortfall, limit_text
from app.services.licences.types import Session


def _draw(
    session: Session, actor: Actor, order: Order, shipment: Shipment, picks: list[_Pick]
) -> list[LicenceDrawdown]:
    totals: dict[int, Decimal | int] = {}
    licences: dict[int, Licence] = {}
    for pick in picks:
        if pick.amount is None or pick.amount <= 0:
            continue
        totals[pick.licence.id] = totals.get(pick.licence.id, 0) + pick.amount
        licences[pick.licence.id] = pick.licence
    table = cast(sa.Table, Licence.__table__)
    drawdowns: list[LicenceDrawdown] = []
    # Licence-id order, so two shipments drawing on the same licences never deadlock.
    for licence_id in sorted(totals):
        amount = totals[licence_id]
        licence = licences[licence_id]
        result = session.execute(
            sa.update(table)
            .where(
                table.c.id == licence_id,
                table.c.revoked_at.is_(None),
                sa.or_(
                    table.c.quantity_limit.is_(None),
                    table.c.drawn_quantity + amount <= table.c.quantity_limit,
                ),
            )
            .values(drawn_quantity=table.c.drawn_quantity + amount)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            # Another shipment took the last of it (or the authority revoked it) meanwhile.
            session.refresh(licence)
            raise LicenceRefused(
                actor,
                [
                    Shortfall(
                        gate=Gate.SHIP,
                        side=PartySide.SELLER
                        if licence.holder_id == order.seller_id
                        else PartySide.BUYER,
                        company_id=licence.holder_id,
                        kinds=frozenset({licence.kind}),
                        un_number=None,
                        quantity=limit_text(licence, amount),
                        licence_number=licence.number,
                        message=str(
                            lazy_gettext(
                                "%(document)s has %(left)s left: this shipment needs %(quantity)s.",
                                document=_document(licence),
                                left=limit_text(
                                    licence,
                                    max(
                                        (licence.quantity_limit or 0) - licence.drawn_quantity,
                                        Decimal(0),
                                    ),
                                ),
                                quantity=limit_text(licence, amount),
                            )
                        ),
                    )
                ],
                order.public_id,
            )
        drawdown = LicenceDrawdown(
            licence_id=licence_id, order_id=order.id, shipment_id=shipment.id, quantity=amount
        )
        session.add(drawdown)
        drawdowns.append(drawdown)
        record_audit(
            actor,
            "licence.drawn_down",
            company_id=licence.holder_id,
            object_type="licence",
            object_id=licence.public_id,
            # Exact text: the audit's JSON holds no Decimal ("12.5", not 12.499999...).
            details={
                "order": order.public_id,
                "shipment": shipment.id,
                "quantity": format(Decimal(amount), "f"),
            },
        )
    session.flush()
    for licence in licences.values():
        session.refresh(licence, ["drawn_quantity"])
    return drawdowns
