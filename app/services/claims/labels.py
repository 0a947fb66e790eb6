"""Names of the claim's values, for pages and the claim's record (translated)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import LazyString, lazy_gettext

from app.models import (
    ClaimEvidenceKind,
    ClaimOutcome,
    ClaimRemedy,
    ClaimResponse,
    ClaimStatus,
    ClaimType,
    InspectionBody,
)
from app.money import Money
from app.services.claims.states import LABELS

TYPES: dict[ClaimType, LazyString] = {
    ClaimType.NOT_SHIPPED: lazy_gettext("Not shipped"),
    ClaimType.LATE_SHIPMENT: lazy_gettext("Late shipment"),
    ClaimType.QUANTITY: lazy_gettext("Short or wrong quantity"),
    ClaimType.QUALITY: lazy_gettext("Quality or specification"),
    ClaimType.DAMAGED: lazy_gettext("Damaged"),
    ClaimType.DOCUMENTS: lazy_gettext("Documents wrong"),
}

RESPONSES: dict[ClaimResponse, LazyString] = {
    ClaimResponse.ACCEPT: lazy_gettext("Accept the claim in full"),
    ClaimResponse.PARTIAL_REFUND: lazy_gettext("Propose a partial refund"),
    ClaimResponse.REPLACEMENT: lazy_gettext("Propose a replacement"),
    ClaimResponse.CONTEST: lazy_gettext("Contest the claim"),
}

REMEDIES: dict[ClaimRemedy, LazyString] = {
    ClaimRemedy.REFUND: lazy_gettext("Refund"),
    ClaimRemedy.REPLACEMENT: lazy_gettext("Replacement"),
    ClaimRemedy.NONE: lazy_gettext("Rejected"),
}

OUTCOMES: dict[ClaimOutcome, LazyString] = {
    ClaimOutcome.REFUNDED: lazy_gettext("Refunded"),
    ClaimOutcome.REPLACED: lazy_gettext("Replaced"),
    ClaimOutcome.REJECTED: lazy_gettext("Rejected"),
    ClaimOutcome.WITHDRAWN: lazy_gettext("Withdrawn"),
    ClaimOutcome.LAPSED: lazy_gettext("Lapsed"),
}

EVIDENCE: dict[ClaimEvidenceKind, LazyString] = {
    ClaimEvidenceKind.PHOTO: lazy_gettext("Photos"),
    ClaimEvidenceKind.INSPECTION_REPORT: lazy_gettext("Inspection report"),
    ClaimEvidenceKind.SURVEY: lazy_gettext("Survey report"),
    ClaimEvidenceKind.WEIGHT_CERTIFICATE: lazy_gettext("Weight certificate"),
    ClaimEvidenceKind.OTHER: lazy_gettext("Other document"),
}

BODIES: dict[InspectionBody, LazyString] = {
    InspectionBody.SGS: lazy_gettext("SGS"),
    InspectionBody.TUV: lazy_gettext("TÜV"),
    InspectionBody.BV: lazy_gettext("Bureau Veritas"),
    InspectionBody.OTHER: lazy_gettext("Another inspection body"),
}

SYSTEM_SIDE = lazy_gettext("Corridor (automatic)")
SIDES: dict[str, LazyString] = {
    "buyer": lazy_gettext("Buyer"),
    "seller": lazy_gettext("Seller"),
    "operator": lazy_gettext("Operator"),
}

_EVENTS: dict[str, LazyString] = {
    "filed": lazy_gettext("Claim filed"),
    "evidence": lazy_gettext("Evidence added"),
    "evidence_complete": lazy_gettext("Evidence complete"),
    "inspection_required": lazy_gettext("Independent inspection required"),
    "inspection_reported": lazy_gettext("Inspection report uploaded"),
    "refund": lazy_gettext("Credit note and refund booked"),
}


def event_text(kind: str, to_status: str | None) -> LazyString:
    """What a timeline entry says: the new status for a move, else the entry's kind."""
    if kind == "status" and to_status:
        return LABELS[ClaimStatus(to_status)]
    return _EVENTS.get(kind, lazy_gettext("Claim updated"))


@dataclass(frozen=True)
class NotePart:
    """One piece of a timeline entry's note: a label (or none) and a value that is either
    an amount (printed as money in the reader's format) or text as written."""

    label: LazyString | None
    text: str = ""
    money: Money | None = None


_AMOUNT = re.compile(r"^(-?\d+(?:\.\d+)?) ([A-Z]{3})$")


def _amount(text: str) -> Money | None:
    found = _AMOUNT.match(text.strip())
    if found is None:
        return None
    try:
        return Money(Decimal(found.group(1)), found.group(2))
    except (ArithmeticError, ValueError, KeyError):  # not a currency we know: plain text
        return None


def event_note(kind: str, note: str | None) -> list[NotePart]:
    """A timeline note as labelled parts. The services write some notes as codes ("9300.00
    USD", "weight_certificate: weight-certificate.pdf", "9300.00 USD · CN-… · TT-…"): those
    read as "Amount asked: $9,300.00", "Weight certificate: weight-certificate.pdf"; any
    other note is a person's words, shown as written."""
    if not note:
        return []
    if kind == "filed" and (asked := _amount(note)) is not None:
        return [NotePart(lazy_gettext("Amount asked"), money=asked)]
    if kind == "evidence" and ": " in note:
        code, filename = note.split(": ", 1)
        if code in ClaimEvidenceKind._value2member_map_:
            return [NotePart(EVIDENCE[ClaimEvidenceKind(code)], filename)]
    if kind == "refund":
        parts = note.split(" · ")
        refunded = _amount(parts[0])
        if refunded is not None:
            labelled = [NotePart(lazy_gettext("Refunded"), money=refunded)]
            names = (lazy_gettext("Credit note"), lazy_gettext("Bank reference"))
            labelled += [NotePart(name, text) for name, text in zip(names, parts[1:], strict=False)]
            return labelled
    return [NotePart(None, note)]
