"""Listing images: upload, reorder, remove (routes on the seller blueprint).

Every action answers with a redirect to the listing's edit page and a flashed message,
refusals included; only a listing of another company or a photo it does not have (404),
a viewer (403, the service's ``NotAllowed`` reaching the boundary) and a body over
MAX_CONTENT_LENGTH (413, answered by Flask before any view runs) stop elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import FileStorage
from wtforms import StringField
from wtforms.validators import AnyOf, DataRequired

from app.models import Product
from app.services.listings import images
from app.web.boundary import attempt
from app.web.forms import CorridorForm
from app.web.guards import acting
from app.web.seller.blueprint import bp, own_listing

_DIRECTIONS = {"earlier": -1, "later": 1}


class ListingImageForm(CorridorForm):
    """One photo; its type is judged from its content by the service, never its name."""

    image = FileField(
        _l("Add a photo"),
        validators=[FileRequired(_l("Choose a photo to upload."))],
        description=_l("JPEG, PNG or WebP, up to 5 MB. Photo data such as location is removed."),
        render_kw={"accept": images.ACCEPTED_CONTENT_TYPES},
    )
    # The gallery template says "3 of 8" and hides the form when full.
    max_images = images.MAX_IMAGES_PER_LISTING

    def may_edit(self, product: Product) -> bool:
        """For the gallery macro, which is imported without the template's context."""
        return images.can_edit_images(acting(), product)


class ImageMoveForm(CorridorForm):
    direction = StringField(validators=[DataRequired(), AnyOf(list(_DIRECTIONS))])


class ImageRemoveForm(CorridorForm):
    """The CSRF token only."""


def _back_to(product: Product) -> ResponseReturnValue:
    return redirect(url_for("seller.edit_listing", public_id=product.public_id))


def _photo_of(change: Callable[[], None]) -> None:
    """Run a change to one named photo; a key the listing does not have answers 404.

    ``ImageNotFound`` is no ``NotFound`` (the service names the photo, not a page), so it
    is turned into the 404 here; the boundary rolls the request back either way.
    """
    try:
        change()
    except images.ImageNotFound:
        abort(404)


@bp.post("/listings/<public_id>/images")
def upload_listing_image(public_id: str) -> ResponseReturnValue:
    product = own_listing(public_id)
    form = ListingImageForm()
    if not form.validate_on_submit():
        for message in form.image.errors or [gettext("Choose a photo to upload.")]:
            flash(str(message), "danger")
        return _back_to(product)
    upload: FileStorage = form.image.data
    # A refused photo (too large, not an image, one too many) is flashed above the gallery.
    if attempt(lambda: images.add_listing_image(acting(), product, upload.stream)).ok:
        flash(gettext("Photo added."), "success")
    return _back_to(product)


@bp.post("/listings/<public_id>/images/<key>/delete")
def delete_listing_image(public_id: str, key: str) -> ResponseReturnValue:
    product = own_listing(public_id)
    if not ImageRemoveForm().validate_on_submit():
        abort(400)
    _photo_of(lambda: images.remove_listing_image(acting(), product, key))
    flash(gettext("Photo removed."), "success")
    return _back_to(product)


@bp.post("/listings/<public_id>/images/<key>/move")
def move_listing_image(public_id: str, key: str) -> ResponseReturnValue:
    product = own_listing(public_id)
    form = ImageMoveForm()
    if not form.validate_on_submit():
        abort(400)
    direction = _DIRECTIONS[form.direction.data or ""]
    _photo_of(lambda: images.move_listing_image(acting(), product, key, direction))
    flash(gettext("Photo order saved."), "success")
    return _back_to(product)
