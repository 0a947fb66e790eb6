"""Pictures people upload (listing photos, bank slips): checked by content, re-made from pixels.

An upload is never trusted or kept as sent. Pillow must recognise it as JPEG, PNG or WebP
from its bytes (the file name and the browser's content type are ignored); its declared
size is checked before any pixel is decoded, so a small file that claims 50,000 x 50,000
pixels is refused without allocating them; then the pixels alone are re-encoded as WebP.
Whatever else the upload carried (EXIF with GPS position, camera serial numbers, ICC
profiles, comments, a PHP or HTML payload appended or hidden in a chunk) is not copied.

Apart from the listings (``app.services.listings.images``) so that the upload checks of
every area (``app.services.files.checks``) use it without depending on listings.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from flask_babel import lazy_gettext
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from app.services.errors import ValidationFailed

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
_STORED_QUALITY = 82
_THUMBNAIL_QUALITY = 78

NOT_AN_IMAGE = lazy_gettext(
    "This file is not a JPEG, PNG or WebP image. Upload a photo in one of those formats."
)
DAMAGED_IMAGE = lazy_gettext("This image could not be read: the file may be damaged.")
TOO_MANY_PIXELS = lazy_gettext(
    "This image has too many pixels (at most %(megapixels)d megapixels). Resize it and try again.",
    megapixels=MAX_PIXELS // 1_000_000,
)
TOO_MANY_BYTES = lazy_gettext("An image may be at most 5 MB. Resize or compress it and try again.")


@dataclass(frozen=True, slots=True)
class Encoded:
    data: bytes
    width: int
    height: int


def read_capped(upload: bytes | IO[bytes]) -> bytes:
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


def _encode(image: Image.Image, quality: int) -> Encoded:
    buffer = io.BytesIO()
    # No exif/icc_profile/xmp arguments means none are written; said explicitly anyway.
    image.save(buffer, "WEBP", quality=quality, method=4, exif=b"", icc_profile=None, xmp="")
    return Encoded(buffer.getvalue(), image.width, image.height)


def clean_picture(upload: bytes | IO[bytes]) -> bytes:
    """Any accepted upload (a listing photo, a bank slip) as a new WebP made from pixels only.

    Checked like listing photos: size cap, JPEG/PNG/WebP only, fully decoded, pixel-flood
    limit; refusals name the field ``image``.
    """
    return _encode(_pixels_only(_decode(read_capped(upload))), _STORED_QUALITY).data


def reencode(data: bytes) -> tuple[Encoded, Encoded]:
    """The stored photo and its thumbnail, both new WebP files made from pixels only."""
    pixels = _pixels_only(_decode(data))
    thumbnail = pixels.copy()
    thumbnail.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE), Image.Resampling.LANCZOS)
    return _encode(pixels, _STORED_QUALITY), _encode(thumbnail, _THUMBNAIL_QUALITY)
