"""The platform operator: verifies companies and reads the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.extensions import db
from app.models import ProductStatus, VerificationStatus
from app.services.accounts import companies as company_service
from app.services.audit.log import PAGE_SIZE, AuditFilter, audit_actions, audit_page
from app.services.audit.naming import KNOWN_ACTIONS, action_groups
from app.services.claims.queries import escalated_claims_count
from app.services.licences import verification
from app.services.licences.vault import licences_to_review_count
from app.services.listings import editing as listing_service
from app.services.messaging.oversight import reported_threads
from app.web.boundary import attempt
from app.web.forms import as_choices, page_number
from app.web.guards import acting
from app.web.licences.forms import VerifyForm, WithdrawForm
from app.web.operator.audit_labels import action_label, group_label
from app.web.operator.audit_view import audit_rows
from app.web.operator.blueprint import bp
from app.web.operator.forms import AuditFilterForm, ListingModerationForm


@bp.get("/")
def index() -> ResponseReturnValue:
    """What waits for the operator: companies to verify, licences to review, claims
    escalated for a decision, conversations reported."""
    return render_template(
        "operator/index.html",
        to_verify=len(company_service.companies_for_review(VerificationStatus.PENDING)),
        licences_to_review=licences_to_review_count(db.session),
        escalated_claims=escalated_claims_count(),
        reported=len(reported_threads()),
    )


@bp.get("/companies")
def companies() -> ResponseReturnValue:
    raw = request.args.get("status", VerificationStatus.PENDING.value)
    status = VerificationStatus(raw) if raw in VerificationStatus._value2member_map_ else None
    return render_template(
        "operator/companies.html",
        companies=company_service.companies_for_review(status),
        status=status,
        statuses=list(VerificationStatus),
    )


@bp.route("/companies/<public_id>", methods=["GET", "POST"])
def company(public_id: str) -> ResponseReturnValue:
    """The company, its documents and the one way to decide its verification: a verify that
    records what was checked (the documents on file), or a suspension with a reason that
    withdraws any verification standing (issue #19; the old one-click decision is gone)."""
    subject = company_service.get_company(public_id)
    if subject is None:
        abort(404)
    verify_form = VerifyForm(prefix="verify")
    withdraw_form = WithdrawForm(prefix="withdraw")
    if "verify-note" in request.form and verify_form.validate_on_submit():
        outcome = attempt(
            lambda: verification.verify_with_evidence(
                db.session,
                acting(),
                subject,
                checked=list(verify_form.checked.data or []),
                note=verify_form.note.data,
                expires_on=verify_form.expires_on.data,
            ),
            verify_form,
        )
        if outcome.ok:
            flash(gettext("Decision recorded for %(name)s.", name=subject.legal_name), "success")
            return redirect(url_for("operator.company", public_id=public_id))
    if "withdraw-reason" in request.form and withdraw_form.validate_on_submit():
        withdrawn = attempt(
            lambda: verification.withdraw_verification(
                db.session, acting(), subject, withdraw_form.reason.data or ""
            ),
            withdraw_form,
        )
        if withdrawn.ok:
            flash(gettext("Decision recorded for %(name)s.", name=subject.legal_name), "success")
            return redirect(url_for("operator.company", public_id=public_id))
    return render_template(
        "operator/company.html",
        subject=subject,
        documents=verification.company_evidence(db.session, subject.id),
        records=verification.verifications(db.session, subject.id),
        labels=verification.EVIDENCE_LABELS,
        verify_form=verify_form,
        withdraw_form=withdraw_form,
    )


@bp.get("/audit")
def audit() -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    any_value = ("", gettext("Any"))
    # Every kind the code records, not only those seen so far; a group ("order") covers
    # each of its actions, as the filter matches the action's start.
    actions = sorted(set(KNOWN_ACTIONS) | set(audit_actions()))
    groups = [(group, group_label(group)) for group in action_groups(actions)]
    form.action.choices = as_choices([any_value, *groups, *((a, action_label(a)) for a in actions)])
    form.company.choices = as_choices(
        [any_value]
        + [(c.public_id, c.legal_name) for c in company_service.companies_for_review(None)]
    )
    criteria = AuditFilter()
    if form.validate():
        chosen = company_service.get_company(form.company.data) if form.company.data else None
        criteria = AuditFilter(
            action=form.action.data or None,
            actor_email=form.actor_email.data or None,
            company_id=chosen.id if chosen else None,
            since=form.since.data,
            until=form.until.data,
        )
    events, total, page = audit_page(criteria, page_number(request.args.get("page")))
    return render_template(
        "operator/audit.html",
        form=form,
        rows=audit_rows(events),
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
    )


@bp.get("/listings")
def listings_index() -> ResponseReturnValue:
    status_text = request.args.get("status", "")
    status = ProductStatus(status_text) if status_text in ProductStatus._value2member_map_ else None
    products = listing_service.listings_for_moderation(request.args.get("q", ""), status)
    return render_template(
        "operator/listings.html", products=products, status=status, statuses=list(ProductStatus)
    )


@bp.route("/listings/<public_id>", methods=["GET", "POST"])
def listing(public_id: str) -> ResponseReturnValue:
    product = listing_service.any_product(public_id)
    if product is None:
        abort(404)
    form = ListingModerationForm()
    if form.validate_on_submit():
        if request.form.get("action") == "reinstate":
            decided = attempt(lambda: listing_service.reinstate_listing(acting(), product), form)
        else:
            reason = form.reason.data or ""
            decided = attempt(
                lambda: listing_service.suspend_listing(acting(), product, reason), form
            )
        if decided.ok:
            flash(gettext("Decision recorded for %(name)s.", name=product.title), "success")
            return redirect(url_for("operator.listing", public_id=public_id))
    return render_template("operator/listing.html", product=product, form=form)
