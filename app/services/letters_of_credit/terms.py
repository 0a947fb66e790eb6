"""The credit's terms as the issuing bank states them, and amendments to them.

The applicant's (buyer's) finance enters the credit from the MT700 its bank issued, and
each amendment (MT707) as its bank sends it; the beneficiary (seller) accepts or refuses
each amendment (UCP 600 art. 10(c)); the terms in force are the latest accepted version.
The order's L/C milestone keeps the summary (number, bank, amount, expiry) that paying it
has always read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import select, update

from app.extensions import db
from app.models import (
    AvailableBy,
    CreditDocumentKind,
    CreditTerms,
    LetterOfCredit,
    Order,
    PaymentMethod,
    PaymentMilestone,
    TermsState,
)
from app.models.base import utcnow
from app.numbers import NumberProblem
from app.reference.units import parse_quantity
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.orders.lifecycle import record_event
from app.services.payments.milestones import parse_amount, require_payable

_TEXT_LIMITS = {
    "form_of_credit": 40,
    "number": 40,
    "expiry_place": 100,
    "issuing_bank": 200,
    "advising_bank": 200,
    "confirming_bank": 200,
    "available_with": 200,
    "port_of_loading": 100,
    "port_of_discharge": 100,
    "incoterm_place": 100,
    "origin_issuer": 200,
    "applicant": 1000,
    "beneficiary": 1000,
    "goods_description": 4000,
    "consignee_wording": 1000,
    "notify_wording": 1000,
    "additional_conditions": 4000,
    "charges": 1000,
    "amendment_note": 1000,
    "quantity_unit": 10,
}
# Dates a credit or a shipping document can carry: the rules add up to 90 days to them.
PLAUSIBLE_YEARS = (2000, 2099)
_REQUIRED = (
    "form_of_credit",
    "number",
    "expiry_place",
    "applicant",
    "beneficiary",
    "issuing_bank",
    "available_with",
    "port_of_loading",
    "port_of_discharge",
    "goods_description",
    "incoterm",
)


@dataclass
class CreditTermsInput:
    """What a person (or an MT700 import) gives; checked by ``_validated``."""

    number: str = ""
    form_of_credit: str = "IRREVOCABLE"
    issue_date: date | None = None
    expiry_date: date | None = None
    expiry_place: str = ""
    expiry_country: str = "CN"
    applicant: str = ""
    beneficiary: str = ""
    issuing_bank: str = ""
    advising_bank: str | None = None
    confirming_bank: str | None = None
    currency: str = ""
    amount: str = ""
    tolerance_plus: int = 0
    tolerance_minus: int = 0
    available_with: str = ""
    available_by: str = AvailableBy.SIGHT_PAYMENT.value
    usance_days: int | None = None
    partial_shipments: bool = False
    transhipment: bool = False
    port_of_loading: str = ""
    port_of_discharge: str = ""
    latest_shipment_date: date | None = None
    goods_description: str = ""
    quantity: Decimal | int | None = None
    quantity_unit: str | None = None
    incoterm: str = ""
    incoterm_place: str | None = None
    documents_required: list[dict[str, Any]] = field(default_factory=list)
    consignee_wording: str | None = None
    notify_wording: str | None = None
    origin_issuer: str | None = None
    insurance_percent: int = 110
    additional_conditions: str | None = None
    presentation_days: int = 21
    charges: str | None = None
    amendment_note: str | None = None

    @classmethod
    def from_terms(cls, terms: CreditTerms) -> CreditTermsInput:
        """The version in force, as the starting point of an amendment."""
        values = {
            name: getattr(terms, name) for name in cls.__dataclass_fields__ if hasattr(terms, name)
        }
        values["amount"] = str(terms.amount.amount)
        values["available_by"] = terms.available_by.value
        values["amendment_note"] = None
        return cls(**values)


def require_plausible(day: date, name: str) -> None:
    """The rules and the maturity add days to these dates: 9999-12-31 plus a presentation
    period is past the calendar's end (an OverflowError, a 500)."""
    if not PLAUSIBLE_YEARS[0] <= day.year <= PLAUSIBLE_YEARS[1]:
        raise ValidationFailed(lazy_gettext("This date is out of range."), name)


