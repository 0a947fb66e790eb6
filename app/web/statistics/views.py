"""/statistics: public tables and charts, the same figures as CSV and JSON, and the
company's own share. Views parse the URL and render; every figure comes from
``app.services.statistics.publication`` through its disclosure control."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_percent
from flask_login import current_user

from app.extensions import login_manager
from app.services.accounts import clock
from app.services.accounts.capabilities import Action, can
from app.services.statistics.company_view import company_flows
from app.services.statistics.disclosure import RULES
from app.services.statistics.publication import Measure, Publication, published_tables
from app.web.guards import signed_in_user
from app.web.statistics import labels
from app.web.statistics.query_args import parse_statistics_args, query_args
from app.web.statistics.tables import as_csv, as_json, grid, measure_value

bp = Blueprint("statistics", __name__, url_prefix="/statistics")


@bp.app_template_filter("percent")
def percent(share: Decimal) -> str:
    """A share (0.3333) as the reader's locale writes a percentage (33.3 %)."""
    return str(format_percent(share, format="#,##0.0%"))


def today() -> date:
    """UTC's calendar day: the lag counts months of the platform, not of a company."""
    return clock.company_today(None)


def chart_data(publication: Publication) -> dict[str, Any]:
    """The totals by month and by row for the charts; confidential figures are gaps."""
    query = publication.query
    monthly = publication.monthly

    def point(row: str | None, column: date | None) -> str | None:
        figure = monthly.figure(row, column)
        if figure.confidential and publication.disclosed:
            return None
        return str(measure_value(figure, query.measure))

    return {
        "measure": str(labels.MEASURES[query.measure]),
        "confidential": labels.confidential(),
        "months": {
            "labels": [labels.month_label(month) for month in monthly.columns],
            "values": [point(None, month) for month in monthly.columns],
        },
        "rows": {
            "labels": [labels.short_row_label(query.by, row) for row in monthly.rows],
            "values": [point(row, None) for row in monthly.rows],
        },
    }


def render_publication(publication: Publication, template: str, **extra: Any) -> str:
    query = publication.query
    return render_template(
        template,
        publication=publication,
        query=query,
        monthly=grid(publication.monthly, query.measure, publication.disclosed, by=query.by),
        restricted=grid(
            publication.restricted, query.measure, publication.disclosed, by=query.by, yearly=True
        ),
        chart=chart_data(publication),
        labels=labels,
        args=query_args(query),
        query_args=query_args,
        rules=RULES,
        Measure=Measure,
        **extra,
    )


@bp.get("")
def index() -> ResponseReturnValue:
    query = parse_statistics_args(request.args)
    return render_publication(published_tables(query, today()), "statistics/index.html")


@bp.get("/download.json")
def download_json() -> ResponseReturnValue:
    publication = published_tables(parse_statistics_args(request.args), today())
    response = jsonify(as_json(publication))
    response.headers["Content-Disposition"] = "attachment; filename=corridor-trade-statistics.json"
    return response


@bp.get("/download.csv")
def download_csv() -> ResponseReturnValue:
    publication = published_tables(parse_statistics_args(request.args), today())
    return Response(
        as_csv(publication),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=corridor-trade-statistics.csv"},
    )


@bp.get("/company")
def company() -> ResponseReturnValue:
    """The signed-in company's own trade by heading beside the corridor's public totals."""
    if not current_user.is_authenticated:
        unauthorized: ResponseReturnValue = login_manager.unauthorized()
        return unauthorized
    user = signed_in_user()
    if user.company_id is None or not can(user, Action.READ_OWN_TRADE_STATISTICS):
        abort(403)
    query = parse_statistics_args(request.args)
    flows = company_flows(user.company_id, query.year, today())
    return render_template(
        "statistics/company.html",
        flows=flows,
        labels=labels,
    )
