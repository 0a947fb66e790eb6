"""Licences on file: an authority, and accepted (or otherwise) licences with a scan row."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from app.extensions import db
from app.models import Company, Order, StoredFile, User
from app.models.base import utcnow
from app.models.licence import (
    Authority,
    CompanyEvidence,
    EvidenceKind,
    Licence,
    LicenceGoods,
    LicenceKind,
    LimitBasis,
    ReviewStatus,
)
from tests.factories import UserFactory


def authority(name: str = "Department of Explosives, Pakistan", country: str = "PK") -> Authority:
    found = db.session.query(Authority).filter_by(name=name).one_or_none()
    if found is not None:
        return found
    made = Authority(name=name, country=country)
    db.session.add(made)
    db.session.flush()
    return made


def _scan(holder: Company) -> StoredFile:
    uploader = db.session.query(User).filter_by(company_id=holder.id).order_by(User.id).first()
    if uploader is None:  # a company made without people: its owner uploaded the scan
        uploader = UserFactory(company=holder)
    stored = StoredFile(
        company_id=holder.id,
        uploaded_by_id=uploader.id,
        purpose="licence",
        filename="licence.pdf",
        content_type="application/pdf",
        byte_size=1,
        sha256="0" * 64,
        storage_key=f"test-{secrets.token_hex(8)}.pdf",
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def licence(
    holder: Company,
    kind: LicenceKind,
    *,
    goods: tuple[str, ...] = ("UN0241",),
    limit_kg: int | None = None,
    per_shipment_kg: int | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    status: ReviewStatus = ReviewStatus.ACCEPTED,
    order: Order | None = None,
    issuer: Authority | None = None,
    number: str | None = None,
) -> Licence:
    """An accepted licence of ``holder`` covering ``goods`` (UN numbers, "1.1B", or HS
    codes), valid from a year ago to a year ahead unless told otherwise."""
    scan = _scan(holder)
    today = date.today()
    lines = []
    for item in goods:
        if item.startswith("UN"):
            lines.append(LicenceGoods(un_number=item))
        elif item.startswith("1."):
            lines.append(LicenceGoods(division=item[:3], compatibility_group=item[3:] or None))
        else:
            lines.append(LicenceGoods(hs_code=item))
    made = Licence(
        holder_id=holder.id,
        authority=issuer
        or authority(
            *(
                ("MIIT", "CN")
                if holder.country == "CN"
                else ("Department of Explosives, Pakistan", "PK")
            )
        ),
        jurisdiction=holder.country,
        kind=kind,
        number=number or f"{kind.value[:3].upper()}-{secrets.token_hex(3)}",
        valid_from=valid_from or today - timedelta(days=365),
        valid_to=valid_to or today + timedelta(days=365),
        limit_basis=LimitBasis.NET_EXPLOSIVE_MASS,
        quantity_limit=None if limit_kg is None else limit_kg * 1000,
        per_shipment_limit=None if per_shipment_kg is None else per_shipment_kg * 1000,
        drawn_quantity=0,
        order_id=order.id if order is not None else None,
        scan_id=scan.id,
        review_status=status,
        review_reason="Scan unreadable." if status is ReviewStatus.REJECTED else None,
        reviewed_at=utcnow() if status is not ReviewStatus.PENDING else None,
        created_by_id=scan.uploaded_by_id,
        goods=lines,
    )
    db.session.add(made)
    db.session.flush()
    return made


# Every HS code starts with one of these: a licence for any goods, for tests about
# something else than licences.
ANY_GOODS = tuple(str(digit) for digit in range(10))


def licensed_trade(seller: Company, buyer: Company | None = None) -> None:
    """Standing licences for any goods: the seller's manufacture and export licences, the
    buyer's import licence and end-user certificate (once per company)."""
    wanted = [(seller, LicenceKind.MANUFACTURE), (seller, LicenceKind.EXPORT)]
    if buyer is not None:
        wanted += [(buyer, LicenceKind.IMPORT), (buyer, LicenceKind.END_USER_CERTIFICATE)]
    for holder, kind in wanted:
        number = f"ANY-{kind.value}-{holder.id}"
        if db.session.query(Licence.id).filter_by(number=number).first() is None:
            licence(holder, kind, goods=ANY_GOODS, number=number)


def shipment_approval(order: Order) -> Licence:
    """The buyer's per-shipment approval (China: MIIT's) bound to ``order``, any goods."""
    return licence(
        order.buyer,
        LicenceKind.PER_SHIPMENT_APPROVAL,
        goods=ANY_GOODS,
        order=order,
        number=f"APPROVAL-{order.id}",
    )


def evidence(company: Company, *kinds: str) -> list[CompanyEvidence]:
    """Company documents on file (a scan row each), as uploaded for the operator's check."""
    made = []
    for kind in kinds:
        scan = _scan(company)
        row = CompanyEvidence(
            company_id=company.id,
            kind=EvidenceKind(kind),
            file_id=scan.id,
            uploaded_by_id=scan.uploaded_by_id,
        )
        db.session.add(row)
        made.append(row)
    db.session.flush()
    return made
