"""Running the check: every rule group over the set, in a stable order, recorded as one
examination the seller, the buyer and the report read back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import CreditExamination, LetterOfCredit, Order
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor
from app.services.letters_of_credit import (
    report,
    rules_certificates,
    rules_consistency,
    rules_invoice,
    rules_timing,
    rules_transport,
)
from app.services.letters_of_credit.facts import document_set
from app.services.letters_of_credit.findings import DOCUMENT_NAMES, DocumentSet, Finding
from app.services.letters_of_credit.terms import require_plausible
from app.services.orders.lifecycle import record_event

Check = Callable[[DocumentSet], list[Finding]]
ALL_CHECKS: Sequence[Check] = (
    *rules_transport.CHECKS[-1:],  # what is missing first: the rest reads what is there
    *rules_timing.CHECKS,
    *rules_invoice.CHECKS,
    *rules_transport.CHECKS[:-1],
    *rules_consistency.CHECKS,
    *rules_certificates.CHECKS,
)


def examine(documents: DocumentSet) -> list[Finding]:
    """Every finding of every rule on ``documents`` (empty: a complying presentation)."""
    return [finding for check in ALL_CHECKS for finding in check(documents)]


def run_check(actor: Actor, credit: LetterOfCredit, presented_on: date) -> CreditExamination:
    """The seller checks the set against the terms in force, as if presented that day."""
    require(actor.user, Action.PRESENT_DOCUMENTS, credit)
    require_plausible(presented_on, "presented_on")  # it numbers the report by its year
    terms = credit.terms
    documents = document_set(credit.order, terms, presented_on)
    findings = examine(documents)
    examined = [{"kind": d.kind.value, "label": d.label} for d in documents.documents]
    numbering = report.report_numbering(credit, presented_on)
    frozen = report.report_snapshot(
        numbering, presented_on, credit, examined, findings, DOCUMENT_NAMES
    )
    examination = CreditExamination(
        **numbering,
        report_data=frozen,
        credit=credit,
        terms_version=terms.version,
        examined_on=presented_on,
        findings=[finding.as_json() for finding in findings],
        documents=examined,
        run_by_id=actor.user.id if actor.user else None,
    )
    db.session.add(examination)
    db.session.flush()
    rules = sorted({finding.rule for finding in findings})
    record_event(actor, credit.order, "credit_check", note=", ".join(rules) or "clean")
    return examination


def visible_examination(company_id: int, public_id: str) -> CreditExamination | None:
    """A check of a credit on an order the company is party to (else None: 404)."""
    found: CreditExamination | None = db.session.scalar(
        select(CreditExamination)
        .join(LetterOfCredit, LetterOfCredit.id == CreditExamination.credit_id)
        .join(Order, Order.id == LetterOfCredit.order_id)
        .where(
            CreditExamination.public_id == public_id,
            (Order.seller_id == company_id) | (Order.buyer_id == company_id),
        )
    )
    return found


def examination_by_token(token: str) -> CreditExamination | None:
    """The report a verification link names (public: no scoping, as documents')."""
    found: CreditExamination | None = db.session.scalar(
        select(CreditExamination).where(CreditExamination.verification_token == token)
    )
    return found
