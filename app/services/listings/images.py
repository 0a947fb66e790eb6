"""Listing photos: checked by content, re-encoded without metadata, stored under random names.

An upload is never trusted or kept as sent. Pillow must recognise it as JPEG, PNG or WebP
from its bytes (the file name and the browser's content type are ignored); its declared
size is checked before any pixel is decoded, so a small file that claims 50,000 x 50,000
pixels is refused without allocating them; then the pixels alone are re-encoded as WebP.
Whatever else the upload carried (EXIF with GPS position, camera serial numbers, ICC
profiles, comments, a PHP or HTML payload appended or hidden in a chunk) is not copied.

Files live on local disk under ``MEDIA_ROOT`` (default: ``<instance>/media``), flat, named
``<32 random characters>.webp``. Written files are not part of the database transaction:
if the transaction that adds an image rolls back, its two files stay behind as orphans
(harmless: nothing links to them, and the names cannot be guessed). Removal is the other
way round: files are deleted only after the commit, so a rolled-back removal loses nothing.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from app.extensions import db
from app.models import Product, ProductImage
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.errors import DomainError, NotAllowed, ValidationFailed
from app.services.jobs import after_commit
from app.services.listings.editing import require_listing_editor

MAX_IMAGES_PER_LISTING = 8
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# 40 megapixels covers any phone or camera photo a seller takes; decoded as RGBA that is
# 160 MB, the most one upload may cost. Pillow's own limit (89 MP, process-wide) stays in
# place as a backstop; ours is checked per call so no global setting is changed.
MAX_PIXELS = 40_000_000
STORED_MAX_SIDE = 2000
THUMBNAIL_MAX_SIDE = 400
# MPO is how Pillow names a JPEG carrying extra frames (many phone cameras write them).
_ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
_JPEG_VARIANTS = frozenset({"JPEG", "MPO"})
ACCEPTED_CONTENT_TYPES = "image/jpeg,image/png,image/webp"
STORED_CONTENT_TYPE = "image/webp"
_STORED_SUFFIX = ".webp"
_STORED_QUALITY = 82
_THUMBNAIL_QUALITY = 78
# secrets.token_urlsafe(24) gives exactly 32 URL-safe characters; nothing else is a key.
_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}\.webp")

NOT_AN_IMAGE = lazy_gettext(
    "This file is not a JPEG, PNG or WebP image. Upload a photo in one of those formats."
)
DAMAGED_IMAGE = lazy_gettext("This image could not be read: the file may be damaged.")
TOO_MANY_PIXELS = lazy_gettext(
    "This image has too many pixels (at most %(megapixels)d megapixels). Resize it and try again.",
    megapixels=MAX_PIXELS // 1_000_000,
)
TOO_MANY_BYTES = lazy_gettext("An image may be at most 5 MB. Resize or compress it and try again.")
TOO_MANY_IMAGES = lazy_gettext(
    "A listing has at most %(count)d photos. Remove one before adding another.",
    count=MAX_IMAGES_PER_LISTING,
)


class ImageNotFound(DomainError):
    """No photo of this listing has that key (the web layer answers 404)."""


@dataclass(frozen=True, slots=True)
class _Encoded:
    data: bytes
    width: int
    height: int


def media_root() -> Path:
    """Where listing photos are stored (``MEDIA_ROOT``, else ``<instance>/media``)."""
    configured = current_app.config.get("MEDIA_ROOT")
    return Path(configured) if configured else Path(current_app.instance_path) / "media"


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


def _read_capped(upload: bytes | IO[bytes]) -> bytes:
    """The upload's bytes, refused once they pass the limit (never reads more than limit + 1)."""
    data = upload if isinstance(upload, bytes) else upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(TOO_MANY_BYTES, "image")
    if not data:
        raise ValidationFailed(NOT_AN_IMAGE, "image")
    return data


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValidationFailed(TOO_MANY_PIXELS, "image")


