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

from sqlalchemy import select, update

from app.documents.bilingual import quantity_number
from app.documents.claim_record import claim_record_pdf
from app.documents.claim_record_languages import heading, in_languages, record_languages
from app.documents.snapshot import party
from app.extensions import db
from app.models import Claim, ClaimRecord, Message, MessageThread, ThreadTopic, User
from app.models.base import utcnow
from app.public_urls import absolute_url
from app.services.audit.recording import Actor, record_audit
from app.services.claims import labels
from app.services.claims.states import LABELS
from app.time_zones import UTC_NAME, viewer_zone_name, zone_abbreviation, zone_info

MAX_MESSAGES = 200


def _money(claim: Claim, minor: int | None) -> str:
    money = claim.money(minor)
    return money.format("en") if money is not None else "—"


class _Clock:
    """Times printed by the clock of the company that exported the record, the zone named
    on each ("2026-12-07 15:02 GMT+5") and once in full ("Asia/Karachi")."""

    def __init__(self, zone_name: str) -> None:
        self.zone_name = zone_name
        self.zone = zone_info(zone_name)

    def at(self, moment: datetime, *, seconds: bool = False) -> str:
        local = moment.astimezone(self.zone)
        shown = local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
        return f"{shown} {zone_abbreviation(moment, 'en', self.zone)}"

    def day(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).date().isoformat()


def _note_parts(kind: str, note: str | None, languages: list[str]) -> list[dict[str, Any]]:
    """A timeline note as labelled parts (amounts as money, evidence by its kind's name)."""
    return [
        {
            "label": in_languages(part.label, languages) if part.label is not None else None,
            "text": part.money.format("en") if part.money is not None else part.text,
            "figure": part.money is not None,
        }
        for part in labels.event_note(kind, note)
    ]


def _messages(claim: Claim, clock: _Clock) -> list[dict[str, str]]:
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
    return [{"at": clock.at(at), "author": author, "body": body} for at, author, body in rows]


def claim_snapshot(
    claim: Claim, token: str, issued_at: datetime, zone_name: str = UTC_NAME
) -> dict[str, Any]:
    """The record's frozen data: texts in English and each party's language (aligned with
    ``languages``), times by the clock of ``zone_name`` (the exporting company's)."""
    order = claim.order
    languages = record_languages([order.buyer.country, order.seller.country])
    clock = _Clock(zone_name)

    def both(text: Any) -> list[str]:
        return in_languages(text, languages)

    title = heading("claim_file", languages)
    return {
        "kind": "claim_record",
        "languages": languages,
        "time_zone": {
            "name": zone_name,
            "abbreviation": zone_abbreviation(issued_at, "en", clock.zone),
        },
        # The shared page header prints a pair: English and the first party's language.
        "title": [title[0], title[1] if len(title) > 1 else ""],
        "number": f"{claim.reference}-{issued_at.strftime('%Y%m%d%H%M%S')}",
        "issued_on": clock.day(issued_at),
        "verify_url": absolute_url(f"/claims/verify/{token}"),
        "seller": party(order.seller),
        "buyer": party(order.buyer),
        "order": {"reference": order.reference, "buyer_po_number": order.buyer_po_number},
        "claim": {
            "reference": claim.reference,
            "type": both(labels.TYPES[claim.claim_type]),
            "status": both(LABELS[claim.status]),
            "filed_at": clock.at(claim.filed_at),
            "asked": _money(claim, claim.amount_asked_minor),
            "statement": claim.statement,
            "response": both(labels.RESPONSES[claim.response]) if claim.response else None,
            "response_note": claim.response_note,
            "proposed": _money(claim, claim.proposed_minor) if claim.proposed_minor else None,
            "remedy": both(labels.REMEDIES[claim.remedy]) if claim.remedy else None,
            "awarded": _money(claim, claim.awarded_minor) if claim.awarded_minor else None,
            "decision_reason": claim.decision_reason,
            "outcome": both(labels.OUTCOMES[claim.outcome]) if claim.outcome else None,
            "credit_note": claim.credit_note.number if claim.credit_note else None,
            "refund_reference": claim.refund_reference,
            "follow_up_order": claim.follow_up_order.reference if claim.follow_up_order else None,
        },
        "lines": [
            {
                "line_no": line.order_line.line_no,
                "title": line.order_line.title,
                "unit": line.order_line.unit,
                # The figure to the unit's decimals (12.500), as the trade documents print.
                "ordered": quantity_number(line.order_line.quantity, line.order_line.unit),
                "quantity": quantity_number(line.quantity, line.order_line.unit),
                "amount": _money(claim, line.amount_minor),
            }
            for line in claim.lines
        ],
        "events": [
            {
                "at": clock.at(event.occurred_at, seconds=True),
                "who": event.actor_name or "Corridor",
                "side": both(labels.SIDES.get(event.side or "", labels.SYSTEM_SIDE)),
                "what": both(labels.event_text(event.kind, event.to_status)),
                "note_parts": _note_parts(event.kind, event.note, languages),
            }
            for event in claim.events
        ],
        "evidence": [
            {
                "kind": both(labels.EVIDENCE[item.kind]),
                "side": both(labels.SIDES[item.side.value]),
                "filename": item.stored_file.filename,
                "sha256": item.stored_file.sha256,
                "uploaded_at": clock.at(item.uploaded_at),
                "description": item.description,
            }
            for item in claim.evidence
        ],
        "inspections": [
            {
                "body": item.body_name,
                "required_by": both(labels.SIDES[item.required_by.value]),
                "reported": clock.day(item.reported_at) if item.reported_at else None,
                "cost_borne_by": both(labels.SIDES[item.cost_borne_by.value])
                if item.cost_borne_by
                else None,
            }
            for item in claim.inspections
        ],
        "messages": _messages(claim, clock),
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
        # Times by the exporting company's clock (its people's own choice first); an
        # operator, of no company, reads UTC unless they chose a zone.
        data=claim_snapshot(claim, token, issued_at, viewer_zone_name(user)),
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
