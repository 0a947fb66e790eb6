"""The seller's finance enters a lot's outturn (weight terms): the surveyor's weight,
moisture and grade adjustment per line, with the certificate; the final invoice follows.

Both parties download the certificate from the order page
(``app.web.documents.views.survey_certificate``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, FormField, HiddenField, StringField
from wtforms.validators import Length, Optional

from app.i18n import format_money
from app.models import Order, WeightSettlement
from app.services.accounts.capabilities import Action, Side, can
from app.services.fulfilment import outturn
from app.services.orders.queries import order_page
from app.services.orders.shipped import shipped_quantities
from app.web.boundary import attempt
from app.web.finance.blueprint import bp, own_company
from app.web.forms import CorridorForm, RowForm
from app.web.guards import acting, signed_in_user


class OutturnRowForm(RowForm):
    """One order line of the lot (a row of the outer form, which carries the token)."""

    line_no = HiddenField()
    outturn = StringField(_l("Outturn (wet)"), validators=[Optional(), Length(max=30)])
    moisture_percent = StringField(_l("Moisture (%)"), validators=[Optional(), Length(max=10)])
    price_adjustment = StringField(
        _l("Grade adjustment per unit"), validators=[Optional(), Length(max=30)]
    )


class OutturnForm(CorridorForm):
    surveyor = StringField(
        _l("Surveyor"),
        validators=[Optional(), Length(max=200)],
        description=_l("The inspection company that weighed the lot at discharge."),
    )
    certificate = FileField(
        _l("Surveyor's certificate (PDF or picture)"),
        description=_l("Its SHA-256 is printed on the final invoice."),
    )
    lines = FieldList(FormField(OutturnRowForm), max_entries=50)
    confirmed = BooleanField(
        _l("The outturn is right, though far from the loading weight"),
        description=_l("Asked when an outturn is more than 10 % away from what loaded."),
    )


def _line_no(value: object) -> int:
    # A tampered row number names no line of the lot: the service then asks for it.
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 6 else 0


def _lot(public_id: str, lot: int, side: Side) -> tuple[Order, WeightSettlement]:
    order = order_page(own_company().id, public_id, side)
    settlement = outturn.settlement_of(order, lot) if order is not None else None
    if order is None or settlement is None:
        abort(404)
    return order, settlement


@bp.route("/orders/<public_id>/lots/<int:lot>/outturn", methods=["GET", "POST"])
def enter_outturn(public_id: str, lot: int) -> ResponseReturnValue:
    order, settlement = _lot(public_id, lot, Side.SELLER)
    if not can(signed_in_user(), Action.SETTLE_OUTTURN, order):
        abort(403)
    back = url_for("finance.order", public_id=public_id)
    if settlement.is_settled:
        flash(gettext("The outturn of this lot is entered already."), "info")
        return redirect(back)
    form = OutturnForm()
    carried = shipped_quantities(settlement.shipment)
    lines = [line for line in sorted(order.lines, key=lambda x: x.line_no) if line.id in carried]
    if request.method == "GET":
        for line in lines:
            row = form.lines.append_entry()
            row.form.line_no.data = str(line.line_no)
            row.form.outturn.data = format(carried[line.id], "f")
    if form.validate_on_submit():
        upload = form.certificate.data
        data = outturn.OutturnInput(
            surveyor=form.surveyor.data or "",
            certificate=upload.stream if upload else None,
            certificate_name=upload.filename if upload else None,
            confirmed=bool(form.confirmed.data),
            lines=[
                outturn.OutturnLineInput(
                    _line_no(row.form.line_no.data),
                    row.form.outturn.data,
                    row.form.moisture_percent.data,
                    row.form.price_adjustment.data,
                )
                for row in form.lines
            ],
        )
        done = attempt(lambda: outturn.record_outturn(acting(), settlement, data), form)
        if done.ok and done.value is not None:
            message = gettext(
                "The final invoice %(number)s is issued. The buyer has been told.",
                number=done.value.number,
            )
            note = settlement.credit_note
            if note is not None and note.total is not None:
                message += " " + gettext(
                    "It asks nothing more: credit note %(number)s takes %(amount)s off the "
                    "provisional invoice.",
                    number=note.number,
                    amount=format_money(note.total),
                )
            flash(message, "success")
            return redirect(back)
    by_no = {str(line.line_no): line for line in lines}
    return render_template(
        "finance/outturn.html",
        order=order,
        settlement=settlement,
        lot=lot,
        form=form,
        by_no=by_no,
        carried=carried,
    )
