"""Independent inspection: either side requires one, naming the body (SGS, TÜV, Bureau
Veritas or another); the report is uploaded to the claim; who pays follows the outcome
(``responses.charge_inspections``, when the claim is agreed or decided)."""

from __future__ import annotations

from typing import IO

from flask_babel import lazy_gettext

from app.extensions import db
from app.models import Claim, ClaimEvidenceKind, ClaimInspection, ClaimStatus, InspectionBody
from app.models.base import utcnow
from app.services.audit.recording import Actor, record_audit
from app.services.claims.filing import add_evidence, claim_side
from app.services.claims.states import record_claim_event
from app.services.errors import NotAllowed, ValidationFailed

BODY_NAMES = {
    InspectionBody.SGS: "SGS",
    InspectionBody.TUV: "TÜV",
    InspectionBody.BV: "Bureau Veritas",
}
TAKES_INSPECTIONS = frozenset({ClaimStatus.OPEN, ClaimStatus.RESPONDED, ClaimStatus.ESCALATED})


def require_inspection(
    actor: Actor, claim: Claim, body: str, other_name: str | None = None
) -> ClaimInspection:
    """One side requires an independent inspection by ``body`` (``other_name`` for another)."""
    side = claim_side(actor, claim)
    assert actor.user is not None
    if claim.status not in TAKES_INSPECTIONS:
        raise NotAllowed(lazy_gettext("An inspection is required while the claim is running."))
    try:
        chosen = InspectionBody(body)
    except ValueError:
        raise ValidationFailed(lazy_gettext("Choose the inspection body."), "body") from None
    name = BODY_NAMES.get(chosen) or (other_name or "").strip()[:120]
    if len(name) < 2:
        raise ValidationFailed(lazy_gettext("Name the inspection body."), "body_name")
    inspection = ClaimInspection(
        claim=claim,
        required_by=side,
        body=chosen,
        body_name=name,
        required_at=utcnow(),
        required_by_user_id=actor.user.id,
    )
    db.session.add(inspection)
    db.session.flush()
    record_claim_event(actor, claim, "inspection_required", note=name)
    record_audit(
        actor,
        "claim.inspection_required",
        object_type="claim",
        object_id=claim.public_id,
        details={"body": name},
    )
    return inspection


def upload_report(
    actor: Actor, inspection: ClaimInspection, upload: bytes | IO[bytes], filename: str | None
) -> ClaimInspection:
    """Either side uploads the inspection body's report (once); it is evidence on the claim."""
    claim = inspection.claim
    if inspection.report_file_id is not None:
        raise ValidationFailed(lazy_gettext("This inspection's report is already here."), "file")
    evidence = add_evidence(
        actor,
        claim,
        upload,
        filename=filename,
        kind=ClaimEvidenceKind.INSPECTION_REPORT.value,
        description=inspection.body_name,
    )
    inspection.report_file_id = evidence.stored_file_id
    inspection.reported_at = utcnow()
    db.session.flush()
    record_claim_event(actor, claim, "inspection_reported", note=inspection.body_name)
    return inspection
