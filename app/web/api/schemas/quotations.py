"""Requests for quotation and quotes as the buyer's ERP reads and answers them
(``/api/v1/rfqs``, ``/api/v1/quotes``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from app.models import QuoteRevision, Rfq
from app.models.order import PaymentTerms
from app.models.product import Incoterm
from app.models.quotation import QuoteStatus, RfqStatus
from app.web.api.contract import Amount, RequestModel, ResponseModel, Text
from app.web.api.schemas.orders import (
    Figure,
    OrderEvent,
    Quantity,
    ToleranceOption,
    amount,
    quantity_text,
    tolerance_option,
)

LaxDate = Annotated[date, Field(strict=False, examples=["2027-03-01"])]


def _quantity(value: Decimal) -> str:
    return quantity_text(value)


class CreateRfq(RequestModel):
    """Ask sellers for a price; the same checks as the page's form."""

    sellers: list[Text] = Field(
        description="Company ids of the sellers to ask (empty: every verified seller of "
        "the category)."
    )
    title: Text | None = None
    description: Text | None = None
    hs_code: Text | None = None
    category: Text | None = Field(None, description="A category's slug.")
    product: Text | None = Field(None, description="A listing's id, to ask its seller.")
    quantity: Figure | None = None
    unit: Text | None = Field(None, examples=["KGM"])
    incoterm: Text | None = Field(None, examples=["FOB"])
    named_place: Text | None = None
    destination_country: Text | None = Field(None, examples=["CN"])
    required_by: LaxDate | None = None
    payment_terms: Text | None = None
    currency: Text | None = Field(None, examples=["USD"])
    target_price: Figure | None = None
    open_days: Figure | None = Field(None, description="Days the request stays open.")


class CounterOffer(RequestModel):
    unit_price: Figure | None = None
    quantity: Figure | None = None
    required_by: LaxDate | None = None
    payment_terms: Text | None = None
    note: Text | None = None


class AcceptQuote(RequestModel):
    consignee: Text | None = None
    destination_port: Text | None = None
    notify_party: Text | None = None
    buyer_po_number: Text | None = None
    terms_sha256: Text | None = Field(
        None, description="The revision's terms_sha256 as read: other terms are refused."
    )


class PriceBreak(ResponseModel):
    from_quantity: Quantity
    unit_price: Amount


class QuoteLine(ResponseModel):
    line_no: int
    title: str
    hs_code: str
    quantity: Quantity
    unit: str
    unit_price: Amount
    line_total: Amount
    price_breaks: list[PriceBreak] = Field(
        description="From each tier's quantity on, its unit price applies (the highest reached)."
    )


class Counter(ResponseModel):
    unit_price: Amount | None
    quantity: Quantity | None
    required_by: date | None
    payment_terms: PaymentTerms | None
    note: str | None


class Quote(ResponseModel):
    """One revision of a seller's quote."""

    id: str
    seller: str
    seller_name: str
    revision: int
    status: QuoteStatus
    currency: str
    incoterm: Incoterm
    named_place: str
    goods_total: Amount
    freight: Amount
    insurance: Amount
    total: Amount
    lead_time_days: int
    payment_terms: PaymentTerms
    tolerance_percent: int = Field(
        description="More or less this percent on every line's quantity; 0 for none."
    )
    tolerance_option: ToleranceOption | None = Field(
        description="Whose option the tolerance is; null without one."
    )
    partial_shipments: bool = Field(description="Whether the order may ship in several lots.")
    provisional_percent: int = Field(
        description="Percent of the loading value a lot's provisional invoice asks; 0: none."
    )
    valid_until: datetime
    remarks: str | None
    terms_sha256: str
    lines: list[QuoteLine]
    counter: Counter | None

    @classmethod
    def of(cls, revision: QuoteRevision) -> Quote:
        currency = revision.currency
        offer = revision.counter
        return cls(
            id=revision.public_id,
            seller=revision.seller.public_id,
            seller_name=revision.seller.legal_name,
            revision=revision.revision_no,
            status=revision.status,
            currency=currency,
            incoterm=revision.incoterm,
            named_place=revision.incoterm_place,
            goods_total=amount(revision.goods_total_minor, currency),
            freight=amount(revision.freight_minor, currency),
            insurance=amount(revision.insurance_minor, currency),
            total=amount(revision.total_minor, currency),
            lead_time_days=revision.lead_time_days,
            payment_terms=revision.payment_terms,
            tolerance_percent=revision.tolerance_percent,
            tolerance_option=tolerance_option(revision),
            partial_shipments=revision.partial_shipments,
            provisional_percent=revision.provisional_percent,
            valid_until=revision.valid_until,
            remarks=revision.remarks,
            terms_sha256=revision.terms_sha256,
            lines=[
                QuoteLine(
                    line_no=line.line_no,
                    title=line.title,
                    hs_code=line.hs_code,
                    quantity=_quantity(line.quantity),
                    unit=line.unit,
                    unit_price=amount(line.unit_price_minor, currency),
                    line_total=amount(line.line_total_minor, currency),
                    price_breaks=[
                        PriceBreak(
                            from_quantity=_quantity(tier.min_quantity),
                            unit_price=amount(tier.unit_price_minor, currency),
                        )
                        for tier in line.tiers
                    ],
                )
                for line in revision.lines
            ],
            counter=None
            if offer is None
            else Counter(
                unit_price=amount(offer.unit_price_minor, currency)
                if offer.unit_price_minor
                else None,
                quantity=_quantity(offer.quantity) if offer.quantity else None,
                required_by=offer.required_by,
                payment_terms=offer.payment_terms,
                note=offer.note,
            ),
        )


class RfqSummary(ResponseModel):
    id: str
    reference: str
    status: RfqStatus
    title: str
    hs_code: str | None
    quantity: Quantity
    unit: str
    incoterm: Incoterm
    named_place: str
    destination_country: str
    currency: str
    required_by: date | None
    target_price: Amount | None
    expires_at: datetime
    created_at: datetime

    @classmethod
    def fields_of(cls, rfq: Rfq) -> dict[str, object]:
        return {
            "id": rfq.public_id,
            "reference": rfq.reference,
            "status": rfq.status,
            "title": rfq.title,
            "hs_code": rfq.hs_code,
            "quantity": _quantity(rfq.quantity),
            "unit": rfq.unit,
            "incoterm": rfq.incoterm,
            "named_place": rfq.incoterm_place,
            "destination_country": rfq.destination_country,
            "currency": rfq.currency,
            "required_by": rfq.required_by,
            "target_price": amount(rfq.target_price_minor, rfq.currency)
            if rfq.target_price_minor
            else None,
            "expires_at": rfq.expires_at,
            "created_at": rfq.created_at,
        }

    @classmethod
    def of(cls, rfq: Rfq) -> RfqSummary:
        return cls.model_validate(cls.fields_of(rfq))


class RfqListed(RfqSummary):
    quotes: int = Field(description="Quote revisions received so far.")


class RfqList(ResponseModel):
    rfqs: list[RfqListed]


class RfqDetail(RfqSummary):
    quotes: list[Quote] = Field(description="Each seller's latest revision.")
    revisions: list[Quote] = Field(description="Every revision, newest first per seller.")
    history: list[OrderEvent]
    order: str | None = Field(description="The order an accepted quote placed.")