def _quantity(value: Decimal | int | None, unit: str | None) -> Decimal | None:
    """The credit's quantity (45A) by its unit's rule: 12.5 tonnes, never 12.5 pieces; a
    unit the credit words freely ("bags", "MT") is read to the thousandth."""
    if value is None:
        return None
    try:
        return parse_quantity(value, (unit or "").upper())
    except NumberProblem as problem:
        raise ValidationFailed(problem.message, "quantity") from None


def _validated(data: CreditTermsInput, milestone: PaymentMilestone) -> dict[str, Any]:
    values = asdict(data)
    for name, limit in _TEXT_LIMITS.items():
        text = (values.get(name) or "").strip()
        if len(text) > limit:
            raise ValidationFailed(lazy_gettext("This is too long."), name)
        values[name] = text or None
    for name in _REQUIRED:
        if not values.get(name):
            raise ValidationFailed(lazy_gettext("The credit states this; give it."), name)
    for name in ("issue_date", "expiry_date", "latest_shipment_date"):
        if values[name] is None:
            raise ValidationFailed(lazy_gettext("Give the date the credit states."), name)
        require_plausible(values[name], name)
    if values["latest_shipment_date"] > values["expiry_date"]:
        raise ValidationFailed(
            lazy_gettext("The latest shipment date cannot be after the expiry date."),
            "latest_shipment_date",
        )
    currency = (values.pop("currency") or "").strip().upper()
    if currency != milestone.currency:
        raise ValidationFailed(
            lazy_gettext(
                "The credit must be in the order's currency, %(currency)s.",
                currency=milestone.currency,
            ),
            "currency",
        )
    values["currency"] = currency
    values["amount_minor"] = parse_amount(values.pop("amount"), currency).to_minor()
    values["expiry_country"] = (values["expiry_country"] or "").strip().upper()[:2]
    values["incoterm"] = values["incoterm"].upper()[:3]
    try:
        values["available_by"] = AvailableBy(values["available_by"])
    except ValueError:
        raise ValidationFailed(
            lazy_gettext("Choose how the credit is available."), "available_by"
        ) from None
    for name, low, high in (
        ("tolerance_plus", 0, 10),
        ("tolerance_minus", 0, 10),
        ("presentation_days", 1, 90),
        ("insurance_percent", 100, 200),
        ("usance_days", 1, 360),
    ):
        optional = name == "usance_days"
        if (values[name] is not None or not optional) and not low <= int(values[name]) <= high:
            raise ValidationFailed(lazy_gettext("This number is out of range."), name)
    values["quantity"] = _quantity(values["quantity"], values["quantity_unit"])
    if values["available_by"] is not AvailableBy.SIGHT_PAYMENT and not values["usance_days"]:
        raise ValidationFailed(
            lazy_gettext("Give the days after which the bank pays."), "usance_days"
        )
    for required in values["documents_required"]:
        CreditDocumentKind(required["kind"])  # the form offers only known kinds
    return values


def _sync_milestone(credit: LetterOfCredit) -> None:
    """The milestone's summary follows the terms in force (paying it reads them)."""
    terms, milestone = credit.terms, credit.milestone
    milestone.lc_number = terms.number
    milestone.lc_issuing_bank = terms.issuing_bank
    milestone.lc_amount_minor = terms.amount_minor
    milestone.lc_expiry = terms.expiry_date


def open_credit(
    actor: Actor, milestone: PaymentMilestone, data: CreditTermsInput
) -> LetterOfCredit:
    """The buyer's finance enters the credit its bank issued (version 0, in force)."""
    order = milestone.order
    require(actor.user, Action.ENTER_CREDIT_TERMS, order)
    require_payable(order)
    if milestone.method is not PaymentMethod.LETTER_OF_CREDIT:
        raise ValidationFailed(lazy_gettext("This amount is not paid by letter of credit."))
    if credit_for(milestone) is not None:
        raise Conflict(lazy_gettext("This letter of credit is entered already; amend it instead."))
    values = _validated(data, milestone)
    credit = LetterOfCredit(
        order=order, milestone=milestone, created_by_id=actor.user.id if actor.user else None
    )
    db.session.add(credit)
    credit.versions.append(
        CreditTerms(
            version=0, state=TermsState.ACCEPTED, created_by_id=credit.created_by_id, **values
        )
    )
    db.session.flush()
    _sync_milestone(credit)
    record_event(
        actor, order, "letter_of_credit", note=f"{values['number']} · {values['issuing_bank']}"
    )
    _audit(actor, "credit.opened", credit, version=0)
    return credit


