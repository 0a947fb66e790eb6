"""The company's letterhead page: logo, authorised signatory and stamp on its documents.

Routes on the company blueprint (owner area). The pictures are stored through
``app.services.accounts.letterhead`` (cleaned from pixels) and offered back only to the
company's own people, as downloads.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import FileStorage
from wtforms import StringField
from wtforms.validators import Length

from app.services.accounts import letterhead as service
from app.services.pictures import ACCEPTED_CONTENT_TYPES
from app.web.boundary import attempt
from app.web.company.views import bp
from app.web.files import send_stored
from app.web.forms import CorridorForm
from app.web.guards import acting, signed_in_user


class SignatoryForm(CorridorForm):
    signatory_name = StringField(_l("Authorised signatory's name"), [Length(max=120)])
    signatory_title = StringField(
        _l("Title"), [Length(max=120)], description=_l("e.g. General Manager Exports")
    )
    signing_place = StringField(
        _l("Place of signing"),
        [Length(max=100)],
        description=_l("Printed beside the date; your city when left blank."),
    )


class PictureForm(CorridorForm):
    picture = FileField(
        _l("Picture"),
        validators=[FileRequired(_l("Choose a picture to upload."))],
        description=_l("JPEG, PNG or WebP, up to 5 MB. A transparent PNG prints best."),
        render_kw={"accept": ACCEPTED_CONTENT_TYPES},
    )


class RemoveForm(CorridorForm):
    """The CSRF token only."""


def _which(which: str) -> service.Picture:
    if which == "logo":
        return "logo"
    if which == "stamp":
        return "stamp"
    abort(404)


def _page(signatory_form: SignatoryForm | None = None) -> str:
    company = signed_in_user().company
    assert company is not None
    current = service.company_letterhead(company.id)
    form = signatory_form or SignatoryForm()
    if signatory_form is None and current is not None:
        form.signatory_name.data = current.signatory_name
        form.signatory_title.data = current.signatory_title
        form.signing_place.data = current.signing_place
    return render_template(
        "company/letterhead.html",
        form=form,
        letterhead=current,
        picture_forms={which: PictureForm(prefix=which) for which in service.PICTURES},
        remove_form=RemoveForm(),
    )


@bp.get("/letterhead")
def letterhead() -> ResponseReturnValue:
    return _page()


@bp.post("/letterhead")
def save_signatory() -> ResponseReturnValue:
    company = signed_in_user().company
    assert company is not None
    form = SignatoryForm()
    if form.validate_on_submit():
        signatory = service.Signatory(
            name=form.signatory_name.data,
            title=form.signatory_title.data,
            place=form.signing_place.data,
        )
        if attempt(lambda: service.set_signatory(acting(), company, signatory), form).ok:
            flash(gettext("Saved. Documents issued from now on carry the signatory."), "success")
            return redirect(url_for("company.letterhead"))
    return _page(form)


@bp.post("/letterhead/<which>")
def upload_picture(which: str) -> ResponseReturnValue:
    kind = _which(which)
    company = signed_in_user().company
    assert company is not None
    form = PictureForm(prefix=kind)
    if not form.validate_on_submit():
        for message in form.picture.errors or [gettext("Choose a picture to upload.")]:
            flash(str(message), "danger")
        return redirect(url_for("company.letterhead"))
    upload: FileStorage = form.picture.data
    outcome = attempt(
        lambda: service.set_picture(acting(), company, kind, upload.stream, upload.filename)
    )
    if outcome.ok:
        flash(gettext("Saved. Documents issued from now on print it."), "success")
    return redirect(url_for("company.letterhead"))


@bp.post("/letterhead/<which>/remove")
def remove_picture(which: str) -> ResponseReturnValue:
    kind = _which(which)
    company = signed_in_user().company
    assert company is not None
    if not RemoveForm().validate_on_submit():
        abort(400)
    if attempt(lambda: service.remove_picture(acting(), company, kind)).ok:
        flash(gettext("Removed. Documents already issued keep it."), "success")
    return redirect(url_for("company.letterhead"))


@bp.get("/letterhead/<which>")
def picture(which: str) -> ResponseReturnValue:
    """The stored picture, for the company's own people to check (a download)."""
    kind = _which(which)
    company_id = signed_in_user().company_id or 0
    current = service.company_letterhead(company_id)
    stored = getattr(current, kind) if current is not None else None
    if stored is None:
        abort(404)
    return send_stored(stored)
