"""Listing photos: checked and re-made from pixels (``app.services.pictures``), then stored.

Files live in the file storage (``app.services.files.storage``: a local directory or an
S3 bucket every web machine reads), flat, named ``<32 random characters>.webp``. Written
files are not part of the database transaction: if the transaction that adds an image
rolls back, its two files stay behind as orphans (nothing links to them, the names cannot
be guessed, and the nightly sweep removes them). Removal is the other way round: files are
deleted only after the commit, so a rolled-back removal loses nothing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Iterator
from typing import IO

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Product, ProductImage
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.errors import DomainError, NotAllowed, ValidationFailed
from app.services.files.storage import file_storage
from app.services.jobs import after_commit
from app.services.listings.editing import require_listing_editor
from app.services.pictures import (
    ACCEPTED_CONTENT_TYPES,
    DAMAGED_IMAGE,
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    NOT_AN_IMAGE,
    STORED_CONTENT_TYPE,
    THUMBNAIL_MAX_SIDE,
    TOO_MANY_BYTES,
    TOO_MANY_PIXELS,
    Encoded,
    clean_picture,
    read_capped,
    reencode,
)

MAX_IMAGES_PER_LISTING = 8
_STORED_SUFFIX = ".webp"
# secrets.token_urlsafe(24) gives exactly 32 URL-safe characters; nothing else is a key.
_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}\.webp")

TOO_MANY_IMAGES = lazy_gettext(
    "A listing has at most %(count)d photos. Remove one before adding another.",
    count=MAX_IMAGES_PER_LISTING,
)


__all__ = [
    "ACCEPTED_CONTENT_TYPES",
    "DAMAGED_IMAGE",
    "MAX_IMAGES_PER_LISTING",
    "MAX_PIXELS",
    "MAX_UPLOAD_BYTES",
    "NOT_AN_IMAGE",
    "STORED_CONTENT_TYPE",
    "THUMBNAIL_MAX_SIDE",
    "TOO_MANY_BYTES",
    "TOO_MANY_IMAGES",
    "TOO_MANY_PIXELS",
    "ImageNotFound",
    "add_listing_image",
    "can_edit_images",
    "clean_picture",
    "is_media_key",
    "media_stream",
    "move_listing_image",
    "remove_listing_image",
]


class ImageNotFound(DomainError):
    """No photo of this listing has that key (the web layer answers 404)."""


def _require_listing_editor(actor: Actor, product: Product) -> None:
    if require_listing_editor(actor) != product.seller_id:
        raise NotAllowed(lazy_gettext("This listing belongs to another company."))


def can_edit_images(actor: Actor, product: Product) -> bool:
    """Whether ``actor`` may add, move and remove this listing's photos (pages hide buttons)."""
    try:
        _require_listing_editor(actor, product)
    except NotAllowed:
        return False
    return True


def _new_key() -> str:
    return secrets.token_urlsafe(24) + _STORED_SUFFIX


def _delete_files(keys: Iterable[str]) -> None:
    storage = file_storage()
    for key in keys:
        storage.delete(key)


def _store(photo: Encoded, thumbnail: Encoded) -> tuple[str, str]:
    storage = file_storage()
    photo_key, thumbnail_key = _new_key(), _new_key()
    storage.put(photo_key, photo.data, STORED_CONTENT_TYPE)
    try:
        storage.put(thumbnail_key, thumbnail.data, STORED_CONTENT_TYPE)
    except BaseException:
        _delete_files([photo_key])
        raise
    return photo_key, thumbnail_key


def _lock_images(product: Product) -> list[ProductImage]:
    """The listing's photos, read under a lock on the listing row.

    Two uploads at once would otherwise both see seven photos and both add an eighth.
    (SQLite has no row locks but lets one writer at a time through.)
    """
    db.session.execute(select(Product.id).where(Product.id == product.id).with_for_update())
    db.session.expire(product, ["images"])
    return list(product.images)


def _renumber(images: list[ProductImage]) -> None:
    for position, image in enumerate(images):
        image.position = position


def add_listing_image(actor: Actor, product: Product, upload: bytes | IO[bytes]) -> ProductImage:
    """Check, re-encode and store one photo as the listing's last; flushes, never commits.

    Raises NotAllowed for anyone but the owner or sales staff of the listing's company,
    ValidationFailed for a ninth photo, an upload over 5 MB, anything Pillow does not
    recognise as JPEG, PNG or WebP, a damaged image or one of more than MAX_PIXELS.
    """
    _require_listing_editor(actor, product)
    existing = _lock_images(product)
    if len(existing) >= MAX_IMAGES_PER_LISTING:
        raise ValidationFailed(TOO_MANY_IMAGES, "image")
    photo, thumbnail = reencode(read_capped(upload))
    photo_key, thumbnail_key = _store(photo, thumbnail)
    image = ProductImage(
        position=max((image.position for image in existing), default=-1) + 1,
        storage_key=photo_key,
        thumbnail_key=thumbnail_key,
        content_type=STORED_CONTENT_TYPE,
        width=photo.width,
        height=photo.height,
        byte_size=len(photo.data),
    )
    product.images.append(image)
    product.updated_at = utcnow()
    db.session.flush()
    return image


def _find(product: Product, key: str) -> ProductImage:
    for image in product.images:
        if image.storage_key == key:
            return image
    raise ImageNotFound(lazy_gettext("This photo is not part of the listing."))


def remove_listing_image(actor: Actor, product: Product, image_public_key: str) -> None:
    """Remove a photo (by its storage key); its files are deleted once the removal commits."""
    _require_listing_editor(actor, product)
    _lock_images(product)
    image = _find(product, image_public_key)
    product.images.remove(image)
    _renumber(list(product.images))
    product.updated_at = utcnow()
    db.session.flush()
    after_commit(_delete_files, [image.storage_key, image.thumbnail_key])


def move_listing_image(actor: Actor, product: Product, key: str, direction: int) -> None:
    """Swap a photo with its neighbour: ``direction`` -1 moves it earlier, +1 later.

    The first photo is the one the catalogue shows. Moving past either end does nothing.
    """
    if direction not in (-1, 1):
        raise ValueError(direction)
    _require_listing_editor(actor, product)
    images = _lock_images(product)
    image = _find(product, key)
    index = images.index(image)
    target = index + direction
    if not 0 <= target < len(images):
        return
    images[index], images[target] = images[target], images[index]
    _renumber(images)
    product.updated_at = utcnow()
    db.session.flush()
    # The collection keeps its load order until expired; let the next read sort afresh.
    db.session.expire(product, ["images"])


def is_media_key(key: str) -> bool:
    return _KEY_PATTERN.fullmatch(key) is not None


def media_stream(key: str) -> Iterator[bytes] | None:
    """The stored photo named ``key`` in chunks, or None for any other name.

    Only names of the exact shape we generate are considered, so ``..``, slashes, the
    temporary ``.upload-*`` files and anything else answer None before storage is asked.
    """
    if not is_media_key(key):
        return None
    storage = file_storage()
    if not storage.exists(key):
        return None
    return storage.stream(key)
