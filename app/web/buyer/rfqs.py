"""The buyer's requests for quotation: list, new (from a product page or from scratch),
the RFQ page with the quotes side by side, counter, accept, end.

Routes on the ``buyer`` blueprint. Every RFQ and revision is looked up through the
signed-in user's company, so another company's id answers 404 before any form is read.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.datastructures import FileStorage

from app.i18n import current_locale_code
from app.models import StoredFile
from app.services.accounts.capabilities import Action, Side, require
from app.services.catalog.categories import indented_category_names
from app.services.files import store_upload
from app.services.orders.cart import orderable_product
from app.services.quotations import award as awarding
from app.services.quotations import quotes, requests
from app.services.quotations.queries import (
    buyer_rfqs,
    seller_choices,
)
from app.web.boundary import attempt
from app.web.buyer.blueprint import bp
from app.web.forms import as_choices, country_choices, page_number
from app.web.guards import acting, signed_in_user
from app.web.quotation_forms import AwardForm, CounterForm, EndForm, RfqForm, SendForm
from app.web.quotation_pages import (
    company_id,
    download_attachment,
    own_revision,
    own_rfq,
    quotation_helpers,
    render_rfq,
)


@bp.get("/rfqs")
def rfqs() -> ResponseReturnValue:
    rows = buyer_rfqs(company_id(), page_number(request.args.get("page")))
    return render_template("quotations/buyer_rfqs.html", rows=rows, **quotation_helpers())


def _rfq_form() -> RfqForm:
    form = RfqForm()
    form.fill_choices(country_choices(), indented_category_names(current_locale_code()))
    form.sellers.choices = as_choices(seller_choices(company_id()))
    return form


def _prefill(form: RfqForm, public_id: str) -> None:
    """From a product page: the listing's goods, unit and seller."""
    product = orderable_product(public_id)
    if product is None:
        abort(404)
    form.product.data = product.public_id
    form.title.data = product.title
    form.hs_code.data = product.hs_code
    form.unit.data = product.unit
    form.currency.data = product.currency
    form.category.data = product.category.slug if product.category else ""
    form.sellers.data = [product.seller.public_id]
    buyer = signed_in_user().company
    form.destination_country.data = buyer.country if buyer is not None else ""
    form.quantity.data = str(product.moq)


def _uploads(files: list[FileStorage]) -> list[StoredFile]:
    user = signed_in_user()
    return [
        store_upload(
            user,
            upload.stream,
            filename=upload.filename,
            purpose="rfq_attachment",
            field="attachments",
        )
        for upload in files
        if upload and upload.filename
    ]


@bp.route("/rfqs/new", methods=["GET", "POST"])
def new_rfq() -> ResponseReturnValue:
    require(signed_in_user(), Action.REQUEST_QUOTES)
    form = _rfq_form()
    if request.method == "GET":
        form.incoterm.data = "CFR"
        if request.args.get("product"):
            _prefill(form, request.args["product"])
    elif form.validate_on_submit():
        data = requests.RfqInput(
            title=form.title.data or "",
            description=form.description.data or "",
            hs_code=form.hs_code.data or "",
            category_slug=form.category.data or "",
            product_public_id=form.product.data or "",
            quantity=form.quantity.data,
            unit=form.unit.data or "",
            incoterm=form.incoterm.data or "",
            incoterm_place=form.incoterm_place.data or "",
            destination_country=form.destination_country.data or "",
            required_by=form.required_by.data,
            payment_terms=form.payment_terms.data or "",
            currency=form.currency.data or "",
            target_price=form.target_price.data,
            open_days=form.open_days.data,
            seller_public_ids=list(form.sellers.data or []),
        )
        # "Save as draft": written for the buyer's company only; sellers are chosen at sending.
        send = request.form.get("action") != "draft"
        outcome = attempt(
            lambda: requests.create_rfq(
                acting(),
                data,
                attachments=_uploads(request.files.getlist("attachments")),
                send=send,
            ),
            form,
        )
        if outcome.ok and outcome.value is not None:
            if send:
                flash(gettext("Your request for quotation is sent."), "success")
            else:
                flash(gettext("Your request is saved as a draft. Send it from its page."), "info")
            return redirect(url_for("buyer.rfq", public_id=outcome.value.public_id))
    return render_template("quotations/rfq_form.html", form=form)


