"""Demo licences: the authorities, Wah Nobel's and MCCT's licences (accepted, each scan
stamped DEMO), and MIIT's per-shipment approvals for the demo shipments to China.

Wah Nobel holds an EL-01 manufacture licence and an export licence covering its class-1
listings (and one for ammonium nitrate, counted in tonnes); MCCT holds import licences and
a standing end-user certificate. MCCT's import licence for ammonium nitrate expires soon.
The demo's accepted emulsion order waits for its MIIT approval. Seeded once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pikepdf
from sqlalchemy import select

from app.extensions import db
from app.models import Company, Order, User
from app.models.base import utcnow
from app.models.licence import (
    Authority,
    Licence,
    LicenceGoods,
    LicenceKind,
    LimitBasis,
    ReviewStatus,
)
from app.services.files import store_upload
from app.services.licences.needs import needs_for

K = LicenceKind
CLASS_1 = ("UN0360", "UN0241", "UN0065", "UN0042", "1.1B", "1.1D", "1.5D")

AUTHORITIES = {
    "doe": ("Department of Explosives, Pakistan (Chief Inspector of Explosives)", None, "PK"),
    "moi": ("Ministry of Interior, Pakistan", "وزارت داخلہ، پاکستان", "PK"),
    "miit": ("Ministry of Industry and Information Technology (MIIT)", "工业和信息化部", "CN"),
}


@dataclass(frozen=True)
class DemoLicence:
    holder_email: str
    authority: str
    kind: LicenceKind
    number: str
    goods: tuple[str, ...]
    basis: LimitBasis
    limit: int | None  # kg of NEM, or units
    valid_from_days: int  # relative to today
    valid_to_days: int


DEMO_LICENCES = (
    DemoLicence(
        "owner@wahnobel.example", "doe", K.MANUFACTURE, "DEMO-EL-01/2024/017",
        CLASS_1, LimitBasis.NET_EXPLOSIVE_MASS, None, -700, 1100,
    ),
    DemoLicence(
        "owner@wahnobel.example", "moi", K.EXPORT, "DEMO-MOI/EXP/2026/0412",
        CLASS_1, LimitBasis.NET_EXPLOSIVE_MASS, 500_000, -60, 300,
    ),
    DemoLicence(
        "owner@wahnobel.example", "moi", K.EXPORT, "DEMO-MOI/EXP/2026/0413-AN",
        ("UN1942",), LimitBasis.UNITS, 20_000, -60, 300,
    ),
    DemoLicence(
        "owner@mcct.example", "miit", K.IMPORT, "DEMO-MIIT-进口-2026-0088",
        CLASS_1, LimitBasis.NET_EXPLOSIVE_MASS, 400_000, -90, 270,
    ),
    # Expires soon: the demo's reminder that licences run out.
    DemoLicence(
        "owner@mcct.example", "miit", K.IMPORT, "DEMO-MIIT-进口-2026-0091-AN",
        ("UN1942",), LimitBasis.UNITS, 5_000, -340, 20,
    ),
    DemoLicence(
        "owner@mcct.example", "miit", K.END_USER_CERTIFICATE, "DEMO-EUC-MCCT-2026",
        (*CLASS_1, "UN1942"), LimitBasis.NET_EXPLOSIVE_MASS, None, -30, 335,
    ),
)  # fmt: skip


def _scan(title: str) -> bytes:
    """A one-page PDF standing in for the licence's scan, its title stamped DEMO."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = f"DEMO DOCUMENT, NOT A REAL LICENCE: {title}"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _goods(items: tuple[str, ...]) -> list[LicenceGoods]:
    lines = []
    for item in items:
        if item.startswith("UN"):
            lines.append(LicenceGoods(un_number=item))
        else:
            lines.append(LicenceGoods(division=item[:3], compatibility_group=item[3:] or None))
    return lines


