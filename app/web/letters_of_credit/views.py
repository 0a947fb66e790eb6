"""Routes of the credit pages. Every object is found through an order the signed-in
person's company is party to (else 404); the services decide who may act."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.models import (
    CreditExamination,
    CreditPresentation,
    LetterOfCredit,
    Order,
    PresentationState,
)
from app.security import writes_on_get
from app.services.letters_of_credit import (
    examination,
    invoicing,
    mt700,
    presentation,
    report,
    shipment_documents,
    terms,
)
from app.services.letters_of_credit.facts import invoice_in_force, uploaded
from app.services.letters_of_credit.findings import FIELD_NAMES, RULES, stored_money, value_name
from app.services.letters_of_credit.terms import CreditTermsInput
from app.web.boundary import attempt
from app.web.files import download_headers, send_stored
from app.web.guards import acting, guard_blueprint, signed_in_user
from app.web.letters_of_credit.forms import (
    BANK_ANSWERS,
    KIND_LABELS,
    AmendmentDecisionForm,
    BankAnswerForm,
    CheckForm,
    CreditTermsForm,
    InvoiceUnderCreditForm,
    Mt700Form,
    PresentationForm,
    ShipmentDocumentForm,
)
from app.web.once import attempt_once, flash_replay

bp = Blueprint("credits", __name__, url_prefix="/credits")
guard_blueprint(bp, None)


def _company_id() -> int:
    return signed_in_user().company_id or 0


def _order(public_id: str) -> Order:
    order = terms.visible_order(_company_id(), public_id)
    if order is None or terms.credit_milestone(order) is None:
        abort(404)
    return order


def _credit(public_id: str) -> LetterOfCredit:
    credit = terms.visible_credit(_company_id(), public_id)
    if credit is None:
        abort(404)
    return credit


def _examination(public_id: str) -> CreditExamination:
    found = examination.visible_examination(_company_id(), public_id)
    if found is None:
        abort(404)
    return found


def _page(order: Order, **forms: Any) -> str:
    credit = terms.credit_of_order(order)
    defaults = {
        "terms_form": CreditTermsForm(prefix="terms"),
        "mt700_form": Mt700Form(prefix="mt700"),
        "upload_form": ShipmentDocumentForm(prefix="upload"),
        "check_form": CheckForm(prefix="check"),
        "presentation_form": PresentationForm(prefix="present"),
        "answer_form": BankAnswerForm(prefix="answer"),
        "decision_form": AmendmentDecisionForm(),
        "invoice_form": InvoiceUnderCreditForm(),
    }
    defaults.update(forms)
    if credit is not None and "terms_form" not in forms:
        defaults["terms_form"] = _filled(CreditTermsInput.from_terms(credit.terms))
    return render_template(
        "letters_of_credit/credit.html",
        order=order,
        credit=credit,
        milestone=terms.credit_milestone(order),
        uploads=list(uploaded(order).values()),
        invoice=invoice_in_force(order),
        kinds=KIND_LABELS,
        answers=BANK_ANSWERS,
        **defaults,
    )


def _filled(data: CreditTermsInput) -> CreditTermsForm:
    form = CreditTermsForm(prefix="terms", formdata=None, data=vars(data))
    form.required = {r["kind"]: r for r in data.documents_required}  # type: ignore[attr-defined]
    return form


@bp.get("/orders/<public_id>")
def credit_page(public_id: str) -> ResponseReturnValue:
    return _page(_order(public_id))


@bp.post("/orders/<public_id>/mt700")
def import_mt700(public_id: str) -> ResponseReturnValue:
    """Fill the terms form from a pasted MT700; nothing is saved until it is submitted."""
    order = _order(public_id)
    form = Mt700Form(prefix="mt700")
    if not form.validate_on_submit():
        return _page(order, mt700_form=form), 422
    flash(gettext("The form is filled from the MT700: check every field, then save."), "info")
    return _page(order, terms_form=_filled(mt700.parse(form.message.data or "")))


def _terms_input(form: CreditTermsForm) -> CreditTermsInput:
    return form.to_input({key.removeprefix("terms-"): value for key, value in request.form.items()})


@bp.post("/orders/<public_id>/terms")
def save_terms(public_id: str) -> ResponseReturnValue:
    """The buyer's finance enters the credit, or (once entered) an amendment to it."""
    order = _order(public_id)
    form = CreditTermsForm(prefix="terms")
    if not form.validate_on_submit():
        return _page(order, terms_form=form), 422
    credit = terms.credit_of_order(order)
    milestone = terms.credit_milestone(order)
    assert milestone is not None
    data = _terms_input(form)
    if credit is None:
        ok = attempt(lambda: terms.open_credit(acting(), milestone, data), form).ok
        done = gettext("The letter of credit is entered; the seller sees it now.")
    else:
        ok = attempt(lambda: terms.propose_amendment(acting(), credit, data), form).ok
        done = gettext("The amendment is entered; it waits for the seller's acceptance.")
    if not ok:
        return _page(order, terms_form=form), 422
    flash(done, "success")
    return redirect(url_for("credits.credit_page", public_id=order.public_id))