def _forms(**given: object) -> dict[str, object]:
    counter_form = CounterForm(formdata=None)
    counter_form.fill_choices()
    forms: dict[str, object] = {
        "counter_form": counter_form,
        "award_form": AwardForm(formdata=None),
        "end_form": EndForm(formdata=None),
        "send_form": SendForm(formdata=None),
        # Called by the page only for a draft: other pages pay no statement for it.
        "seller_options": lambda: seller_choices(company_id()),
    }
    forms.update(given)
    return forms


@bp.get("/rfqs/<public_id>")
def rfq(public_id: str) -> ResponseReturnValue:
    return render_rfq(public_id, Side.BUYER, **_forms())


@bp.get("/rfqs/<public_id>/files/<file_id>")
def rfq_file(public_id: str, file_id: str) -> ResponseReturnValue:
    return download_attachment(public_id, file_id, Side.BUYER)


@bp.post("/rfqs/<public_id>/end")
def end_rfq(public_id: str) -> ResponseReturnValue:
    found = own_rfq(public_id, Side.BUYER)
    form = EndForm()
    if (
        form.validate_on_submit()
        and attempt(lambda: requests.end_rfq(acting(), found, form.note.data), form).ok
    ):
        flash(gettext("The request is ended. The sellers have been told."), "success")
        return redirect(url_for("buyer.rfq", public_id=public_id))
    return render_rfq(public_id, Side.BUYER, **_forms(end_form=form))


@bp.post("/rfqs/<public_id>/send")
def send_rfq(public_id: str) -> ResponseReturnValue:
    """Send a saved draft to the sellers chosen now."""
    found = own_rfq(public_id, Side.BUYER)
    form = SendForm()
    form.sellers.choices = as_choices(seller_choices(company_id()))
    if (
        form.validate_on_submit()
        and attempt(
            lambda: requests.send_rfq(acting(), found, list(form.sellers.data or [])), form
        ).ok
    ):
        flash(gettext("Your request for quotation is sent."), "success")
        return redirect(url_for("buyer.rfq", public_id=public_id))
    return render_rfq(public_id, Side.BUYER, **_forms(send_form=form))


@bp.post("/quotes/<public_id>/counter")
def counter(public_id: str) -> ResponseReturnValue:
    revision = own_revision(public_id, Side.BUYER)
    form = CounterForm()
    form.fill_choices()
    if form.validate_on_submit():
        data = quotes.CounterInput(
            unit_price=form.unit_price.data,
            quantity=form.quantity.data,
            required_by=form.required_by.data,
            payment_terms=form.payment_terms.data or "",
            note=form.note.data or "",
        )
        if attempt(lambda: quotes.counter(acting(), revision, data), form).ok:
            flash(gettext("Your counter-offer is sent to the seller."), "success")
            return redirect(url_for("buyer.rfq", public_id=revision.rfq.public_id))
    return render_rfq(
        revision.rfq.public_id, Side.BUYER, **_forms(counter_form=form, counter_for=revision.id)
    )


@bp.post("/quotes/<public_id>/accept")
def accept(public_id: str) -> ResponseReturnValue:
    revision = own_revision(public_id, Side.BUYER)
    form = AwardForm()
    if form.validate_on_submit():
        data = awarding.AwardInput(
            consignee=form.consignee.data or "",
            destination_port=form.destination_port.data or "",
            notify_party=form.notify_party.data or "",
            buyer_po_number=form.buyer_po_number.data or "",
            expected_terms_sha256=form.terms_sha256.data or "",
        )
        outcome = attempt(lambda: awarding.award(acting(), revision, data), form)
        if outcome.ok and outcome.value is not None:
            flash(gettext("Quote accepted: the order is placed on its terms."), "success")
            return redirect(url_for("buyer.order", public_id=outcome.value.public_id))
    return render_rfq(
        revision.rfq.public_id, Side.BUYER, **_forms(award_form=form, award_for=revision.id)
    )
