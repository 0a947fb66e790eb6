"""Bulk import and export of listings as CSV or XLSX (routes on the seller blueprint)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired

from app.services.accounts.capabilities import Action, can
from app.services.listings import importing as listing_import
from app.services.listings.importing import CONTENT_TYPES, ImportRejected, RowError
from app.web.boundary import attempt
from app.web.forms import CorridorForm
from app.web.guards import acting, signed_in_user
from app.web.seller.blueprint import bp


class ListingImportForm(CorridorForm):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[
            FileRequired(_l("Choose the file to import.")),
            FileAllowed(list(listing_import.FORMATS), _l("Upload a .csv or .xlsx file.")),
        ],
        description=_l(
            "At most %(rows)s listings and %(megabytes)d MB per file.",
            rows=f"{listing_import.MAX_ROWS:,}",
            megabytes=listing_import.MAX_FILE_BYTES // (1024 * 1024),
        ),
    )


def _download(data: bytes, stem: str, fmt: str) -> ResponseReturnValue:
    response = send_file(
        io.BytesIO(data),
        mimetype=CONTENT_TYPES[fmt],
        as_attachment=True,
        download_name=f"{stem}.{fmt}",
    )
    # A company's price list: not for shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _export(fmt: str) -> ResponseReturnValue:
    company_id = signed_in_user().company_id or 0
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    data = listing_import.export_listings(company_id, fmt)
    return _download(data, f"corridor-listings-{day}", fmt)


# One endpoint per format: the listings page links to these names.
@bp.get("/listings/export.csv")
def export_listings_csv() -> ResponseReturnValue:
    return _export("csv")


@bp.get("/listings/export.xlsx")
def export_listings_xlsx() -> ResponseReturnValue:
    return _export("xlsx")


@bp.get("/listings/template.csv")
def listing_template_csv() -> ResponseReturnValue:
    return _download(listing_import.listing_template("csv"), "corridor-listings-template", "csv")


@bp.get("/listings/template.xlsx")
def listing_template_xlsx() -> ResponseReturnValue:
    return _download(listing_import.listing_template("xlsx"), "corridor-listings-template", "xlsx")


@bp.route("/listings/import", methods=["GET", "POST"])
def import_listings() -> ResponseReturnValue:
    # Viewers may export (read) but not import (write): the import page is only shown to
    # those the capability table lets edit listings. The service asks again on import.
    if not can(signed_in_user(), Action.EDIT_LISTINGS):
        abort(403)
    form = ListingImportForm()
    report: list[RowError] = []
    problem_count = 0
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(listing_import.MAX_FILE_BYTES + 1)
        # A rejected file is explained by the report below, not by a flashed sentence.
        imported = attempt(
            lambda: listing_import.import_listings(acting(), data, upload.filename or ""),
            flash_refusal=False,
        )
        result = imported.value
        if isinstance(imported.error, ImportRejected):
            report, problem_count = imported.error.errors, imported.error.total
        elif imported.error is not None:
            flash(str(imported.error), "danger")
        elif result is not None:
            flash(
                gettext(
                    "Import finished: %(created)d new, %(updated)d updated and %(unchanged)d"
                    " unchanged listings.",
                    created=result.created,
                    updated=result.updated,
                    unchanged=result.unchanged,
                ),
                "success",
            )
            return redirect(url_for("seller.listings"))
    return render_template(
        "seller/import.html", form=form, report=report, problem_count=problem_count
    )
