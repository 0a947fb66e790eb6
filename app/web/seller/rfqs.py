"""The seller's side of RFQs: the requests it was invited to, the quote form (each
submission a new revision), withdrawal.

Routes on the ``seller`` blueprint. An RFQ the company was not invited to answers 404.
"""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, to_user_timezone

from app.models import Rfq
from app.models.base import utcnow
from app.money import Money
from app.services.accounts.capabilities import Action, Side, require
from app.services.orders.tolerance import Tolerance
from app.services.quotations import quotes
from app.services.quotations.figures import quantity_text
from app.services.quotations.queries import (
    listing_choices,
    seller_rfqs,
)
from app.web.boundary import attempt
from app.web.forms import page_number
from app.web.guards import acting
from app.web.quotation_forms import QuoteForm, QuoteLineRow, WithdrawForm
from app.web.quotation_pages import (
    company_id,
    download_attachment,
    own_revision,
    own_rfq,
    quotation_helpers,
    render_rfq,
    utc_from_local,
)
from app.web.seller.blueprint import bp


@bp.get("/rfqs")
def rfqs() -> ResponseReturnValue:
    # ?waiting=answer: the seller home's "RFQs to answer" count opens this filtered list.
    unanswered = request.args.get("waiting") == "answer"
    rows = seller_rfqs(company_id(), page_number(request.args.get("page")), unanswered=unanswered)
    return render_template(
        "quotations/seller_rfqs.html", rows=rows, unanswered=unanswered, **quotation_helpers()
    )


@bp.get("/rfqs/<public_id>")
def rfq(public_id: str) -> ResponseReturnValue:
    return render_rfq(public_id, Side.SELLER, withdraw_form=WithdrawForm(formdata=None))


@bp.get("/rfqs/<public_id>/files/<file_id>")
def rfq_file(public_id: str, file_id: str) -> ResponseReturnValue:
    return download_attachment(public_id, file_id, Side.SELLER)


def _prefill(form: QuoteForm, rfq: Rfq) -> None:
    """The RFQ's own figures, or the seller's live revision and the buyer's counter."""
    form.incoterm.data = rfq.incoterm.value
    form.incoterm_place.data = rfq.incoterm_place
    form.quantity.data = quantity_text(rfq.quantity)
    form.title.data = rfq.title
    form.hs_code.data = rfq.hs_code or ""
    form.payment_terms.data = rfq.payment_terms.value if rfq.payment_terms else ""
    valid = to_user_timezone(utcnow() + timedelta(days=14)).replace(second=0, microsecond=0)
    form.valid_until.data = valid.replace(tzinfo=None)
    live = quotes.live_revision(rfq, company_id())
    if live is None:
        return
    rows = [form, *(entry.form for entry in form.more_lines)]
    for row, line in zip(rows, live.lines, strict=False):
        row.product.data = line.product.public_id if line.product else ""
        row.title.data = line.title
        row.hs_code.data = line.hs_code
        row.quantity.data = quantity_text(line.quantity)
        row.unit_price.data = str(Money.from_minor(line.unit_price_minor, live.currency).amount)
        for (quantity, price), tier in zip(row.tier_fields(), line.tiers, strict=False):
            quantity.data = quantity_text(tier.min_quantity)
            price.data = str(Money.from_minor(tier.unit_price_minor, live.currency).amount)
    form.lead_time_days.data = str(live.lead_time_days)
    if live.tolerance_percent:
        form.tolerance_percent.data = str(live.tolerance_percent)
        form.tolerance_option.data = Tolerance.of(live).option
    form.partial_shipments.data = live.partial_shipments
    if live.provisional_percent:
        form.provisional_percent.data = str(live.provisional_percent)
    form.payment_terms.data = live.payment_terms.value
    for name, minor in (("freight", live.freight_minor), ("insurance", live.insurance_minor)):
        if minor:
            getattr(form, name).data = str(Money.from_minor(minor, live.currency).amount)
    offer = live.counter
    if offer is not None and offer.quantity is not None:
        form.quantity.data = quantity_text(offer.quantity)
    if offer is not None and offer.payment_terms is not None:
        form.payment_terms.data = offer.payment_terms.value