def _authorities() -> dict[str, Authority]:
    found: dict[str, Authority] = {}
    for key, (name, local, country) in AUTHORITIES.items():
        authority = db.session.scalar(select(Authority).where(Authority.name == name))
        if authority is None:
            authority = Authority(name=name, name_local=local, country=country)
            db.session.add(authority)
        found[key] = authority
    db.session.flush()
    return found


def demo_authority(key: str) -> Authority:
    """One of the demo's licensing authorities (``doe``, ``moi``, ``miit``)."""
    return _authorities()[key]


def _operator() -> User | None:
    user: User | None = db.session.scalar(select(User).where(User.is_operator.is_(True)))
    return user


def _record(
    holder: User,
    authority: Authority,
    kind: LicenceKind,
    number: str,
    goods: list[LicenceGoods],
    *,
    basis: LimitBasis,
    limit: Decimal | int | None,
    valid_from: date,
    valid_to: date,
    order: Order | None = None,
) -> Licence:
    assert holder.company is not None
    stored = store_upload(
        holder, _scan(number), filename=f"{number}.pdf", purpose="licence", field="scan"
    )
    operator = _operator()
    licence = Licence(
        holder_id=holder.company.id,
        authority_id=authority.id,
        jurisdiction=authority.country,
        kind=kind,
        number=number,
        valid_from=valid_from,
        valid_to=valid_to,
        limit_basis=basis,
        quantity_limit=None if limit is None else limit * (1000 if basis.value == "nem_g" else 1),
        drawn_quantity=0,
        order_id=order.id if order is not None else None,
        scan_id=stored.id,
        is_demo=True,
        review_status=ReviewStatus.ACCEPTED,
        reviewed_by_id=operator.id if operator is not None else None,
        reviewed_at=utcnow(),
        created_by_id=holder.id,
        goods=goods,
    )
    db.session.add(licence)
    db.session.flush()
    return licence


def seed_licences() -> int:
    """The demo licences, once; returns how many were recorded."""
    holders = {
        email: db.session.scalar(select(User).where(User.email == email))
        for email in {spec.holder_email for spec in DEMO_LICENCES}
    }
    if any(user is None or user.company_id is None for user in holders.values()):
        return 0
    if db.session.scalar(select(Licence.id).where(Licence.is_demo.is_(True)).limit(1)):
        return 0
    authorities = _authorities()
    today = date.today()
    for spec in DEMO_LICENCES:
        holder = holders[spec.holder_email]
        assert holder is not None
        _record(
            holder,
            authorities[spec.authority],
            spec.kind,
            spec.number,
            _goods(spec.goods),
            basis=spec.basis,
            limit=spec.limit,
            valid_from=today + timedelta(days=spec.valid_from_days),
            valid_to=today + timedelta(days=spec.valid_to_days),
        )
    return len(DEMO_LICENCES)


def approve_shipment(order: Order) -> Licence | None:
    """MIIT's approval (审批单) for one demo shipment to China, bound to ``order``, for
    exactly what the order carries; None when the order holds no controlled goods."""
    needs = needs_for(db.session, order.lines)
    if not needs:
        return None
    buyer: Company = order.buyer
    holder = db.session.scalar(
        select(User).where(User.company_id == buyer.id).order_by(User.id).limit(1)
    )
    miit = _authorities()["miit"]
    assert holder is not None
    nem = sum(need.nem_g or 0 for need in needs)
    units_only = all(need.nem_g is None for need in needs)
    today = date.today()
    return _record(
        holder,
        miit,
        K.PER_SHIPMENT_APPROVAL,
        f"DEMO-MIIT-审批-{order.id:05d}",
        [LicenceGoods(un_number=need.un_number) for need in needs if need.un_number],
        basis=LimitBasis.UNITS if units_only else LimitBasis.NET_EXPLOSIVE_MASS,
        limit=sum(n.units for n in needs) if units_only else -(-nem // 1000),
        valid_from=today - timedelta(days=1),
        valid_to=today + timedelta(days=90),
        order=order,
    )
