"""Finance staff on either side: the invoice register, its exports, receivables and payables,
credit notes, and the orders they are paid or pay for.

Every query is scoped to the signed-in user's company; the blueprint admits its owners and
finance staff only (sales and purchasers get 403).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, gettext

from app.i18n import format_money
from app.models import Document, DocumentKind
from app.money import Money, currency_exponent
from app.services.accounts.capabilities import Action, Side, can
from app.services.audit.recording import record_audit
from app.services.documents.issuing import credited_minor, issue_credit_note, plan_credit_note
from app.services.errors import DomainError, ValidationFailed
from app.services.finance.register import (
    Direction,
    ReportingFigures,
    aging,
    frozen_rates,
    overdue_count,
    register_document,
    register_page,
    reporting_figures,
)
from app.services.finance.register_exports import register_csv, register_xlsx
from app.services.orders.queries import OrderFilter, order_list, order_page
from app.services.orders.waiting import SIDE_OF, WaitingFor, waiting_counts
from app.web.boundary import show_on_form
from app.web.finance.blueprint import bp, company_day, own_company, register_filter_from_request
from app.web.finance.forms import AGING_LABELS, DIRECTION_LABELS, STATUS_LABELS, CreditNoteForm
from app.web.forms import page_number
from app.web.guards import acting, signed_in_user
from app.web.once import Once, attempt_once, flash_replay
from app.web.order_labels import DOCUMENT_KIND_LABELS, INVOICE_STAGE_LABELS
from app.web.urls import url_maker


def _sides() -> list[Side]:
    company = own_company()
    return [
        side
        for side, takes_part in ((Side.SELLER, company.sells), (Side.BUYER, company.buys))
        if takes_part
    ]


# What finance staff act on, by the side their company takes.
_FINANCE_WAITING = {Side.SELLER: WaitingFor.RECEIPT, Side.BUYER: WaitingFor.PAYMENT}


@bp.get("/")
def index() -> ResponseReturnValue:
    company_id = own_company().id
    page = page_number(request.args.get("page"))
    raw = request.args.get("waiting", "")
    waiting = WaitingFor(raw) if raw in _FINANCE_WAITING.values() else None
    # ?waiting=receipt lists only the orders it concerns (the side it belongs to).
    sides = [side for side in _sides() if waiting is None or SIDE_OF[waiting] == side]
    criteria = OrderFilter(waiting=waiting)
    lists = {side: order_list(company_id, side, criteria, page)[0] for side in sides}
    counts = waiting_counts(company_id, [_FINANCE_WAITING[side] for side in _sides()])
    return render_template(
        "finance/index.html",
        company=own_company(),
        lists=lists,
        waiting=waiting,
        counts=counts,
        overdue=overdue_count(company_id, company_day()),
    )


@bp.get("/orders/<public_id>")
def order(public_id: str) -> ResponseReturnValue:
    company_id = own_company().id
    for side in _sides():
        found = order_page(company_id, public_id, side)
        if found is not None:
            return render_template("finance/order.html", order=found, side=side)
    abort(404)


# The invoice register ----------------------------------------------------------------


@bp.get("/invoices")
def register() -> ResponseReturnValue:
    form, chosen = register_filter_from_request()
    page = register_page(
        own_company().id, chosen, page_number(request.args.get("page")), company_day()
    )
    return render_template(
        "finance/register.html",
        form=form,
        args=chosen.to_args(),
        result=page,
        labels=_resolved_labels(),
        links={
            "invoice": url_maker("finance.invoice", "public_id"),
            "pdf": url_maker("documents.download", "public_id"),
            "xml": url_maker("documents.download_xml", "public_id"),
        },
    )


def _resolved_labels() -> dict[str, dict[Any, str]]:
    """The register's per-row labels, translated once for the page, not once per row."""
    return {
        "kind": {kind: str(label) for kind, label in DOCUMENT_KIND_LABELS.items()},
        "stage": {stage: str(label) for stage, label in INVOICE_STAGE_LABELS.items()},
        "direction": {key: str(label) for key, label in DIRECTION_LABELS.items()},
        "status": {key: str(label) for key, label in STATUS_LABELS.items()},
    }


