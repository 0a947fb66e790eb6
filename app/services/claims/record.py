"""The claim's record: its whole file (timeline, messages, evidence, inspections, the
decision and the settlement) frozen into one bilingual PDF that a bank, an insurer or a
court can verify by the printed link and QR code, as the trade documents.

Each export is a ``ClaimRecord``: the snapshot frozen when asked for, rendered once, its
SHA-256 kept; a later export of the same claim is a new record with its own token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from flask_babel import LazyString, force_locale
from sqlalchemy import select, update

from app.documents.claim_record import claim_record_pdf
from app.documents.snapshot import party
from app.extensions import db
from app.models import Claim, ClaimRecord, Message, MessageThread, ThreadTopic, User
from app.models.base import utcnow
from app.public_urls import absolute_url
from app.services.audit.recording import Actor, record_audit
from app.services.claims import labels
from app.services.claims.states import LABELS

TITLE = ("Claim file", "索赔档案")
MAX_MESSAGES = 200


def _both(text: LazyString | str) -> list[str]:
    with force_locale("en"):
        english = str(text)
    with force_locale("zh_Hans"):
        chinese = str(text)
    return [english, chinese]


def _money(claim: Claim, minor: int | None) -> str:
    money = claim.money(minor)
    return money.format("en") if money is not None else "—"


def _messages(claim: Claim) -> list[dict[str, str]]:
    """The order thread's messages from the claim's filing on (the claim's conversation)."""
    rows = db.session.execute(
        select(Message.created_at, Message.author_name, Message.body)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(
            MessageThread.topic == ThreadTopic.ORDER,
            MessageThread.order_id == claim.order_id,
            Message.created_at >= claim.filed_at,
        )
        .order_by(Message.id)
        .limit(MAX_MESSAGES)
    ).all()
    return [
        {"at": at.strftime("%Y-%m-%d %H:%M UTC"), "author": author, "body": body}
        for at, author, body in rows
    ]


def claim_snapshot(claim: Claim, token: str, issued_at: datetime) -> dict[str, Any]:
    order = claim.order
    return {
        "kind": "claim_record",
        "title": list(TITLE),
        "number": f"{claim.reference}-{issued_at.strftime('%Y%m%d%H%M%S')}",
        "issued_on": issued_at.date().isoformat(),
        "verify_url": absolute_url(f"/claims/verify/{token}"),
        "seller": party(order.seller),
        "buyer": party(order.buyer),
        "order": {"reference": order.reference, "buyer_po_number": order.buyer_po_number},
        "claim": {
            "reference": claim.reference,
            "type": _both(labels.TYPES[claim.claim_type]),
            "status": _both(LABELS[claim.status]),
            "filed_at": claim.filed_at.strftime("%Y-%m-%d %H:%M UTC"),
            "asked": _money(claim, claim.amount_asked_minor),
            "statement": claim.statement,
            "response": _both(labels.RESPONSES[claim.response]) if claim.response else None,
            "response_note": claim.response_note,
            "proposed": _money(claim, claim.proposed_minor) if claim.proposed_minor else None,
            "remedy": _both(labels.REMEDIES[claim.remedy]) if claim.remedy else None,
            "awarded": _money(claim, claim.awarded_minor) if claim.awarded_minor else None,
            "decision_reason": claim.decision_reason,
            "outcome": _both(labels.OUTCOMES[claim.outcome]) if claim.outcome else None,
            "credit_note": claim.credit_note.number if claim.credit_note else None,
            "refund_reference": claim.refund_reference,
            "follow_up_order": claim.follow_up_order.reference if claim.follow_up_order else None,
        },
        "lines": [
            {
                "line_no": line.order_line.line_no,
                "title": line.order_line.title,
                "unit": line.order_line.unit,
                "ordered": line.order_line.quantity,
                "quantity": line.quantity,
                "amount": _money(claim, line.amount_minor),
            }
            for line in claim.lines
        ],
        "events": [
            {
                "at": event.occurred_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                "who": event.actor_name or "Corridor",
                "side": _both(labels.SIDES.get(event.side or "", labels.SYSTEM_SIDE)),
                "what": _both(labels.event_text(event.kind, event.to_status)),
                "note": event.note,
            }
            for event in claim.events
        ],
        "evidence": [
            {
                "kind": _both(labels.EVIDENCE[item.kind]),
                "side": _both(labels.SIDES[item.side.value]),
                "filename": item.stored_file.filename,
                "sha256": item.stored_file.sha256,
                "uploaded_at": item.uploaded_at.strftime("%Y-%m-%d %H:%M UTC"),
                "description": item.description,
            }
            for item in claim.evidence
        ],
        "inspections": [
            {
                "body": item.body_name,
                "required_by": _both(labels.SIDES[item.required_by.value]),
                "reported": item.reported_at.strftime("%Y-%m-%d") if item.reported_at else None,
                "cost_borne_by": _both(labels.SIDES[item.cost_borne_by.value])
                if item.cost_borne_by
                else None,
            }
            for item in claim.inspections
        ],
        "messages": _messages(claim),
    }


def export_record(actor: Actor, claim: Claim) -> ClaimRecord:
    """Freeze the claim's file now (either party or an operator asks for it)."""
    user: User | None = actor.user
    token = secrets.token_urlsafe(16)
    issued_at = utcnow()
    record = ClaimRecord(
        claim=claim,
        issued_at=issued_at,
        issued_by_id=user.id if user else None,
        verification_token=token,
        data=claim_snapshot(claim, token, issued_at),
    )
    db.session.add(record)
    db.session.flush()
    record_audit(
        actor,
        "claim.record_exported",
        object_type="claim",
        object_id=claim.public_id,
        details={"record": record.public_id},
    )
    return record


def record_pdf(record: ClaimRecord) -> bytes:
    """The record's PDF: rendered the first time it is asked for, then always the same."""
    if record.pdf is not None:
        return record.pdf
    pdf = claim_record_pdf(record.data)
    db.session.execute(
        update(ClaimRecord)
        .where(ClaimRecord.id == record.id, ClaimRecord.pdf.is_(None))
        .values(pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(record, ["pdf", "pdf_sha256"])
    assert record.pdf is not None
    return record.pdf


def record_by_token(token: str) -> ClaimRecord | None:
    """The record a verification link names (public: no scoping)."""
    found: ClaimRecord | None = db.session.scalar(
        select(ClaimRecord).where(ClaimRecord.verification_token == token)
    )
    return found
