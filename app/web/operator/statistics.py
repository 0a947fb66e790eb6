"""The operator's statistics: the cube unsuppressed (audited) and the restricted chapters."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from app.services.statistics import oversight
from app.services.statistics.disclosure import Hidden
from app.web.boundary import attempt
from app.web.forms import CorridorForm
from app.web.guards import acting
from app.web.operator.blueprint import bp
from app.web.statistics.query_args import parse_statistics_args
from app.web.statistics.views import render_publication, today

HIDDEN_LABELS = {
    Hidden.THRESHOLD.value: _l("too few firms"),
    Hidden.DOMINANCE.value: _l("dominated"),
    Hidden.SECONDARY.value: _l("protects another"),
    Hidden.RESTRICTED.value: _l("controlled chapter: yearly only"),
}


class RestrictChapterForm(CorridorForm):
    code = StringField(
        _l("HS chapter or heading"),
        validators=[Length(max=10)],
        description=_l("2 or 4 digits; a heading restricts its whole chapter."),
    )
    reason = StringField(_l("Reason"), validators=[Length(max=300)])


class LiftRestrictionForm(CorridorForm):
    pass


def _page(form: RestrictChapterForm) -> ResponseReturnValue:
    publication = oversight.unsuppressed_tables(
        acting(), parse_statistics_args(request.args), today()
    )
    return render_publication(
        publication,
        "operator/statistics.html",
        form=form,
        lift_form=LiftRestrictionForm(),
        named=oversight.restrictions(),
        hidden_labels=HIDDEN_LABELS,
    )


@bp.get("/statistics")
def statistics() -> ResponseReturnValue:
    return _page(RestrictChapterForm())


@bp.post("/statistics/restricted")
def restrict_chapter() -> ResponseReturnValue:
    form = RestrictChapterForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: oversight.restrict_chapter(
                acting(), form.code.data or "", form.reason.data or ""
            ),
            form,
        )
        if done.ok and done.value is not None:
            flash(
                gettext(
                    "Chapter %(chapter)s is now published by year only.", chapter=done.value.chapter
                ),
                "success",
            )
            return redirect(url_for("operator.statistics"))
    return _page(form)


@bp.post("/statistics/restricted/<chapter>/lift")
def lift_restriction(chapter: str) -> ResponseReturnValue:
    form = LiftRestrictionForm()
    if form.validate_on_submit():
        oversight.lift_restriction(acting(), chapter[:2])
        flash(
            gettext("Chapter %(chapter)s is published in full again.", chapter=chapter[:2]),
            "success",
        )
    return redirect(url_for("operator.statistics"))
