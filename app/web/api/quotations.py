"""``/api/v1/rfqs`` and ``/api/v1/quotes``: the buyer's ERP asks for quotes, compares them
side by side, counters and accepts, with the conventions of ``/api/v1/orders``.

Same bearer tokens, the API's one error shape, money as decimal strings; requests and
answers are the models of ``app.web.api.schemas.quotations``. Writes take an optional ``Idempotency-Key`` (16 to 64 letters, digits, ``-`` or
``_``, ``app.web.api.once``): sent again, the first answer comes back (200) and nothing is
written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, url_for
from flask_babel import lazy_gettext
from pydantic import BaseModel

from app.models import QuoteRevision, User
from app.services.accounts.capabilities import Side
from app.services.orders.queries import order_page
from app.services.quotations import award as awarding
from app.services.quotations import quotes, requests
from app.services.quotations.queries import (
    buyer_rfqs,
    company_revision,
    company_rfq,
    rfq_page,
)
from app.web.api.contract import ApiAnswer, operation
from app.web.api.once import KeyedWrite, write_once
from app.web.api.schemas.messages import PageQuery
from app.web.api.schemas.orders import OrderEvent, OrderSummary
from app.web.api.schemas.quotations import (
    AcceptQuote,
    CounterOffer,
    CreateRfq,
    Quote,
    RfqDetail,
    RfqList,
    RfqListed,
    RfqSummary,
)
from app.web.api.views import _actor, bp
from app.web.errors import render_error
from app.web.forms import page_number

_NOT_YOURS = lazy_gettext("There is nothing here, or it is not yours to see.")
TAGS = ("quotations",)


def _company_id() -> int:
    user: User = g.api_user
    return user.company_id or 0


def _text(value: str | None) -> str:
    return value or ""


def _sent(body: BaseModel) -> list[tuple[str, Any]]:
    """What the request sent, for its idempotency fingerprint."""
    return sorted(body.model_dump(mode="json", exclude_unset=True).items())


def _once(action: str, target: str, body: BaseModel, write: Callable[[], str]) -> KeyedWrite:
    """Run ``write`` (which returns a public id) once per Idempotency-Key.

    Returns (public id, replayed, error response)."""
    return write_once(action, target, _sent(body), write)


@bp.get("/rfqs")
@operation(query=PageQuery, responses={200: RfqList}, tags=TAGS)
def rfq_list(query: PageQuery) -> ApiAnswer:
    """The company's requests for quotation, newest first, with how many quotes each has."""
    rows = buyer_rfqs(_company_id(), page_number(query.page))
    return RfqList(
        rfqs=[
            RfqListed.model_validate({**RfqSummary.fields_of(row.rfq), "quotes": row.quotes})
            for row in rows
        ]
    )


@bp.post("/rfqs")
@operation(
    body=CreateRfq,
    responses={201: RfqSummary, 200: RfqSummary},
    errors=(409,),
    tags=TAGS,
    idempotent=True,
)
def rfq_create(body: CreateRfq) -> ApiAnswer:
    """Ask sellers for quotes; 201 with the request, or 200 when the key replays one."""

    def create() -> str:
        data = requests.RfqInput(
            title=_text(body.title),
            description=_text(body.description),
            hs_code=_text(body.hs_code),
            category_slug=_text(body.category),
            product_public_id=_text(body.product),
            quantity=body.quantity,
            unit=_text(body.unit),
            incoterm=_text(body.incoterm),
            incoterm_place=_text(body.named_place),
            destination_country=_text(body.destination_country),
            required_by=body.required_by,
            payment_terms=_text(body.payment_terms),
            currency=body.currency or "USD",
            target_price=body.target_price,
            open_days=body.open_days or requests.DEFAULT_OPEN_DAYS,
            seller_public_ids=list(body.sellers),
        )
        return requests.create_rfq(_actor(), data).public_id

    public_id, replayed, refused = _once("rfq", "new", body, create)
    if refused is not None:
        return refused
    rfq = company_rfq(_company_id(), public_id or "", Side.BUYER)
    assert rfq is not None
    location = url_for("api.rfq_show", public_id=rfq.public_id)
    return RfqSummary.of(rfq), 200 if replayed else 201, {"Location": location}


@bp.get("/rfqs/<public_id>")
@operation(responses={200: RfqDetail}, tags=TAGS)
def rfq_show(public_id: str) -> ApiAnswer:
    """One RFQ with every seller's revisions (newest first) and the history."""
    page = rfq_page(_company_id(), public_id, Side.BUYER)
    if page is None:
        return render_error(404, str(_NOT_YOURS))
    return RfqDetail.model_validate(
        {
            **RfqSummary.fields_of(page.rfq),
            "quotes": [Quote.of(revision) for revision in page.latest],
            "revisions": [
                Quote.of(revision)
                for revisions in page.revisions.values()
                for revision in revisions
            ],
            "history": [
                OrderEvent(
                    at=event.occurred_at,
                    kind=event.kind,
                    from_status=event.from_status,
                    to_status=event.to_status,
                    actor=event.actor_name,
                    note=event.note,
                )
                for event in page.events
            ],
            "order": page.order.public_id if page.order else None,
        }
    )


def _revision(public_id: str) -> QuoteRevision | None:
    return company_revision(_company_id(), public_id, Side.BUYER)


@bp.post("/quotes/<public_id>/counter")
@operation(
    body=CounterOffer,
    responses={201: Quote, 200: Quote},
    errors=(409,),
    tags=TAGS,
    idempotent=True,
)
def quote_counter(public_id: str, body: CounterOffer) -> ApiAnswer:
    """Counter a quote revision: price, quantity, date or payment terms."""
    revision = _revision(public_id)
    if revision is None:
        return render_error(404, str(_NOT_YOURS))

    def write() -> str:
        data = quotes.CounterInput(
            unit_price=body.unit_price,
            quantity=body.quantity,
            required_by=body.required_by,
            payment_terms=_text(body.payment_terms),
            note=_text(body.note),
        )
        quotes.counter(_actor(), revision, data)
        return revision.public_id

    _, replayed, refused = _once("counter", public_id, body, write)
    if refused is not None:
        return refused
    return Quote.of(revision), 200 if replayed else 201


@bp.post("/quotes/<public_id>/accept")
@operation(
    body=AcceptQuote,
    responses={201: OrderSummary, 200: OrderSummary},
    errors=(409,),
    tags=TAGS,
    idempotent=True,
)
def quote_accept(public_id: str, body: AcceptQuote) -> ApiAnswer:
    """Accept a revision: 201 with the order placed on its terms."""
    revision = _revision(public_id)
    if revision is None:
        return render_error(404, str(_NOT_YOURS))

    def write() -> str:
        data = awarding.AwardInput(
            consignee=_text(body.consignee),
            destination_port=_text(body.destination_port),
            notify_party=_text(body.notify_party),
            buyer_po_number=_text(body.buyer_po_number),
            expected_terms_sha256=_text(body.terms_sha256),
        )
        return awarding.award(_actor(), revision, data).public_id

    order_id, replayed, refused = _once("award", public_id, body, write)
    if refused is not None:
        return refused
    order = order_page(_company_id(), order_id or "", Side.BUYER)
    assert order is not None
    location = url_for("api.show", public_id=order.public_id)
    return OrderSummary.of(order), 200 if replayed else 201, {"Location": location}
