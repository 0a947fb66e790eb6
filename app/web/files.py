"""Serving an uploaded file back: always as a download, never run by the browser."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, current_app

from app.models.stored_file import StoredFile
from app.services.files import stream_stored


def download_headers(response: Response, filename: str) -> Response:
    """Headers every served upload carries, whatever stored it.

    ``filename*`` (RFC 6266/5987) keeps Chinese and Urdu names; the plain ``filename`` is
    an ASCII fallback. ``nosniff`` and a sandboxing CSP stop a browser from treating the
    bytes as a page even if a check upstream were wrong.
    """
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def send_stored(stored: StoredFile) -> Response:
    """The file as a streamed download. The caller has already checked the viewer may see it."""
    response = current_app.response_class(
        stream_stored(stored), mimetype=stored.content_type, direct_passthrough=True
    )
    response.content_length = stored.byte_size
    return download_headers(response, stored.filename)
