"""Listing images, served from storage with the headers that keep them inert.

Anyone may fetch a photo by its key, signed in or not, whatever the listing's status:
the catalogue shows them to anonymous buyers, and a draft's photos are safe because keys
are 32 random characters that only the seller's own pages reveal. Files never change
under a key (a new upload gets a new one), so browsers may cache them for a year.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask.typing import ResponseReturnValue

from app.services.listings import images

bp = Blueprint("media", __name__, url_prefix="/media")

ONE_YEAR = 365 * 24 * 3600
# Should a stored file ever be read as a document, it may run nothing and load nothing.
MEDIA_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"


@bp.get("/<key>")
def serve(key: str) -> ResponseReturnValue:
    if request.if_none_match.contains(key) and images.is_media_key(key):
        # The key names the bytes for ever: a browser holding it has them.
        return Response(status=304, headers={"ETag": f'"{key}"'})
    chunks = images.media_stream(key)
    if chunks is None:
        abort(404)
    # Streamed from the file storage (a local directory or a bucket), never read whole.
    response = Response(chunks, mimetype=images.STORED_CONTENT_TYPE, direct_passthrough=True)
    response.headers["Content-Disposition"] = f"inline; filename={key}"
    response.set_etag(key)
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = MEDIA_CONTENT_SECURITY_POLICY
    return response
