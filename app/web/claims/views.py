"""Routes of the claim pages. A claim is found through the signed-in person's company (or
by an operator); another company's claim answers 404. The services decide who may act."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import (
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

from app.models import Claim, Order
from app.models.base import utcnow
from app.payments.gateway import configured_gateway
from app.security import writes_on_get
from app.services.accounts.capabilities import Action, Side, can
from app.services.claims import (
    decision,
    escalation,
    filing,
    inspection,
    labels,
    queries,
    record,
    responses,
    settlement,
)
from app.services.claims.filing import ClaimInput, ClaimLineInput
from app.services.claims.states import LABELS, LIVE
from app.services.orders.queries import company_order
from app.web.boundary import attempt
from app.web.claims.blueprint import bp
from app.web.claims.forms import (
    DecisionForm,
    EvidenceForm,
    FileClaimForm,
    InspectionForm,
    NoteForm,
    PlainForm,
    ReportForm,
    ResponseForm,
    SettleForm,
)
from app.web.files import download_headers, send_stored
from app.web.guards import acting, signed_in_user
from app.web.once import attempt_once, flash_replay

FORMS: dict[str, Callable[[], Any]] = {
    "response_form": ResponseForm,
    "note_form": NoteForm,
    "plain_form": PlainForm,
    "evidence_form": EvidenceForm,
    "inspection_form": InspectionForm,
    "report_form": ReportForm,
    "decision_form": DecisionForm,
    "settle_form": SettleForm,
}


def _claim(public_id: str) -> Claim:
    found = queries.visible_claim(signed_in_user(), public_id)
    if found is None:
        abort(404)
    return found


def _buyer_order(public_id: str) -> Order:
    order = company_order(signed_in_user().company_id or 0, public_id, Side.BUYER)
    if order is None:
        abort(404)
    return order


def _left(deadline: datetime | None, now: datetime) -> str | None:
    """A countdown both sides read: days and hours to ``deadline`` (None once passed)."""
    if deadline is None or deadline <= now:
        return None
    left = deadline - now
    return str(gettext("%(days)d d %(hours)d h left", days=left.days, hours=left.seconds // 3600))


def _page(claim: Claim, status: int = 200, **forms: Any) -> ResponseReturnValue:
    now = utcnow()
    made = {name: forms.get(name) or form() for name, form in FORMS.items()}
    user = signed_in_user()
    return (
        render_template(
            "claims/claim.html",
            claim=claim,
            order=claim.order,
            labels=labels,
            status_labels=LABELS,
            live=claim.status in LIVE,
            now=now,
            left=lambda deadline: _left(deadline, now),
            records=queries.claim_records(claim),
            is_operator=user.is_operator,
            card_on=configured_gateway() is not None,
            **made,
        ),
        status,
    )


def _done(claim: Claim, message: str) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for("claims.claim", public_id=claim.public_id))


@bp.get("")
def index() -> ResponseReturnValue:
    user = signed_in_user()
    if user.is_operator:
        return redirect(url_for("claims.operator"))
    claims = queries.company_claims(user.company_id or 0)
    return render_template("claims/index.html", claims=claims, status_labels=LABELS, labels=labels)


@bp.get("/operator")
def operator() -> ResponseReturnValue:
    if not can(signed_in_user(), Action.DECIDE_CLAIM):
        abort(403)
    show_all = request.args.get("all") == "1"
    claims = queries.operator_claims(only_escalated=not show_all)
    return render_template(
        "claims/operator.html",
        claims=claims,
        show_all=show_all,
        status_labels=LABELS,
        labels=labels,
    )


def _claim_input(form: FileClaimForm, order: Order) -> ClaimInput:
    lines = []
    for line in order.lines:
        quantity = (request.form.get(f"quantity-{line.line_no}") or "").strip()
        amount = (request.form.get(f"amount-{line.line_no}") or "").strip()
        if not quantity and not amount:
            continue
        # As typed: the service reads it by the line's unit and names the rule it breaks.
        lines.append(ClaimLineInput(line_no=line.line_no, quantity=quantity, amount=amount or "0"))
    return ClaimInput(
        claim_type=form.claim_type.data or "",
        statement=form.statement.data or "",
        lines=lines,
    )


@bp.route("/orders/<order_id>/new", methods=["GET", "POST"])
def file(order_id: str) -> ResponseReturnValue:
    order = _buyer_order(order_id)
    if not can(signed_in_user(), Action.FILE_CLAIM, order):
        abort(403)
    form = FileClaimForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("claims/new.html", order=order, form=form), status
    upload = request.files.get("file")

    def file_with_evidence() -> Claim:
        claim = filing.file_claim(acting(), order, _claim_input(form, order))
        if upload is not None and upload.filename:
            filing.add_evidence(
                acting(),
                claim,
                upload.stream,
                filename=upload.filename,
                kind=form.kind.data or "other",
            )
        return claim

    outcome = attempt(file_with_evidence, form)
    if not outcome.ok or outcome.value is None:
        return render_template("claims/new.html", order=order, form=form), 422
    return _done(
        outcome.value, gettext("Your claim is filed. The seller has three days to answer.")
    )


@bp.get("/<public_id>")
def claim(public_id: str) -> ResponseReturnValue:
    return _page(_claim(public_id))


def _act(
    public_id: str,
    form_name: str,
    action: Callable[[Claim, Any], object],
    message: str,
) -> ResponseReturnValue:
    found = _claim(public_id)
    form = FORMS[form_name]()
    if not form.validate_on_submit():
        return _page(found, 422, **{form_name: form})
    outcome = attempt(lambda: action(found, form), form)
    if not outcome.ok:
        return _page(found, 422, **{form_name: form})
    return _done(found, message)


@bp.post("/<public_id>/respond")
def respond(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        "response_form",
        lambda c, f: responses.respond(
            acting(), c, f.response.data or "", f.note.data, f.proposed.data
        ),
        gettext("Your answer is sent."),
    )


@bp.post("/<public_id>/agree")
def agree(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        "plain_form",
        lambda c, f: responses.agree(acting(), c),
        gettext("You agreed to the seller's proposal."),
    )


@bp.post("/<public_id>/escalate")
def escalate(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        "note_form",
        lambda c, f: responses.escalate(acting(), c, f.note.data),
        gettext("The claim is escalated to Corridor's operators."),
    )


@bp.post("/<public_id>/withdraw")
def withdraw(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        "note_form",
        lambda c, f: filing.withdraw(acting(), c, f.note.data),
        gettext("The claim is withdrawn."),
    )


@bp.post("/<public_id>/evidence")
def evidence(public_id: str) -> ResponseReturnValue:
    def add(found: Claim, form: EvidenceForm) -> object:
        upload = request.files["file"]
        return filing.add_evidence(
            acting(),
            found,
            upload.stream,
            filename=upload.filename,
            kind=form.kind.data or "",
            description=form.description.data,
        )

    return _act(public_id, "evidence_form", add, gettext("The file is added to the claim."))


@bp.post("/<public_id>/evidence-complete")
def evidence_complete(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        "plain_form",
        lambda c, f: escalation.complete_evidence(acting(), c),
        gettext("Your evidence is complete."),
    )


@bp.post("/<public_id>/inspections")
def require_inspection(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        "inspection_form",
        lambda c, f: inspection.require_inspection(
            acting(), c, f.body.data or "", f.body_name.data
        ),
        gettext("The independent inspection is required."),
    )


@bp.post("/<public_id>/inspections/<inspection_id>/report")
def inspection_report(public_id: str, inspection_id: str) -> ResponseReturnValue:
    def upload(found: Claim, form: ReportForm) -> object:
        chosen = next((i for i in found.inspections if i.public_id == inspection_id), None)
        if chosen is None:
            abort(404)
        file = request.files["file"]
        return inspection.upload_report(acting(), chosen, file.stream, file.filename)

    return _act(public_id, "report_form", upload, gettext("The inspection report is uploaded."))


@bp.post("/<public_id>/decide")
def decide(public_id: str) -> ResponseReturnValue:
    return _act(
        public_id,
        "decision_form",
        lambda c, f: decision.decide(
            acting(), c, f.remedy.data or "", f.amount.data, f.reason.data or ""
        ),
        gettext("The decision is recorded; both parties see it."),
    )


@bp.post("/<public_id>/settle")
def settle(public_id: str) -> ResponseReturnValue:
    found = _claim(public_id)
    form = SettleForm()
    if not form.validate_on_submit():
        return _page(found, 422, settle_form=form)
    reference = form.bank_reference.data or ""
    gateway = configured_gateway()
    done = attempt_once(
        form.submission_key.data,
        "claim_settlement",
        (found.public_id, reference),
        lambda: settlement.settle(acting(), found, bank_reference=reference, gateway=gateway),
        lambda settled: settled.public_id,
        form=form,
    )
    if done.replayed is not None:
        flash_replay(done, gettext("This claim was already settled; nothing more was booked."))
        return redirect(url_for("claims.claim", public_id=found.public_id))
    if not done.ok:
        return _page(found, 422, settle_form=form)
    return _done(found, gettext("The claim is settled and booked."))


@bp.post("/<public_id>/records")
def export(public_id: str) -> ResponseReturnValue:
    found = _claim(public_id)
    form = PlainForm()
    if not form.validate_on_submit():
        return _page(found, 422)
    made = record.export_record(acting(), found)
    return redirect(
        url_for("claims.record_pdf", public_id=found.public_id, record_id=made.public_id)
    )


@bp.get("/<public_id>/records/<record_id>.pdf")
@writes_on_get  # the first download renders and stores the PDF
def record_pdf(public_id: str, record_id: str) -> ResponseReturnValue:
    found = _claim(public_id)
    chosen = next((r for r in queries.claim_records(found) if r.public_id == record_id), None)
    if chosen is None:
        abort(404)
    response = make_response(record.record_pdf(chosen))
    response.mimetype = "application/pdf"
    return download_headers(response, f"{found.reference}-record.pdf")


@bp.get("/<public_id>/evidence/<evidence_id>")
def evidence_file(public_id: str, evidence_id: str) -> ResponseReturnValue:
    found = _claim(public_id)
    chosen = queries.visible_evidence(signed_in_user(), found, evidence_id)
    if chosen is None:
        abort(404)
    return send_stored(chosen.stored_file)
