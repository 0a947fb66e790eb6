"""A seller's public profile, built only from facts the platform has verified itself.

Each figure is computed from records no seller can type in: the operator's verification
decision, licences the operator accepted, the shipments recorded against orders, the
times quotes answered invitations. Figures that need a sample (the on-time rate) stay
hidden until the sample is large enough to mean something.
"""

from __future__ import annotations

import statistics as stats
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Company,
    LicenceKind,
    Order,
    QuoteRevision,
    RfqInvitation,
    Shipment,
    VerificationStatus,
)
from app.services.licences.queries import licence_kinds_on_file
from app.services.licences.verification import current_verification

MIN_SHIPMENTS_FOR_ON_TIME = 5
RFQ_WINDOW = timedelta(days=365)
VOLUME_WINDOW = timedelta(days=365)
_TONNE_G = 1_000_000

# (upper bound in tonnes, band); the last band has no upper bound.
VOLUME_BANDS: tuple[tuple[int | None, str], ...] = (
    (100, "under_100"),
    (1_000, "100_1000"),
    (10_000, "1000_10000"),
    (None, "over_10000"),
)


@dataclass(frozen=True)
class SupplierFacts:
    verified: bool
    verified_on: date | None  # None only for a company verified before decisions were dated
    licence_kinds: list[LicenceKind]
    member_since: date
    years_on_platform: int
    volume_band: str | None  # None: nothing shipped in the last 12 months
    shipments_counted: int  # shipments with a confirmed ship date
    on_time_rate: Decimal | None  # None below MIN_SHIPMENTS_FOR_ON_TIME
    rfq_invitations: int
    rfq_answered: int
    rfq_median_hours: Decimal | None


def volume_band(net_weight_g: int) -> str | None:
    if net_weight_g <= 0:
        return None
    tonnes = Decimal(net_weight_g) / _TONNE_G
    for upper, band in VOLUME_BANDS:
        if upper is None or tonnes < upper:
            return band
    return VOLUME_BANDS[-1][1]


def _whole_years(since: date, today: date) -> int:
    years = today.year - since.year
    return years - 1 if (today.month, today.day) < (since.month, since.day) else years


def _verified_on(company: Company) -> date | None:
    """The day of the verification behind the badge: the operator's verification record,
    else (companies verified before records were kept) the day the decision was made."""
    if company.verification_status is not VerificationStatus.VERIFIED:
        return None
    record = current_verification(db.session(), company.id)
    if record is not None:
        return record.checked_at.date()
    decided = company.verification_decided_at
    return decided.date() if decided is not None else None


def supplier_facts(company: Company, now: datetime) -> SupplierFacts:
    """The facts for ``company``'s public page at ``now``."""
    today = now.date()
    shipped_weight = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Shipment.net_weight_g), 0))
        .join(Order, Order.id == Shipment.order_id)
        .where(Order.seller_id == company.id, Shipment.recorded_at >= now - VOLUME_WINDOW)
    )
    # The B/L date is the day the goods sailed (the shipment's ETD as recorded with the
    # B/L); on time means on or before the ship date the seller confirmed on accepting.
    first_shipment = (
        sa.select(Shipment.order_id, sa.func.min(Shipment.etd).label("sailed"))
        .group_by(Shipment.order_id)
        .subquery()
    )
    pairs = db.session.execute(
        sa.select(Order.confirmed_ship_date, first_shipment.c.sailed)
        .join(first_shipment, first_shipment.c.order_id == Order.id)
        .where(Order.seller_id == company.id, Order.confirmed_ship_date.is_not(None))
    ).all()
    counted = len(pairs)
    on_time = sum(1 for confirmed, sailed in pairs if sailed <= confirmed)
    rate = (
        (Decimal(on_time) / Decimal(counted)).quantize(Decimal("0.01"))
        if counted >= MIN_SHIPMENTS_FOR_ON_TIME
        else None
    )
    first_quote = (
        sa.select(QuoteRevision.rfq_id, sa.func.min(QuoteRevision.created_at).label("answered_at"))
        .where(QuoteRevision.seller_id == company.id)
        .group_by(QuoteRevision.rfq_id)
        .subquery()
    )
    invitations = db.session.execute(
        sa.select(RfqInvitation.invited_at, first_quote.c.answered_at)
        .outerjoin(first_quote, first_quote.c.rfq_id == RfqInvitation.rfq_id)
        .where(RfqInvitation.seller_id == company.id, RfqInvitation.invited_at >= now - RFQ_WINDOW)
    ).all()
    hours = [
        Decimal(int((answered - invited).total_seconds())) / 3600
        for invited, answered in invitations
        if answered is not None and answered >= invited
    ]
    median = stats.median(hours).quantize(Decimal("0.1")) if hours else None
    verified_on = _verified_on(company)
    member_since = company.created_at.date()
    return SupplierFacts(
        verified=company.verification_status is VerificationStatus.VERIFIED,
        verified_on=verified_on,
        licence_kinds=licence_kinds_on_file(db.session(), company.id, on=today),
        member_since=member_since,
        years_on_platform=_whole_years(member_since, today),
        volume_band=volume_band(int(shipped_weight or 0)),
        shipments_counted=counted,
        on_time_rate=rate,
        rfq_invitations=len(invitations),
        rfq_answered=len(hours),
        rfq_median_hours=median,
    )
