"""Daily exchange rates the operator enters or imports (routes on the operator blueprint)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_timezone, gettext, ngettext

from app.models.base import utcnow
from app.services.finance import exchange_rate_import as rate_import
from app.services.finance import exchange_rates as rate_service
from app.services.finance.exchange_rate_import import ImportProblem
from app.services.finance.exchange_rates import RateInput
from app.web.boundary import attempt
from app.web.forms import page_number
from app.web.guards import acting
from app.web.operator.blueprint import bp
from app.web.operator.forms import ExchangeRateForm, ExchangeRateImportForm


def _today() -> date:
    # The operator's own date: at 02:00 in Karachi today's rate is dated a day after UTC's.
    # A rate dated ahead of UTC is harmless: invoices only take rates dated on or before
    # their own issue date.
    return utcnow().astimezone(get_timezone()).date()


def _page(
    form: ExchangeRateForm,
    import_form: ExchangeRateImportForm,
    report: list[ImportProblem] | None = None,
) -> ResponseReturnValue:
    rates, pages, page = rate_service.rates_page(page_number(request.args.get("page")))
    return render_template(
        "operator/exchange_rates.html",
        form=form,
        import_form=import_form,
        report=report or [],
        rates=rates,
        page=page,
        pages=pages,
        max_age=rate_service.max_rate_age(),
    )


@bp.route("/exchange-rates", methods=["GET", "POST"])
def exchange_rates() -> ResponseReturnValue:
    form = ExchangeRateForm()
    if not form.is_submitted():
        form.rate_date.data = _today()
    if form.validate_on_submit():
        data = RateInput(
            rate_date=form.rate_date.data,
            base=form.base.data or "",
            quote=form.quote.data or "",
            rate=form.rate.data or "",
            source=form.source.data or "",
        )
        recorded = attempt(lambda: rate_service.record_rate(acting(), data, _today()), form)
        if (stored := recorded.value) is not None:
            flash(
                gettext(
                    "Rate saved: on %(date)s one %(base)s costs %(rate)s %(quote)s.",
                    date=stored.rate_date.isoformat(),
                    base=stored.base,
                    rate=f"{stored.rate:f}",
                    quote=stored.quote,
                ),
                "success",
            )
            return redirect(url_for("operator.exchange_rates"))
    return _page(form, ExchangeRateImportForm(formdata=None))


@bp.post("/exchange-rates/import")
def import_exchange_rates() -> ResponseReturnValue:
    import_form = ExchangeRateImportForm()
    report: list[ImportProblem] = []
    if import_form.validate_on_submit():
        result = rate_import.import_rates(acting(), import_form.file.data.stream, _today())
        if result.ok:
            flash(
                ngettext(
                    "%(num)d exchange rate imported.",
                    "%(num)d exchange rates imported.",
                    result.stored,
                ),
                "success",
            )
            return redirect(url_for("operator.exchange_rates"))
        # A file with problems stores nothing (``import_rates`` checks every row before it
        # writes one), so this answer has nothing to commit.
        report = result.problems or []
    rate_form = ExchangeRateForm(formdata=None)
    rate_form.rate_date.data = _today()
    return _page(rate_form, import_form, report)