def propose_amendment(actor: Actor, credit: LetterOfCredit, data: CreditTermsInput) -> CreditTerms:
    """The buyer's finance enters an amendment; it waits for the seller's answer."""
    require(actor.user, Action.ENTER_CREDIT_TERMS, credit)
    require_payable(credit.order)
    if credit.pending_amendment is not None:
        raise Conflict(lazy_gettext("An amendment already waits for the seller's answer."))
    values = _validated(data, credit.milestone)
    amendment = CreditTerms(
        version=len(credit.versions),
        state=TermsState.PROPOSED,
        created_by_id=actor.user.id if actor.user else None,
        **values,
    )
    credit.versions.append(amendment)
    db.session.flush()
    record_event(
        actor, credit.order, "credit_amendment", note=f"{values['number']} #{amendment.version}"
    )
    _audit(actor, "credit.amendment_proposed", credit, version=amendment.version)
    return amendment


def decide_amendment(
    actor: Actor, credit: LetterOfCredit, version: int, accept: bool
) -> CreditTerms:
    """The beneficiary accepts or refuses an amendment; only a proposed one is answered."""
    require(actor.user, Action.PRESENT_DOCUMENTS, credit)
    amendment = next((t for t in credit.versions if t.version == version), None)
    if amendment is None:
        raise NotFound(lazy_gettext("No such amendment."))
    # A conditional UPDATE: of two answers given at once exactly one is recorded.
    state = TermsState.ACCEPTED if accept else TermsState.REFUSED
    moved = db.session.execute(
        update(CreditTerms)
        .where(CreditTerms.id == amendment.id, CreditTerms.state == TermsState.PROPOSED)
        .values(
            state=state, decided_by_id=actor.user.id if actor.user else None, decided_at=utcnow()
        )
        .execution_options(synchronize_session=False)
    )
    if not moved.rowcount:  # type: ignore[attr-defined]
        raise Conflict(lazy_gettext("This amendment is answered already."))
    db.session.refresh(amendment)
    if accept:
        _sync_milestone(credit)
    kind = "credit_amendment_accepted" if accept else "credit_amendment_refused"
    record_event(actor, credit.order, kind, note=f"{amendment.number} #{version}")
    _audit(actor, f"credit.{kind}", credit, version=version)
    return amendment


def _audit(actor: Actor, action: str, credit: LetterOfCredit, **details: object) -> None:
    record_audit(
        actor,
        action,
        company_id=actor.user.company_id if actor.user else None,
        object_type="letter_of_credit",
        object_id=credit.public_id,
        details={"order": credit.order.public_id, **details},
    )


def credit_for(milestone: PaymentMilestone) -> LetterOfCredit | None:
    credit: LetterOfCredit | None = db.session.scalar(
        select(LetterOfCredit).where(LetterOfCredit.milestone_id == milestone.id)
    )
    return credit


def credit_of_order(order: Order) -> LetterOfCredit | None:
    credit: LetterOfCredit | None = db.session.scalar(
        select(LetterOfCredit)
        .where(LetterOfCredit.order_id == order.id)
        .order_by(LetterOfCredit.id)
    )
    return credit


def visible_credit(company_id: int, public_id: str) -> LetterOfCredit | None:
    """A credit on an order the company is party to (else None: the caller answers 404)."""
    credit: LetterOfCredit | None = db.session.scalar(
        select(LetterOfCredit)
        .join(Order, Order.id == LetterOfCredit.order_id)
        .where(
            LetterOfCredit.public_id == public_id,
            (Order.seller_id == company_id) | (Order.buyer_id == company_id),
        )
    )
    return credit


def visible_order(company_id: int, public_id: str) -> Order | None:
    order: Order | None = db.session.scalar(
        select(Order).where(
            Order.public_id == public_id,
            (Order.seller_id == company_id) | (Order.buyer_id == company_id),
        )
    )
    return order


def credit_milestone(order: Order) -> PaymentMilestone | None:
    """The order's milestone paid by letter of credit, if any."""
    return next((m for m in order.milestones if m.method is PaymentMethod.LETTER_OF_CREDIT), None)
