"""What the buyer's and the seller's RFQ pages share: the page itself, labels, downloads.

The RFQ page is one template for both parties (``quotations/rfq.html``): the buyer sees
every seller's latest revision side by side with its history and acts on them; a seller
sees its own revisions only. Both look the RFQ up through their company (404 otherwise).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_babel import to_utc

from app.models import QuoteRevision, Rfq
from app.services.accounts.capabilities import Side
from app.services.orders.tolerance import Tolerance
from app.services.quotations.queries import (
    company_revision,
    company_rfq,
    rfq_attachment,
    rfq_page,
)
from app.services.quotations.states import LIVE_RFQ, QUOTE_LABELS, RFQ_LABELS
from app.services.quotations.tiers import unit_price_at
from app.web.files import send_stored
from app.web.guards import signed_in_user
from app.web.order_labels import PAYMENT_TERMS_LABELS


def company_id() -> int:
    return signed_in_user().company_id or 0


def quotation_helpers() -> dict[str, Any]:
    """What the RFQ templates read on both sides."""
    return {
        "rfq_labels": RFQ_LABELS,
        "quote_labels": QUOTE_LABELS,
        "rfq_terms_labels": PAYMENT_TERMS_LABELS,
        "live_rfq": LIVE_RFQ,
        "unit_price_at": unit_price_at,
        "tolerance_of": Tolerance.of,
    }


def own_rfq(public_id: str, side: Side) -> Rfq:
    """The RFQ, if the signed-in company is its buyer (or an invited seller); 404 otherwise."""
    found = company_rfq(company_id(), public_id, side)
    if found is None:
        abort(404)
    return found


def own_revision(public_id: str, side: Side) -> QuoteRevision:
    """The quote revision, if the signed-in company is a party to it; 404 otherwise."""
    revision = company_revision(company_id(), public_id, side)
    if revision is None:
        abort(404)
    return revision


def render_rfq(public_id: str, side: Side, **context: Any) -> ResponseReturnValue:
    page = rfq_page(company_id(), public_id, side)
    if page is None:
        abort(404)
    return render_template(
        "quotations/rfq.html", page=page, rfq=page.rfq, side=side, **quotation_helpers(), **context
    )


def download_attachment(rfq_public_id: str, file_public_id: str, side: Side) -> ResponseReturnValue:
    stored = rfq_attachment(company_id(), rfq_public_id, file_public_id, side)
    if stored is None:
        abort(404)
    return send_stored(stored)


def utc_from_local(value: datetime | None) -> datetime | None:
    """A date and time typed in the viewer's zone, as aware UTC."""
    if value is None:
        return None
    utc: datetime = to_utc(value)
    return utc.replace(tzinfo=UTC)
