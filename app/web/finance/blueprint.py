"""The finance blueprint, its guard and what its route modules share.

The route modules (``views``, ``zip_exports``) import from here and never from each
other; ``app.web.finance`` imports them all, which registers their routes on ``bp``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, request

from app.models import Company
from app.services.accounts.capabilities import Action
from app.services.accounts.clock import company_today
from app.services.finance.register import AgingBucket, Direction, RegisterFilter, filter_options
from app.web.finance.forms import AGING_LABELS, DIRECTION_LABELS, RegisterFilterForm
from app.web.guards import guard_blueprint, signed_in_user
from app.web.order_pages import order_template_helpers

bp = Blueprint("finance", __name__, url_prefix="/finance")
guard_blueprint(bp, Action.FINANCE_AREA)
# Finance's order page renders the same order macros as the buyer's and seller's.
bp.context_processor(order_template_helpers)


@bp.context_processor
def finance_labels() -> dict[str, Any]:
    return {
        "direction_labels": DIRECTION_LABELS,
        "aging_labels": AGING_LABELS,
        "AgingBucket": AgingBucket,
        "Direction": Direction,
    }


def own_company() -> Company:
    """The signed-in user's company: every finance query is scoped to it."""
    company = signed_in_user().company
    assert company is not None  # the blueprint guard admits company staff only
    return company


def company_day() -> date:
    """The register's today (for due dates and aging): the company's, on its own clock."""
    return company_today(own_company())


def register_filter_from_request() -> tuple[RegisterFilterForm, RegisterFilter]:
    """The filter in the URL, checked; a bad field is shown with its error and left out.

    The register page, its CSV and XLSX exports and its ZIP all read the same filter.
    """
    parties, currencies = filter_options(own_company().id)
    form = RegisterFilterForm(request.args, parties, currencies)
    if request.args:
        form.validate()
    return form, form.register_filter()
