"""The register's ZIP of PDFs: asked for from the register, followed on its own page (a
progress bar the page script refreshes from the status JSON), then downloaded.

Routes live on the finance blueprint, so the same guard admits owners and finance staff
only; every export is looked up within the signed-in user's company (anyone else's: 404).
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, gettext, ngettext

from app.models.base import utcnow
from app.models.finance import ExportStatus, RegisterExport
from app.services.audit.recording import record_audit
from app.services.finance.register_zip import company_export, is_expired, start_export, zip_chunks
from app.web.boundary import attempt
from app.web.finance.blueprint import bp, company_day, own_company, register_filter_from_request
from app.web.guards import acting

NO_STORE = "private, no-store"


def _export(public_id: str) -> RegisterExport:
    """This company's export ``public_id``; 404 for anyone else's or an unknown one."""
    export = company_export(own_company().id, public_id)
    if export is None:
        abort(404)
    return export


def _size(byte_size: int) -> str:
    if byte_size < 1_000_000:
        return str(
            gettext("%(size)s kB", size=format_decimal(max(byte_size / 1000, 0.1), "#,##0.#"))
        )
    return str(gettext("%(size)s MB", size=format_decimal(byte_size / 1_000_000, "#,##0.0")))


def _status_line(export: RegisterExport) -> str:
    """What the page says under the bar (the page and the status JSON share it)."""
    if export.status is ExportStatus.QUEUED:
        return str(gettext("Waiting for a worker to start…"))
    if export.status is ExportStatus.RUNNING:
        return str(
            gettext("Adding PDFs: %(done)d of %(total)d.", done=export.done, total=export.total)
        )
    if export.status is ExportStatus.DONE:
        return str(
            ngettext(
                "Ready: %(num)d PDF and a manifest of SHA-256 digests, %(size)s.",
                "Ready: %(num)d PDFs and a manifest of SHA-256 digests, %(size)s.",
                export.total,
                size=_size(export.byte_size or 0),
            )
        )
    return str(gettext("The ZIP could not be built."))


def _state(export: RegisterExport) -> dict[str, Any]:
    done = export.status is ExportStatus.DONE
    state = {
        "status": export.status.value,
        "done": export.done,
        "total": export.total,
        "percent": export.percent,
        "download_url": url_for("finance.zip_export_download", public_id=export.public_id)
        if done
        else None,
        "error": export.error,
        "message": _status_line(export),
    }
    if is_expired(export):
        state["status"] = ExportStatus.FAILED.value
        state["download_url"] = None
        state["error"] = gettext("Build it again to download it.")
        state["message"] = gettext("This ZIP was deleted a week after it was built.")
    elif export.is_abandoned(utcnow()):
        # Shown as failed, so the page stops waiting and offers to start again.
        state["status"] = ExportStatus.FAILED.value
        state["error"] = gettext("The build stopped before it finished. Try again.")
        state["message"] = gettext("The ZIP could not be built.")
    return state


@bp.post("/exports/zip")
def start_zip_export() -> ResponseReturnValue:
    """The register's ZIP button: the filter comes in the query string, as on the register."""
    _, chosen = register_filter_from_request()
    started = attempt(
        lambda: start_export(acting(), own_company(), chosen, company_day()), flash_refusal=False
    )
    if started.value is None:
        # Nothing to build for this filter: back to the register, filter kept, with why.
        flash(str(started.error), "warning")
        args: dict[str, Any] = chosen.to_args()
        return redirect(url_for("finance.register", **args))
    # The build job is queued, and starts once the boundary commits the export.
    return redirect(url_for("finance.zip_export", public_id=started.value.public_id))


@bp.get("/exports/<public_id>")
def zip_export(public_id: str) -> ResponseReturnValue:
    export = _export(public_id)
    return render_template("finance/export.html", export=export, state=_state(export))


@bp.get("/exports/<public_id>.json")
def zip_export_status(public_id: str) -> ResponseReturnValue:
    response = jsonify(_state(_export(public_id)))
    response.headers["Cache-Control"] = NO_STORE
    return response


@bp.get("/exports/<public_id>/download")
def zip_export_download(public_id: str) -> ResponseReturnValue:
    export = _export(public_id)
    chunks = zip_chunks(export)
    if chunks is None:
        abort(404)
    record_audit(
        acting(),
        "register.zip_downloaded",
        object_type="register_export",
        object_id=export.public_id,
        details={"documents": export.total, "bytes": export.byte_size},
    )
    # Streamed from the file storage in chunks: a register of thousands of PDFs is never
    # held in memory.
    response = Response(chunks, mimetype="application/zip", direct_passthrough=True)
    response.headers.set("Content-Disposition", "attachment", filename=export.filename)
    if export.byte_size is not None:
        response.content_length = export.byte_size
    response.headers["Cache-Control"] = NO_STORE
    return response