def _decode(data: bytes) -> Image.Image:
    """The upload's first frame, fully decoded, if it is a JPEG, PNG or WebP of sane size.

    ``formats`` keeps every other Pillow plugin (GIF, PDF, EPS, ICO ...) from even looking
    at the bytes. ``verify()`` checks the structure (PNG chunk CRCs) but leaves the image
    unusable, hence the second open.
    """
    # WeasyPrint turns this on for the whole process when imported; a truncated upload must
    # be refused, never padded with grey, whatever was imported before.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        # Pillow only warns between its two thresholds; here any bomb suspicion refuses.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=_ACCEPTED_FORMATS) as probe:
                _check_pixels(probe)
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=_ACCEPTED_FORMATS)
            if image.format not in {*_ACCEPTED_FORMATS, *_JPEG_VARIANTS}:
                raise ValidationFailed(NOT_AN_IMAGE, "image")
            _check_pixels(image)
            if image.format in _JPEG_VARIANTS:
                # Decode a large JPEG at 1/2, 1/4 or 1/8 scale straight away: less memory.
                image.draft("RGB", (STORED_MAX_SIDE, STORED_MAX_SIDE))
            image.load()
        except ValidationFailed:
            raise
        except UnidentifiedImageError as exc:
            raise ValidationFailed(NOT_AN_IMAGE, "image") from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationFailed(TOO_MANY_PIXELS, "image") from exc
        except Exception as exc:
            # A crafted file can make a decoder fail in many ways (OSError, SyntaxError,
            # ValueError, struct.error, EOFError ...); each means "not an image we keep".
            raise ValidationFailed(DAMAGED_IMAGE, "image") from exc
    return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """Upright RGB(A) pixels with no metadata at all, at most STORED_MAX_SIDE on a side."""
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception as exc:  # a malformed EXIF block is part of a damaged upload
        raise ValidationFailed(DAMAGED_IMAGE, "image") from exc
    if upright.mode.startswith("I"):
        # 16-bit greyscale would clip to white when converted directly; scale to 8 bits.
        upright = upright.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    converted = upright.convert("RGBA" if has_alpha else "RGB")
    converted.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image built from raw pixels carries no info dict, EXIF, ICC profile or XMP.
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _encode(image: Image.Image, quality: int) -> _Encoded:
    buffer = io.BytesIO()
    # No exif/icc_profile/xmp arguments means none are written; said explicitly anyway.
    image.save(buffer, "WEBP", quality=quality, method=4, exif=b"", icc_profile=None, xmp="")
    return _Encoded(buffer.getvalue(), image.width, image.height)


def clean_picture(upload: bytes | IO[bytes]) -> bytes:
    """Any accepted upload (a listing photo, a bank slip) as a new WebP made from pixels only.

    Checked like listing photos: size cap, JPEG/PNG/WebP only, fully decoded, pixel-flood
    limit; refusals name the field ``image``.
    """
    return _encode(_pixels_only(_decode(_read_capped(upload))), _STORED_QUALITY).data


def _reencode(data: bytes) -> tuple[_Encoded, _Encoded]:
    """The stored photo and its thumbnail, both new WebP files made from pixels only."""
    pixels = _pixels_only(_decode(data))
    thumbnail = pixels.copy()
    thumbnail.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE), Image.Resampling.LANCZOS)
    return _encode(pixels, _STORED_QUALITY), _encode(thumbnail, _THUMBNAIL_QUALITY)


def _new_key() -> str:
    return secrets.token_urlsafe(24) + _STORED_SUFFIX


def _write_atomically(root: Path, key: str, data: bytes) -> None:
    """Write to a temporary file in the same directory, then rename: never a half file."""
    descriptor, temporary = tempfile.mkstemp(dir=root, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # Photos are public once linked; a front web server may serve this directory.
        os.chmod(temporary, 0o644)
        os.replace(temporary, root / key)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _delete_files(root: str, keys: Iterable[str]) -> None:
    for key in keys:
        with contextlib.suppress(FileNotFoundError):
            (Path(root) / key).unlink()


def _store(photo: _Encoded, thumbnail: _Encoded) -> tuple[str, str]:
    root = media_root()
    root.mkdir(parents=True, exist_ok=True)
    photo_key, thumbnail_key = _new_key(), _new_key()
    _write_atomically(root, photo_key, photo.data)
    try:
        _write_atomically(root, thumbnail_key, thumbnail.data)
    except BaseException:
        _delete_files(str(root), [photo_key])
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
    photo, thumbnail = _reencode(_read_capped(upload))
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
    after_commit(_delete_files, str(media_root()), [image.storage_key, image.thumbnail_key])


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


def open_media(key: str) -> Path | None:
    """The stored file named ``key``, or None for any other name (no path ever escapes).

    Only names of the exact shape we generate are considered, so ``..``, slashes, the
    temporary ``.upload-*`` files and anything else answer None before the disk is read.
    """
    if not is_media_key(key):
        return None
    root = media_root().resolve()
    path = (root / key).resolve()
    if path.parent != root or not path.is_file():
        return None
    return path
