"""What the RFQ and quote pages post: the buyer's new-RFQ form and the seller's quote form,
filled as in ``tests.builders.quotations`` (500 t of ammonium nitrate, CFR Shanghai)."""

from __future__ import annotations

from datetime import timedelta

from app.models.base import utcnow
from tests.builders.trade import Trade


def rfq_form(trade: Trade, **changes: object) -> dict[str, object]:
    """The new-RFQ form, sent to the trade's seller; ``action="draft"`` saves a draft."""
    form: dict[str, object] = {
        "title": "Ammonium nitrate, porous prilled",
        "description": "For mining; 1 t jumbo bags.",
        "hs_code": "3102.30",
        "category": "",
        "quantity": "500",
        "unit": "TNE",
        "currency": "USD",
        "incoterm": "CFR",
        "incoterm_place": "Shanghai",
        "destination_country": "CN",
        "payment_terms": "",
        "target_price": "500",
        "open_days": "30",
        "sellers": [trade.seller.public_id],
    }
    form.update(changes)
    return form


def quote_form(**changes: str) -> dict[str, str]:
    """One free-text line of 500 t at US$524/t, freight US$28,000, valid for 10 days."""
    valid = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "product": "",
        "title": "Ammonium nitrate, porous prilled",
        "hs_code": "310230",
        "quantity": "500",
        "unit_price": "524.00",
        "incoterm": "CFR",
        "incoterm_place": "Shanghai",
        "freight": "28000",
        "insurance": "",
        "lead_time_days": "21",
        "payment_terms": "deposit_30_balance_70_bl",
        "valid_until": valid,
        "remarks": "",
    }
    form.update(changes)
    return form


def quote_form_with_rows(**changes: str) -> dict[str, str]:
    """The quote form with 400 t on the first line and the four further rows blank."""
    blank = {
        f"more_lines-{row}-{name}": ""
        for row in range(4)
        for name in ("product", "title", "hs_code", "quantity", "unit_price")
    }
    return quote_form(quantity="400", **{**blank, **changes})