@bp.post("/<public_id>/amendments/<int:version>/<any(accept, refuse):decision>")
def decide(public_id: str, version: int, decision: str) -> ResponseReturnValue:
    credit = _credit(public_id)
    if (
        AmendmentDecisionForm().validate_on_submit()
        and attempt(
            lambda: terms.decide_amendment(acting(), credit, version, decision == "accept")
        ).ok
    ):
        flash(gettext("Your answer to the amendment is recorded."), "success")
    return redirect(url_for("credits.credit_page", public_id=credit.order.public_id))


@bp.post("/orders/<public_id>/documents")
def upload(public_id: str) -> ResponseReturnValue:
    order = _order(public_id)
    form = ShipmentDocumentForm(prefix="upload")
    if not form.validate_on_submit():
        return _page(order, upload_form=form), 422
    file = request.files["upload-file"]
    outcome = attempt(
        lambda: shipment_documents.add_shipment_document(
            acting(), order, form.to_input(), file.stream, file.filename
        ),
        form,
    )
    if not outcome.ok:
        return _page(order, upload_form=form), 422
    flash(gettext("The document is uploaded."), "success")
    return redirect(url_for("credits.credit_page", public_id=order.public_id))


@bp.get("/documents/<public_id>")
def download(public_id: str) -> ResponseReturnValue:
    document = shipment_documents.visible_shipment_document(_company_id(), public_id)
    if document is None:
        abort(404)
    return send_stored(document.stored_file)


@bp.post("/<public_id>/checks")
def run_check(public_id: str) -> ResponseReturnValue:
    credit = _credit(public_id)
    form = CheckForm(prefix="check")
    if not form.validate_on_submit() or form.presented_on.data is None:
        return _page(credit.order, check_form=form), 422
    day = form.presented_on.data
    outcome = attempt(lambda: examination.run_check(acting(), credit, day), form)
    if not outcome.ok or outcome.value is None:
        return _page(credit.order, check_form=form), 422
    return redirect(url_for("credits.check_page", public_id=outcome.value.public_id))


@bp.get("/checks/<public_id>")
def check_page(public_id: str) -> ResponseReturnValue:
    found = _examination(public_id)
    return render_template(
        "letters_of_credit/check.html",
        check=found,
        credit=found.credit,
        order=found.credit.order,
        rules=RULES,
        field_names=FIELD_NAMES,
        kinds=KIND_LABELS,
        value_name=value_name,
        stored_money=stored_money,
    )


@bp.post("/<public_id>/presentations")
def present(public_id: str) -> ResponseReturnValue:
    credit = _credit(public_id)
    form = PresentationForm(prefix="present")
    if not form.validate_on_submit():
        return _page(credit.order, presentation_form=form), 422
    if not attempt(
        lambda: presentation.present(
            acting(), credit, form.presented_on.data, form.bank.data or ""
        ),
        form,
    ).ok:
        return _page(credit.order, presentation_form=form), 422
    flash(gettext("The presentation is recorded."), "success")
    return redirect(url_for("credits.credit_page", public_id=credit.order.public_id))


@bp.post("/presentations/<public_id>/answer")
def bank_answer(public_id: str) -> ResponseReturnValue:
    found: CreditPresentation | None = presentation.visible_presentation(_company_id(), public_id)
    if found is None:
        abort(404)
    form = BankAnswerForm(prefix="answer")
    if not form.validate_on_submit():
        return _page(found.credit.order, answer_form=form), 422
    state = PresentationState(form.state.data)
    if not attempt(
        lambda: presentation.answer(
            acting(), found, state, form.answered_on.data, form.discrepancies.data
        ),
        form,
    ).ok:
        return _page(found.credit.order, answer_form=form), 422
    flash(gettext("The bank's answer is recorded."), "success")
    return redirect(url_for("credits.credit_page", public_id=found.credit.order.public_id))


@bp.post("/<public_id>/invoice")
def invoice_under_credit(public_id: str) -> ResponseReturnValue:
    """The seller's finance issues the new invoice once a credit note cancelled the old."""
    credit = _credit(public_id)
    form = InvoiceUnderCreditForm()
    if form.validate_on_submit():
        issued = attempt_once(
            form.submission_key.data,
            "invoice_under_credit",
            (credit.public_id,),
            lambda: invoicing.issue_invoice_under_credit(acting(), credit),
            lambda invoice: invoice.public_id,
        )
        if issued.replayed is not None:
            flash_replay(issued, gettext("The invoice was already issued for this form."))
        elif issued.value is not None:
            flash(gettext("Invoice %(number)s is issued.", number=issued.value.number), "success")
    return redirect(url_for("credits.credit_page", public_id=credit.order.public_id))


@bp.get("/checks/<public_id>/report.pdf")
@writes_on_get  # the first download freezes the report
def report_download(public_id: str) -> ResponseReturnValue:
    """The examination report, to either party of the order."""
    found = _examination(public_id)
    pdf = report.report_pdf(found)
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    return download_headers(response, f"{found.report_number}.pdf")
