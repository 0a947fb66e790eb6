"""``/api/v1/rfqs`` and ``/api/v1/quotes``: the buyer's ERP asks for quotes, compares them
side by side, counters and accepts, with the conventions of ``/api/v1/orders``.

Same bearer tokens, JSON errors ``{"error", "message", "field"}``, money as decimal
strings. Writes take an optional ``Idempotency-Key`` (16 to 64 letters, digits, ``-`` or
``_``): sent again, the first answer comes back (200) and nothing is written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext

from app.models import QuoteRevision, Rfq, User
from app.services.accounts.capabilities import Side
from app.services.errors import ValidationFailed
from app.services.idempotency import Replayed, fingerprint, run_once
from app.services.orders.queries import order_page
from app.services.quotations import award as awarding
from app.services.quotations import quotes, requests
from app.services.quotations.queries import (
    buyer_rfqs,
    company_revision,
    company_rfq,
    rfq_page,
)
from app.web.api.views import _actor, _amount, _is_text, bp, order_json
from app.web.boundary import attempt
from app.web.errors import render_error
from app.web.forms import page_number

_NOT_YOURS = lazy_gettext("There is nothing here, or it is not yours to see.")


def _company_id() -> int:
    user: User = g.api_user
    return user.company_id or 0


def _body() -> dict[str, Any] | None:
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:
        body = None
    return body if isinstance(body, dict) else None


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not _is_text(value):
        raise ValidationFailed(lazy_gettext("%(field)s must be text.", field=name), name)
    return str(value)


def _number(body: dict[str, Any], name: str) -> object:
    """A figure as the ERP sent it: a string or an integer (never a JSON float)."""
    value = body.get(name)
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return value
    raise ValidationFailed(
        lazy_gettext('Send %(field)s as a string such as "524.00".', field=name), name
    )


def _date(body: dict[str, Any], name: str) -> date | None:
    text = _text(body, name)
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ValidationFailed(lazy_gettext("Give the date as YYYY-MM-DD."), name) from None


def revision_json(revision: QuoteRevision) -> dict[str, Any]:
    currency = revision.currency
    offer = revision.counter
    return {
        "id": revision.public_id,
        "seller": revision.seller.public_id,
        "seller_name": revision.seller.legal_name,
        "revision": revision.revision_no,
        "status": revision.status.value,
        "currency": currency,
        "incoterm": revision.incoterm.value,
        "named_place": revision.incoterm_place,
        "goods_total": _amount(revision.goods_total_minor, currency),
        "freight": _amount(revision.freight_minor, currency),
        "insurance": _amount(revision.insurance_minor, currency),
        "total": _amount(revision.total_minor, currency),
        "lead_time_days": revision.lead_time_days,
        "payment_terms": revision.payment_terms.value,
        "valid_until": revision.valid_until.isoformat(),
        "remarks": revision.remarks,
        "terms_sha256": revision.terms_sha256,
        "lines": [
            {
                "line_no": line.line_no,
                "title": line.title,
                "hs_code": line.hs_code,
                "quantity": format(line.quantity.normalize(), "f"),
                "unit": line.unit,
                "unit_price": _amount(line.unit_price_minor, currency),
                "line_total": _amount(line.line_total_minor, currency),
                # From each tier's quantity on, its unit price applies (the highest reached).
                "price_breaks": [
                    {
                        "from_quantity": format(tier.min_quantity.normalize(), "f"),
                        "unit_price": _amount(tier.unit_price_minor, currency),
                    }
                    for tier in line.tiers
                ],
            }
            for line in revision.lines
        ],
        "counter": None
        if offer is None
        else {
            "unit_price": _amount(offer.unit_price_minor, currency)
            if offer.unit_price_minor
            else None,
            "quantity": format(offer.quantity.normalize(), "f") if offer.quantity else None,
            "required_by": offer.required_by.isoformat() if offer.required_by else None,
            "payment_terms": offer.payment_terms.value if offer.payment_terms else None,
            "note": offer.note,
        },
    }


def rfq_json(rfq: Rfq) -> dict[str, Any]:
    return {
        "id": rfq.public_id,
        "reference": rfq.reference,
        "status": rfq.status.value,
        "title": rfq.title,
        "hs_code": rfq.hs_code,
        "quantity": format(rfq.quantity.normalize(), "f"),
        "unit": rfq.unit,
        "incoterm": rfq.incoterm.value,
        "named_place": rfq.incoterm_place,
        "destination_country": rfq.destination_country,
        "currency": rfq.currency,
        "required_by": rfq.required_by.isoformat() if rfq.required_by else None,
        "target_price": _amount(rfq.target_price_minor, rfq.currency)
        if rfq.target_price_minor
        else None,
        "expires_at": rfq.expires_at.isoformat(),
        "created_at": rfq.created_at.isoformat(),
    }


def _once(
    action: str, target: str, body: dict[str, Any], write: Callable[[], str]
) -> tuple[str | None, bool, ResponseReturnValue | None]:
    """Run ``write`` (which returns a public id) once per Idempotency-Key.

    Returns (public id, replayed, error response)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    run: Callable[[], str] = write
    if key:
        request_print = fingerprint(action, target, sorted(body.items()))

        def run() -> str:
            return run_once(_actor(), key, action, request_print, write, lambda value: value)

    outcome = attempt(run, flash_refusal=False)
    error = outcome.error
    if isinstance(error, Replayed):
        if not error.same_request:
            return (
                None,
                False,
                render_error(
                    409, gettext("This Idempotency-Key was used for another request."), None
                ),
            )
        return error.earlier.result_id, True, None
    if error is not None:
        return None, False, render_error(error.status, str(error), error.field)
    return outcome.value, False, None