def _export_labels(column_codes: bool = False) -> dict[str, Any]:
    """Words the export's cells use: translated, or with column codes the enums' own
    values ("commercial_invoice", "unpaid;overdue") that an import mapping can rely on."""
    if column_codes:
        return {
            "kind": {kind: kind.value for kind in DOCUMENT_KIND_LABELS},
            "stage": {stage: f"{stage}_invoice" for stage in INVOICE_STAGE_LABELS},
            "direction": {direction: direction.value for direction in DIRECTION_LABELS},
            "status": {status: status.value for status in STATUS_LABELS},
            "overdue": "overdue",
            "joiner": ";",
        }
    return {
        "kind": DOCUMENT_KIND_LABELS,
        "stage": INVOICE_STAGE_LABELS,
        "direction": DIRECTION_LABELS,
        "status": STATUS_LABELS,
        "overdue": gettext("Overdue"),
    }


EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", register_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", register_xlsx),
}


@bp.get("/invoices.<any(csv, xlsx):export_format>")
def export_register(export_format: str) -> ResponseReturnValue:
    _, chosen = register_filter_from_request()
    mimetype, write = EXPORT_FORMATS[export_format]
    # ?headings=codes: stable English column codes; anything else: translated headings.
    column_codes = request.args.get("headings") == "codes"
    content, count = write(
        own_company(),
        chosen,
        company_day(),
        _export_labels(column_codes),
        column_codes=column_codes,
    )
    record_audit(
        acting(),
        "register.exported",
        object_type="register",
        details={
            "format": export_format,
            "rows": count,
            "filter": chosen.to_args(),
            "headings": "codes" if column_codes else "translated",
        },
    )
    response = current_app.response_class(content, mimetype=mimetype)
    filename = f"invoice-register-{company_day().isoformat()}.{export_format}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# One invoice or credit note ------------------------------------------------------------


def _register_document(public_id: str) -> Document:
    """An invoice or credit note this company issued or received; 404 for anything else."""
    document = register_document(own_company().id, public_id)
    if document is None:
        abort(404)
    return document


def _may_credit(document: Document) -> bool:
    return document.kind is DocumentKind.COMMERCIAL_INVOICE and can(
        signed_in_user(), Action.ISSUE_CREDIT_NOTE, document
    )


def _invoice_page(document: Document, form: CreditNoteForm | None = None) -> str:
    company = own_company()
    invoice = document.corrects if document.kind is DocumentKind.CREDIT_NOTE else document
    assert invoice is not None and invoice.total_minor is not None and invoice.currency
    credited = credited_minor(invoice)
    rate = frozen_rates(company.id, [document.id]).get(document.id)
    return render_template(
        "finance/invoice.html",
        document=document,
        invoice=invoice,
        order=document.order,
        counterparty=document.recipient if document.issuer_id == company.id else document.issuer,
        direction=Direction.ISSUED if document.issuer_id == company.id else Direction.RECEIVED,
        rate=rate,
        credited=Money.from_minor(credited, invoice.currency),
        net=Money.from_minor(invoice.total_minor - credited, invoice.currency),
        credit_form=form
        if form is not None
        else (CreditNoteForm() if _may_credit(document) else None),
    )


@bp.get("/invoices/<public_id>")
def invoice(public_id: str) -> ResponseReturnValue:
    return _invoice_page(_register_document(public_id))


