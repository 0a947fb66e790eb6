"""Company evidence and the verification records behind the "verified" badge.

A company uploads its registration certificate, tax registration (NTN/STRN, USCC) and
authorised-signatory documents; the operator records what was checked, by whom and when,
and until when the verification holds. A verification that expires or is withdrawn stops
trading as a suspension does (the company is told).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext

from app.i18n import join_for_reader
from app.models import Company, User, VerificationStatus
from app.models.base import UTCDateTime, utcnow
from app.models.licence import (
    CompanyEvidence,
    CompanyVerification,
    EvidenceKind,
    Licence,
    LicenceKind,
    ReviewStatus,
)
from app.services.accounts.capabilities import Action, require
from app.services.accounts.clock import company_today
from app.services.accounts.companies import decide_verification
from app.services.audit.recording import Actor, record_audit
from app.services.errors import NotAllowed, NotFound, ValidationFailed
from app.services.files import store_upload
from app.services.licences.types import Session
from app.services.outbox import queue_email

EVIDENCE_LABELS = {
    EvidenceKind.REGISTRATION_CERTIFICATE: lazy_gettext("Registration certificate"),
    EvidenceKind.TAX_REGISTRATION: lazy_gettext("Tax registration (NTN/STRN or USCC)"),
    EvidenceKind.AUTHORISED_SIGNATORY: lazy_gettext("Authorised signatory"),
}


def upload_evidence(
    session: Session,
    actor: Actor,
    kind: str,
    upload: bytes | IO[bytes],
    filename: str | None,
    *,
    field: str = "scan",
) -> CompanyEvidence:
    """Store one document behind the company's verification (at registration or later);
    ``field`` names the form field a refused upload is reported on."""
    user = require(actor.user, Action.MANAGE_COMPANY)
    try:
        evidence_kind = EvidenceKind(kind)
    except ValueError:
        raise ValidationFailed(lazy_gettext("Choose the kind of document."), "kind") from None
    stored = store_upload(user, upload, filename=filename, purpose="evidence", field=field)
    assert user.company_id is not None
    evidence = CompanyEvidence(
        company_id=user.company_id, kind=evidence_kind, file_id=stored.id, uploaded_by_id=user.id
    )
    session.add(evidence)
    session.flush()
    record_audit(
        actor,
        "company.evidence_uploaded",
        object_type="company_evidence",
        object_id=evidence.public_id,
        details={"kind": evidence_kind.value},
    )
    return evidence


def company_evidence(session: Session, company_id: int) -> list[CompanyEvidence]:
    return list(
        session.scalars(
            sa.select(CompanyEvidence)
            .where(CompanyEvidence.company_id == company_id)
            .order_by(CompanyEvidence.created_at.desc(), CompanyEvidence.id.desc())
        )
    )


def evidence_for(session: Session, company_id: int | None, public_id: str) -> CompanyEvidence:
    """One evidence document of ``company_id`` (None: the operator, any company)."""
    evidence = session.scalar(
        sa.select(CompanyEvidence).where(CompanyEvidence.public_id == public_id)
    )
    if evidence is None or (company_id is not None and evidence.company_id != company_id):
        raise NotFound(lazy_gettext("No such document."))
    return evidence


def verifications(session: Session, company_id: int) -> list[CompanyVerification]:
    return list(
        session.scalars(
            sa.select(CompanyVerification)
            .where(CompanyVerification.company_id == company_id)
            .order_by(CompanyVerification.checked_at.desc(), CompanyVerification.id.desc())
        )
    )


def current_verification(session: Session, company_id: int) -> CompanyVerification | None:
    """The verification behind the badge: the latest neither withdrawn nor expired."""
    verification: CompanyVerification | None = session.scalar(
        sa.select(CompanyVerification)
        .where(
            CompanyVerification.company_id == company_id,
            CompanyVerification.withdrawn_at.is_(None),
            CompanyVerification.expired_at.is_(None),
        )
        .order_by(CompanyVerification.checked_at.desc(), CompanyVerification.id.desc())
        .limit(1)
    )
    return verification


def _operator(actor: Actor) -> User:
    if actor.user is None or not actor.user.is_operator:
        raise NotAllowed(lazy_gettext("Only the platform operator verifies companies."))
    return actor.user


def verify_with_evidence(
    session: Session,
    actor: Actor,
    company: Company,
    *,
    checked: list[str],
    note: str | None,
    expires_on: date | None,
) -> CompanyVerification:
    """The operator verifies ``company``, recording what was checked and until when."""
    operator = _operator(actor)
    held = {e.kind.value for e in company_evidence(session, company.id)}
    kinds = [EvidenceKind(k) for k in checked if k in {e.value for e in EvidenceKind}]
    if not kinds:
        raise ValidationFailed(lazy_gettext("Tick the documents you checked."), "checked")
    missing = [k for k in kinds if k.value not in held]
    if missing:
        raise ValidationFailed(
            lazy_gettext(
                "The company has not uploaded: %(documents)s.",
                documents=join_for_reader(str(EVIDENCE_LABELS[k]) for k in missing),
            ),
            "checked",
        )
    if expires_on is not None and expires_on <= company_today(company):
        raise ValidationFailed(lazy_gettext("The expiry must be after today."), "expires_on")
    text = "; ".join(str(EVIDENCE_LABELS[k]) for k in kinds)
    if (note or "").strip():
        text += f". {(note or '').strip()[:2000]}"
    verification = CompanyVerification(
        company_id=company.id,
        checked=text,
        checked_by_id=operator.id,
        checked_at=utcnow(),
        expires_on=expires_on,
    )
    session.add(verification)
    decide_verification(actor, company, VerificationStatus.VERIFIED, None)
    session.flush()
    record_audit(
        actor,
        "company.verification_recorded",
        company_id=company.id,
        object_type="company",
        object_id=company.public_id,
        details={
            "checked": [k.value for k in kinds],
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )
    return verification


def _tell_company(session: Session, company: Company, subject: str, body: str) -> None:
    for person in session.scalars(
        sa.select(User).where(User.company_id == company.id, User.active.is_(True))
    ):
        if person.company_role is not None and person.company_role.value == "owner":
            queue_email(person.email, subject, body)


def withdraw_verification(session: Session, actor: Actor, company: Company, reason: str) -> None:
    """The operator withdraws the verification: trading stops as for a suspension."""
    _operator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(lazy_gettext("Give the reason for the withdrawal."), "reason")
    now = utcnow()
    for verification in verifications(session, company.id):
        if verification.withdrawn_at is None and verification.expired_at is None:
            verification.withdrawn_at = now
            verification.withdrawn_reason = reason[:2000]
            verification.withdrawn_by_id = actor.user.id if actor.user else None
    decide_verification(actor, company, VerificationStatus.SUSPENDED, reason)
    session.flush()
    _tell_company(
        session,
        company,
        str(lazy_gettext("Your company's verification was withdrawn")),
        str(
            lazy_gettext(
                "The platform operator withdrew the verification of %(company)s: %(reason)s."
                " Your company cannot trade until it is verified again.",
                company=company.legal_name,
                reason=reason,
            )
        ),
    )


def expire_verifications(session: Session, now: datetime) -> int:
    """Verifications whose last day has passed (on the company's clock) lapse: the company
    goes back to waiting for verification and is told. Idempotent."""
    due = list(
        session.scalars(
            sa.select(CompanyVerification).where(
                CompanyVerification.expires_on.is_not(None),
                CompanyVerification.expired_at.is_(None),
                CompanyVerification.withdrawn_at.is_(None),
            )
        )
    )
    lapsed = 0
    for verification in due:
        company = session.get(Company, verification.company_id)
        assert company is not None and verification.expires_on is not None
        if company_today(company, now) <= verification.expires_on:
            continue
        verification.expired_at = now
        lapsed += 1
        if company.verification_status is VerificationStatus.VERIFIED:
            company.verification_status = VerificationStatus.PENDING
            company.verification_reason = str(
                lazy_gettext(
                    "The verification expired on %(date)s: upload current documents for a new"
                    " check.",
                    date=verification.expires_on.isoformat(),
                )
            )
            company.verification_decided_at = now
        record_audit(
            Actor(None),
            "company.verification_expired",
            company_id=company.id,
            object_type="company",
            object_id=company.public_id,
            details={"expires_on": verification.expires_on.isoformat()},
            actor_email="clock",
        )
        _tell_company(
            session,
            company,
            str(lazy_gettext("Your company's verification expired")),
            str(company.verification_reason),
        )
    session.flush()
    return lapsed


def public_facts(
    session: Session, company: Company, day: date
) -> tuple[datetime | None, list[LicenceKind]]:
    """For the company's public page, in one statement: when its current verification was
    checked (None unless verified) and the kinds of licence it holds usable on ``day``."""
    checked = (
        sa.select(sa.func.max(CompanyVerification.checked_at))
        .where(
            CompanyVerification.company_id == company.id,
            CompanyVerification.withdrawn_at.is_(None),
            CompanyVerification.expired_at.is_(None),
        )
        .scalar_subquery()
    )
    facts: sa.CompoundSelect[Any] = sa.union_all(
        sa.select(sa.literal(None, sa.String).label("kind"), checked.label("checked_at")),
        sa.select(Licence.kind.label("kind"), sa.literal(None, UTCDateTime()).label("checked_at"))
        .where(
            Licence.holder_id == company.id,
            Licence.review_status == ReviewStatus.ACCEPTED,
            Licence.revoked_at.is_(None),
            Licence.valid_from <= day,
            Licence.valid_to >= day,
        )
        .distinct(),
    )
    verified_at: datetime | None = None
    held: set[str] = set()
    for kind, checked_at in session.execute(facts):
        if kind is None:
            verified_at = checked_at
        else:
            held.add(str(kind))
    if not company.is_verified:
        verified_at = None
    return verified_at, [kind for kind in LicenceKind if kind.value in held]