@bp.get("/rfqs")
def rfq_list() -> ResponseReturnValue:
    rows = buyer_rfqs(_company_id(), page_number(request.args.get("page")))
    return jsonify(
        rfqs=[{**rfq_json(row.rfq), "quotes": row.quotes} for row in rows],
    )


@bp.post("/rfqs")
def rfq_create() -> ResponseReturnValue:
    body = _body()
    if body is None:
        return render_error(400, gettext("Send the request for quotation as a JSON object."))

    def create() -> str:
        sellers = body.get("sellers")
        if not isinstance(sellers, list) or not all(_is_text(s) for s in sellers):
            raise ValidationFailed(
                lazy_gettext('Send "sellers" as a list of company ids.'), "sellers"
            )
        data = requests.RfqInput(
            title=_text(body, "title"),
            description=_text(body, "description"),
            hs_code=_text(body, "hs_code"),
            category_slug=_text(body, "category"),
            product_public_id=_text(body, "product"),
            quantity=_number(body, "quantity"),
            unit=_text(body, "unit"),
            incoterm=_text(body, "incoterm"),
            incoterm_place=_text(body, "named_place"),
            destination_country=_text(body, "destination_country"),
            required_by=_date(body, "required_by"),
            payment_terms=_text(body, "payment_terms"),
            currency=_text(body, "currency") or "USD",
            target_price=_number(body, "target_price"),
            open_days=_number(body, "open_days") or requests.DEFAULT_OPEN_DAYS,
            seller_public_ids=list(sellers),
        )
        return requests.create_rfq(_actor(), data).public_id

    public_id, replayed, refused = _once("rfq", "new", body, create)
    if refused is not None:
        return refused
    rfq = company_rfq(_company_id(), public_id or "", Side.BUYER)
    assert rfq is not None
    response = jsonify(rfq_json(rfq))
    response.status_code = 200 if replayed else 201
    response.headers["Location"] = url_for("api.rfq_show", public_id=rfq.public_id)
    return response


@bp.get("/rfqs/<public_id>")
def rfq_show(public_id: str) -> ResponseReturnValue:
    """One RFQ with every seller's revisions (newest first) and the history."""
    page = rfq_page(_company_id(), public_id, Side.BUYER)
    if page is None:
        return render_error(404, str(_NOT_YOURS))
    body = rfq_json(page.rfq)
    body["quotes"] = [revision_json(revision) for revision in page.latest]
    body["revisions"] = [
        revision_json(revision) for revisions in page.revisions.values() for revision in revisions
    ]
    body["history"] = [
        {
            "at": event.occurred_at.isoformat(),
            "kind": event.kind,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "actor": event.actor_name,
            "note": event.note,
        }
        for event in page.events
    ]
    body["order"] = page.order.public_id if page.order else None
    return jsonify(body)


def _revision(public_id: str) -> QuoteRevision | None:
    return company_revision(_company_id(), public_id, Side.BUYER)


@bp.post("/quotes/<public_id>/counter")
def quote_counter(public_id: str) -> ResponseReturnValue:
    revision = _revision(public_id)
    body = _body()
    if revision is None:
        return render_error(404, str(_NOT_YOURS))
    if body is None:
        return render_error(400, gettext("Send the counter-offer as a JSON object."))

    def write() -> str:
        data = quotes.CounterInput(
            unit_price=_number(body, "unit_price"),
            quantity=_number(body, "quantity"),
            required_by=_date(body, "required_by"),
            payment_terms=_text(body, "payment_terms"),
            note=_text(body, "note"),
        )
        quotes.counter(_actor(), revision, data)
        return revision.public_id

    _, replayed, refused = _once("counter", public_id, body, write)
    if refused is not None:
        return refused
    return jsonify(revision_json(revision)), 200 if replayed else 201


@bp.post("/quotes/<public_id>/accept")
def quote_accept(public_id: str) -> ResponseReturnValue:
    """Accept a revision: 201 with the order placed on its terms."""
    revision = _revision(public_id)
    body = _body()
    if revision is None:
        return render_error(404, str(_NOT_YOURS))
    if body is None:
        return render_error(400, gettext("Send the acceptance as a JSON object."))

    def write() -> str:
        data = awarding.AwardInput(
            consignee=_text(body, "consignee"),
            destination_port=_text(body, "destination_port"),
            notify_party=_text(body, "notify_party"),
            buyer_po_number=_text(body, "buyer_po_number"),
            expected_terms_sha256=_text(body, "terms_sha256"),
        )
        return awarding.award(_actor(), revision, data).public_id

    order_id, replayed, refused = _once("award", public_id, body, write)
    if refused is not None:
        return refused
    order = order_page(_company_id(), order_id or "", Side.BUYER)
    assert order is not None
    response = jsonify(order_json(order))
    response.status_code = 200 if replayed else 201
    response.headers["Location"] = url_for("api.show", public_id=order.public_id)
    return response
