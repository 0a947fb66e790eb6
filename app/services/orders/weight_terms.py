"""Weight terms: "provisional invoice at 90 % of the value on the loading weight, final
invoice on the outturn weight (and assay) agreed at discharge".

Bulk ore and concentrates are sold so: the buyer pays most of the value when the lot
sails and the rest, up or down, once the surveyor has weighed (and assayed) it at
discharge. An order or quote revision carries the percent; 0 means the usual one
invoice. The invoices and the outturn are ``app.services.fulfilment.outturn``'s.
"""

from __future__ import annotations

from flask_babel import lazy_gettext

from app.models import PaymentTerms
from app.services.errors import ValidationFailed

# Below half the value a provisional invoice is an advance, not an invoice on weight.
MIN_PERCENT = 50
MAX_PERCENT = 100


def parse_provisional_percent(value: object, payment_terms: PaymentTerms | str) -> int:
    """The percent a checkout, quote or API body asked for: blank (or 0) for none; a whole
    number from 50 to 100; refused on L/C terms, whose presentation pays one invoice."""
    text = "" if value is None else str(value).strip().removesuffix("%").strip()
    if isinstance(value, bool | float):
        text = "?"
    if not text or text == "0":
        return 0
    if not (text.isascii() and text.isdigit() and MIN_PERCENT <= int(text) <= MAX_PERCENT):
        raise ValidationFailed(
            lazy_gettext(
                "The provisional invoice is a whole percent of the value, from %(least)s "
                "to %(most)s; leave it blank for one invoice.",
                least=MIN_PERCENT,
                most=MAX_PERCENT,
            ),
            "provisional_percent",
        )
    if str(payment_terms) == PaymentTerms.LC_AT_SIGHT.value:
        raise ValidationFailed(
            lazy_gettext(
                "Orders paid by letter of credit are invoiced once here: leave the "
                "provisional invoice blank or choose other payment terms."
            ),
            "provisional_percent",
        )
    return int(text)