LineRow = QuoteForm | QuoteLineRow


def _filled_rows(form: QuoteForm) -> list[LineRow]:
    """The first line and every further row not left blank, in the order shown."""
    more = [entry.form for entry in form.more_lines if not entry.form.is_blank()]
    return [form, *more]


class _LineErrors:
    """Puts the services' refusals on the form: ``lines-N`` (the N-th line sent) on that
    row's goods field, under which the page shows its row's errors; a price break's
    ``lines-N-tiers-K-quantity`` or ``-unit_price`` on that break's field; the rest as named."""

    def __init__(self, form: QuoteForm, rows: list[LineRow]) -> None:
        self._form = form
        self._rows = rows

    def __getattr__(self, name: str) -> object:
        parts = name.split("-")
        if parts[0] != "lines" or len(parts) < 2 or not parts[1].isdigit():
            return getattr(self._form, name, None)
        if int(parts[1]) >= len(self._rows):
            return None
        row = self._rows[int(parts[1])]
        if len(parts) == 5 and parts[2] == "tiers" and parts[3].isdigit():
            pairs = row.tier_fields()
            if int(parts[3]) >= len(pairs):
                return row.title
            quantity, price = pairs[int(parts[3])]
            return quantity if parts[4] == "quantity" else price
        if len(parts) == 2:
            return row.title
        return getattr(self._form, name, None)


@bp.route("/rfqs/<public_id>/quote", methods=["GET", "POST"])
def quote(public_id: str) -> ResponseReturnValue:
    require(acting().user, Action.QUOTE)
    found = own_rfq(public_id, Side.SELLER)
    form = QuoteForm()
    form.fill_choices(listing_choices(company_id(), found.currency))
    if request.method == "GET":
        _prefill(form, found)
    elif form.validate_on_submit():
        rows = _filled_rows(form)
        data = quotes.QuoteInput(
            lines=[
                quotes.QuoteLineInput(
                    quantity=row.quantity.data,
                    unit_price=row.unit_price.data,
                    product_public_id=row.product.data or "",
                    title=row.title.data or "",
                    hs_code=row.hs_code.data or "",
                    unit=found.unit,
                    tiers=row.tiers(),
                )
                for row in rows
            ],
            incoterm=form.incoterm.data or "",
            incoterm_place=form.incoterm_place.data or "",
            lead_time_days=form.lead_time_days.data,
            payment_terms=form.payment_terms.data or "",
            valid_until=utc_from_local(form.valid_until.data),
            freight=form.freight.data,
            insurance=form.insurance.data,
            remarks=form.remarks.data or "",
            tolerance_percent=form.tolerance_percent.data,
            tolerance_option=form.tolerance_option.data,
            partial_shipments=bool(form.partial_shipments.data),
            provisional_percent=form.provisional_percent.data,
        )
        if attempt(lambda: quotes.submit_quote(acting(), found, data), _LineErrors(form, rows)).ok:
            flash(gettext("Your quote is sent to the buyer."), "success")
            return redirect(url_for("seller.rfq", public_id=found.public_id))
    return render_template("quotations/quote_form.html", form=form, rfq=found)


@bp.post("/quotes/<public_id>/withdraw")
def withdraw(public_id: str) -> ResponseReturnValue:
    revision = own_revision(public_id, Side.SELLER)
    form = WithdrawForm()
    if (
        form.validate_on_submit()
        and attempt(lambda: quotes.withdraw(acting(), revision, form.note.data), form).ok
    ):
        flash(gettext("Your quote is withdrawn."), "success")
        return redirect(url_for("seller.rfq", public_id=revision.rfq.public_id))
    return render_rfq(revision.rfq.public_id, Side.SELLER, withdraw_form=form)