def _confirm_credit_note(
    document: Document, form: CreditNoteForm, amount: Money
) -> ResponseReturnValue:
    """The page that says what the credit note will do before it is issued; a refusal
    (too much, no reason) goes back to the invoice's form as the issue would."""
    try:
        plan = plan_credit_note(acting(), document, amount.to_minor(), form.reason.data or "")
    except ValidationFailed as refusal:
        if not show_on_form(form, refusal):
            form.amount.errors = [*form.amount.errors, str(refusal)]
        return _invoice_page(document, form), 400
    currency = amount.currency
    return render_template(
        "finance/credit_note_confirm.html",
        document=document,
        form=form,
        plan=plan,
        amount=amount,
        remaining=Money.from_minor(plan.remaining_minor, currency),
        net_after=Money.from_minor(plan.net_after_minor, currency),
        counterparty=document.recipient,
    )


@bp.post("/invoices/<public_id>/credit-notes")
def credit_note(public_id: str) -> ResponseReturnValue:
    # Who may credit which invoice is issue_credit_note's to decide: its NotAllowed is the
    # boundary's 403. The page only asked ``can`` whether to show the form.
    document = _register_document(public_id)
    currency = str(document.currency)
    form = CreditNoteForm().for_currency(currency_exponent(currency))
    if not form.validate_on_submit():
        return _invoice_page(document, form), 400

    typed = form.amount.data
    assert typed is not None  # required, and read by the one number rule
    amount = Money(typed, currency)  # exact: the field took no more decimals than it has
    if form.confirmed.data != "yes":
        return _confirm_credit_note(document, form, amount)

    def issue() -> Document:
        return issue_credit_note(acting(), document, amount.to_minor(), form.reason.data)

    issued: Once[Document] = attempt_once(
        form.submission_key.data,
        "credit_note",
        (document.public_id, form.amount.raw_data, form.reason.data),
        issue,
        lambda note: note.public_id,
        quiet=(DomainError,),
    )
    if issued.replayed is not None:
        # The same form again (a reload, Back and submit): the first one's credit note.
        earlier = register_document(own_company().id, issued.replayed.result_id or "")
        flash_replay(
            issued,
            gettext(
                "Credit note %(number)s was already issued for this form; no other was issued.",
                number=earlier.number if earlier else "",
            ),
        )
        return redirect(url_for("finance.invoice", public_id=public_id))
    if issued.value is None:
        assert issued.error is not None
        # On the form, by the amount unless the refusal names another field.
        if not show_on_form(form, issued.error):
            form.amount.errors = [*form.amount.errors, str(issued.error)]
        return _invoice_page(document, form), 400
    flash(gettext("Credit note %(number)s issued.", number=issued.value.number), "success")
    return redirect(url_for("finance.invoice", public_id=public_id))


# Receivables and payables ------------------------------------------------------------


@bp.get("/aging")
def aging_report() -> ResponseReturnValue:
    company = own_company()
    today = company_day()
    sections = []
    for direction, takes_part in (
        (Direction.ISSUED, company.sells),
        (Direction.RECEIVED, company.buys),
    ):
        if not takes_part:
            continue
        figures = reporting_figures(company, direction, today)
        sections.append(
            {
                "direction": direction,
                "lines": aging(company.id, direction, today),
                "figures": figures,
                "chart": _chart_data(direction, figures),
            }
        )
    return render_template("finance/aging.html", sections=sections, today=today)


def _chart_data(direction: Direction, figures: ReportingFigures) -> dict[str, Any]:
    """What static/js/finance-charts.js draws: labels, values and the link behind each bar."""
    months = []
    for first, amount in figures.months:
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        months.append(
            {
                "label": format_date(first, "MMM y"),
                "value": str(amount),
                "display": format_money(Money(amount, figures.currency)),
                "href": url_for(
                    "finance.register",
                    direction=direction.value,
                    date_from=first.isoformat(),
                    date_to=last.isoformat(),
                ),
            }
        )
    buckets = [
        {
            "label": str(AGING_LABELS[bucket]),
            "value": str(amount),
            "display": format_money(Money(amount, figures.currency)),
            "href": url_for("finance.register", direction=direction.value, aging=bucket.value),
        }
        for bucket, amount in figures.buckets.items()
    ]
    return {"currency": figures.currency, "months": months, "aging": buckets}
