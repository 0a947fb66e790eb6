"""Listing photos: what the image service accepts, what it refuses and what it stores.

Images are made in memory with Pillow (or byte by byte, for the hostile ones) and written
to a temporary MEDIA_ROOT (the images come from ``tests.support.images``).
"""

from __future__ import annotations

import io
import resource
from pathlib import Path

import pytest
from flask import Flask
from PIL import ExifTags, Image, PngImagePlugin
from sqlalchemy import func, select

from app.database import commit
from app.extensions import db
from app.models import CompanyRole, Product, ProductImage, User
from app.services.audit.recording import Actor
from app.services.errors import NotAllowed, ValidationFailed
from app.services.files.storage import LocalStorage
from app.services.listings import images
from tests.factories import CompanyFactory, ProductFactory, UserFactory
from tests.support.images import (
    CAMERA_MAKE,
    HTML_PAYLOAD,
    PHP_PAYLOAD,
    SVG,
    encoded,
    jpeg,
    noise_png,
    picture,
    png,
    png_declaring,
    stored,
    tell_tale_exif,
    webp,
)

# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def media(app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    # Photos go to the file storage: here a directory of the test's own.
    monkeypatch.setitem(app.extensions, "corridor_file_storage", LocalStorage(tmp_path / "media"))
    return tmp_path / "media"


@pytest.fixture
def seller(app_ctx: None) -> User:
    user: User = UserFactory(company_role=CompanyRole.SALES)
    return user


@pytest.fixture
def listing(seller: User) -> Product:
    product: Product = ProductFactory(seller=seller.company, title="Emulsion explosive 25 kg")
    return product


def as_actor(user: User) -> Actor:
    return Actor(user, "203.0.113.7")


def files_in(root: Path) -> list[Path]:
    return sorted(root.iterdir()) if root.exists() else []


def image_count(product: Product) -> int:
    query = select(func.count()).select_from(ProductImage)
    return db.session.scalar(query.where(ProductImage.product_id == product.id)) or 0


# --- accepted photos --------------------------------------------------------------------


@pytest.mark.parametrize("build", [jpeg, png, webp], ids=["jpeg", "png", "webp"])
def test_jpeg_png_and_webp_are_stored_re_encoded_with_a_smaller_thumbnail(
    build: object, seller: User, listing: Product, media: Path
) -> None:
    upload = build(size=(1200, 900))  # type: ignore[operator]

    image = images.add_listing_image(as_actor(seller), listing, upload)

    photo = stored(image.storage_key, media)
    thumbnail = stored(image.thumbnail_key, media)
    assert photo.format == "WEBP" and thumbnail.format == "WEBP"
    assert photo.size == (1200, 900) == (image.width, image.height)
    assert max(thumbnail.size) == images.THUMBNAIL_MAX_SIDE
    assert thumbnail.size == (400, 300)
    assert (media / image.thumbnail_key).stat().st_size < (media / image.storage_key).stat().st_size
    assert image.byte_size == (media / image.storage_key).stat().st_size
    assert image.content_type == "image/webp"
    assert (media / image.storage_key).read_bytes() != upload
    assert image in listing.images and image.position == 0


def test_stored_names_are_random_and_the_only_files_written(
    seller: User, listing: Product, media: Path
) -> None:
    first = images.add_listing_image(as_actor(seller), listing, jpeg())
    second = images.add_listing_image(as_actor(seller), listing, jpeg())

    keys = {first.storage_key, first.thumbnail_key, second.storage_key, second.thumbnail_key}
    assert len(keys) == 4
    assert all(images.is_media_key(key) for key in keys)
    # No temporary file is left behind by the atomic write.
    assert {path.name for path in files_in(media)} == keys
    assert (first.position, second.position) == (0, 1)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_with_gps_and_camera_is_stripped_and_orientation_applied(
    fmt: str, seller: User, listing: Product, media: Path
) -> None:
    # Orientation 6: the camera was turned; the 300x200 sensor image is shown 200x300.
    upload = encoded(picture((300, 200)), fmt, exif=tell_tale_exif(orientation=6))
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    image = images.add_listing_image(as_actor(seller), listing, upload)

    for key in (image.storage_key, image.thumbnail_key):
        kept = stored(key, media)
        assert dict(kept.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(kept.info)
        raw = (media / key).read_bytes()
        assert CAMERA_MAKE.encode() not in raw
        assert b"Exif" not in raw and b"EXIF" not in raw
    assert (image.width, image.height) == (200, 300)


def test_icc_profile_and_comment_are_not_kept(seller: User, listing: Product, media: Path) -> None:
    upload = jpeg(icc_profile=b"fake-icc-profile-bytes" * 10, comment=b"Shot at plant 4")

    image = images.add_listing_image(as_actor(seller), listing, upload)

    raw = (media / image.storage_key).read_bytes()
    assert b"fake-icc-profile" not in raw and b"plant 4" not in raw


def test_transparency_of_a_png_survives(seller: User, listing: Product, media: Path) -> None:
    cut_out = picture((200, 200), mode="RGBA")
    cut_out.putpixel((0, 0), (0, 0, 0, 0))

    image = images.add_listing_image(as_actor(seller), listing, encoded(cut_out, "PNG"))

    kept = stored(image.storage_key, media)
    assert kept.mode == "RGBA"
    assert kept.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert kept.getpixel((100, 100))[3] == 255  # type: ignore[index]


def test_sixteen_bit_greyscale_keeps_its_tones(seller: User, listing: Product, media: Path) -> None:
    mid_grey = Image.new("I;16", (64, 64), 32768)

    image = images.add_listing_image(as_actor(seller), listing, encoded(mid_grey, "PNG"))

    red, green, blue = stored(image.storage_key, media).convert("RGB").getpixel((32, 32))  # type: ignore[misc]
    assert 120 <= red <= 136 and red == green == blue


def test_a_large_photo_is_scaled_down_to_the_stored_limit(
    seller: User, listing: Product, media: Path
) -> None:
    image = images.add_listing_image(as_actor(seller), listing, jpeg(size=(4000, 2000)))

    assert (image.width, image.height) == (2000, 1000)
    assert stored(image.storage_key, media).size == (2000, 1000)


def test_exactly_5_mb_is_accepted_one_byte_more_is_not(
    seller: User, listing: Product, media: Path
) -> None:
    # Bytes after a JPEG's end marker are ignored by decoders: a valid photo of any size.
    photo = jpeg()
    at_limit = photo + b"\x00" * (images.MAX_UPLOAD_BYTES - len(photo))

    images.add_listing_image(as_actor(seller), listing, at_limit)
    with pytest.raises(ValidationFailed) as refused:
        images.add_listing_image(as_actor(seller), listing, at_limit + b"\x00")

    assert refused.value.message == images.TOO_MANY_BYTES
    assert image_count(listing) == 1


# --- refused uploads --------------------------------------------------------------------


def _refusal(seller: User, listing: Product, upload: bytes | io.BytesIO) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        images.add_listing_image(as_actor(seller), listing, upload)
    return refused.value


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(PHP_PAYLOAD, id="php-script"),
        pytest.param(SVG, id="svg-with-script"),
        pytest.param(HTML_PAYLOAD, id="html"),
        pytest.param(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", id="pdf"),
        pytest.param(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;" + PHP_PAYLOAD, id="gif-php-polyglot"),
        pytest.param(encoded(picture((32, 32)), "GIF"), id="real-gif"),
        pytest.param(encoded(picture((32, 32)), "BMP"), id="real-bmp"),
        pytest.param(encoded(picture((32, 32)), "TIFF"), id="real-tiff"),
        pytest.param(b"", id="empty"),
    ],
)
def test_anything_but_jpeg_png_or_webp_is_refused_and_nothing_is_stored(
    upload: bytes, seller: User, listing: Product, media: Path
) -> None:
    refusal = _refusal(seller, listing, upload)

    assert refusal.message == images.NOT_AN_IMAGE
    assert "JPEG, PNG or WebP" in str(refusal)
    assert image_count(listing) == 0
    assert files_in(media) == []


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(png()[:-200], id="truncated-png"),
        pytest.param(jpeg()[: len(jpeg()) // 2], id="truncated-jpeg"),
        # Inside the first IDAT chunk's data: the header parses, the checksum does not match.
        pytest.param(png()[:60] + b"\xff" * 8 + png()[68:], id="png-bad-crc"),
    ],
)
def test_a_damaged_image_is_refused(
    upload: bytes, seller: User, listing: Product, media: Path
) -> None:
    assert _refusal(seller, listing, upload).message == images.DAMAGED_IMAGE
    assert files_in(media) == []


def test_php_in_a_jpeg_comment_is_not_in_the_stored_files(
    seller: User, listing: Product, media: Path
) -> None:
    polyglot = jpeg(comment=PHP_PAYLOAD, exif=tell_tale_exif()) + HTML_PAYLOAD
    assert PHP_PAYLOAD in polyglot

    image = images.add_listing_image(as_actor(seller), listing, polyglot)

    for key in (image.storage_key, image.thumbnail_key):
        raw = (media / key).read_bytes()
        assert PHP_PAYLOAD not in raw and b"<?php" not in raw and b"<script" not in raw


def test_a_png_carrying_php_in_a_text_chunk_and_html_after_its_end_is_cleaned(
    seller: User, listing: Product, media: Path
) -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", PHP_PAYLOAD.decode())
    polyglot = png(pnginfo=text) + HTML_PAYLOAD

    image = images.add_listing_image(as_actor(seller), listing, polyglot)

    raw = (media / image.storage_key).read_bytes()
    assert b"<?php" not in raw and b"<script" not in raw


def test_6_mb_image_is_refused_before_it_is_decoded(
    seller: User, listing: Product, media: Path
) -> None:
    upload = noise_png(6 * 1024 * 1024)

    assert _refusal(seller, listing, upload).message == images.TOO_MANY_BYTES
    assert _refusal(seller, listing, io.BytesIO(upload)).message == images.TOO_MANY_BYTES
    assert files_in(media) == []


def test_an_endless_stream_is_read_only_up_to_the_limit(
    seller: User, listing: Product, media: Path
) -> None:
    class Endless(io.RawIOBase):
        requested = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            assert size >= 0, "the service must never read an upload to its end"
            self.requested += size
            return b"\xff" * size

    stream = Endless()

    assert _refusal(seller, listing, stream).message == images.TOO_MANY_BYTES  # type: ignore[arg-type]
    assert stream.requested == images.MAX_UPLOAD_BYTES + 1


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


@pytest.mark.parametrize(
    ("width", "height", "complete"),
    [
        pytest.param(50_000, 50_000, False, id="50000x50000-declared"),  # Pillow's bomb error
        pytest.param(10_000, 10_000, False, id="10000x10000-declared"),  # Pillow's warning zone
        pytest.param(7_000, 7_000, True, id="7000x7000-valid"),  # under Pillow's, over ours
    ],
)
def test_pixel_flood_is_refused_without_decoding(
    width: int, height: int, complete: bool, seller: User, listing: Product, media: Path
) -> None:
    flood = png_declaring(width, height, complete=complete)
    assert len(flood) < 64 * 1024
    before = _peak_rss_mib()

    refusal = _refusal(seller, listing, flood)

    assert refusal.message == images.TOO_MANY_PIXELS
    assert "40 megapixels" in str(refusal)
    # Decoding even the smallest of these as RGB would take 147 MB.
    assert _peak_rss_mib() - before < 100
    assert files_in(media) == []


def test_an_image_just_under_the_pixel_limit_is_accepted(
    seller: User, listing: Product, media: Path
) -> None:
    image = images.add_listing_image(
        as_actor(seller), listing, png_declaring(6000, 6000, complete=True)
    )

    assert (image.width, image.height) == (2000, 2000)


def test_the_ninth_photo_is_refused(seller: User, listing: Product, media: Path) -> None:
    small = jpeg(size=(64, 64))
    for _ in range(images.MAX_IMAGES_PER_LISTING):
        images.add_listing_image(as_actor(seller), listing, small)

    refusal = _refusal(seller, listing, small)

    assert refusal.message == images.TOO_MANY_IMAGES
    assert "at most 8 photos" in str(refusal)
    assert image_count(listing) == 8
    assert len(files_in(media)) == 16


# --- who may change photos ----------------------------------------------------------------


@pytest.mark.parametrize("role", [CompanyRole.VIEWER, CompanyRole.PURCHASER, CompanyRole.FINANCE])
def test_staff_without_editing_rights_may_not_add_photos(
    role: CompanyRole, listing: Product, media: Path
) -> None:
    colleague: User = UserFactory(company=listing.seller, company_role=role)

    with pytest.raises(NotAllowed):
        images.add_listing_image(as_actor(colleague), listing, jpeg())

    assert not images.can_edit_images(as_actor(colleague), listing)
    assert files_in(media) == []


def test_another_companys_sales_staff_may_not_touch_the_listing(
    seller: User, listing: Product, media: Path
) -> None:
    image = images.add_listing_image(as_actor(seller), listing, jpeg())
    stranger: User = UserFactory(company=CompanyFactory(), company_role=CompanyRole.SALES)

    with pytest.raises(NotAllowed):
        images.add_listing_image(as_actor(stranger), listing, jpeg())
    with pytest.raises(NotAllowed):
        images.remove_listing_image(as_actor(stranger), listing, image.storage_key)
    with pytest.raises(NotAllowed):
        images.move_listing_image(as_actor(stranger), listing, image.storage_key, 1)

    assert images.can_edit_images(as_actor(seller), listing)
    assert image_count(listing) == 1


# --- removing and reordering ------------------------------------------------------------


def test_removed_photo_files_are_deleted_only_once_the_removal_commits(
    seller: User, listing: Product, media: Path
) -> None:
    first, second, third = (
        images.add_listing_image(as_actor(seller), listing, jpeg()) for _ in range(3)
    )
    gone = {second.storage_key, second.thumbnail_key}

    images.remove_listing_image(as_actor(seller), listing, second.storage_key)
    assert gone <= {path.name for path in files_in(media)}  # a rollback would still find them
    commit()

    assert not gone & {path.name for path in files_in(media)}
    assert [(image.storage_key, image.position) for image in listing.images] == [
        (first.storage_key, 0),
        (third.storage_key, 1),
    ]


def test_removing_a_photo_of_another_listing_is_not_found(
    seller: User, listing: Product, media: Path
) -> None:
    other_listing: Product = ProductFactory(seller=seller.company)
    other = images.add_listing_image(as_actor(seller), other_listing, jpeg())

    with pytest.raises(images.ImageNotFound):
        images.remove_listing_image(as_actor(seller), listing, other.storage_key)

    assert image_count(other_listing) == 1


def test_moving_a_photo_changes_which_one_the_catalogue_shows_first(
    seller: User, listing: Product, media: Path
) -> None:
    first, second, third = (
        images.add_listing_image(as_actor(seller), listing, jpeg()) for _ in range(3)
    )

    images.move_listing_image(as_actor(seller), listing, third.storage_key, -1)
    images.move_listing_image(as_actor(seller), listing, third.storage_key, -1)
    images.move_listing_image(as_actor(seller), listing, third.storage_key, -1)  # already first

    assert [image.storage_key for image in listing.images] == [
        third.storage_key,
        first.storage_key,
        second.storage_key,
    ]
    assert [image.position for image in listing.images] == [0, 1, 2]


# --- resolving stored names ---------------------------------------------------------------


def test_media_stream_finds_stored_files(seller: User, listing: Product, media: Path) -> None:
    image = images.add_listing_image(as_actor(seller), listing, jpeg())

    for key in (image.storage_key, image.thumbnail_key):
        chunks = images.media_stream(key)
        assert chunks is not None
        assert b"".join(chunks) == (media / key).read_bytes()


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "..%2f..%2fetc%2fpasswd",
        "/etc/passwd",
        "..",
        ".",
        "",
        "A" * 32 + ".webp/../../../etc/passwd",
        "A" * 32 + ".webp\x00.png",
        "A" * 32 + ".png",
        "A" * 31 + ".webp",
        "A" * 33 + ".webp",
        "A" * 30 + "/.webp",
        ".upload-abc123.tmp",
    ],
)
def test_media_stream_refuses_any_other_name(key: str, app_ctx: None, media: Path) -> None:
    media.mkdir(parents=True)
    (media / ".upload-abc123.tmp").write_bytes(b"half a file")

    assert images.media_stream(key) is None


def test_media_stream_does_not_follow_a_link_out_of_the_media_root(
    app_ctx: None, media: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("database password")
    media.mkdir(parents=True)
    key = "B" * 32 + ".webp"
    (media / key).symlink_to(secret)

    assert images.media_stream(key) is None
    assert images.media_stream("C" * 32 + ".webp") is None  # well formed, never stored


def test_truncated_uploads_stay_refused_after_weasyprint_is_loaded(
    seller: User, listing: Product, media: Path
) -> None:
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as importing WeasyPrint leaves it
    try:
        whole = jpeg()
        assert _refusal(seller, listing, whole[: len(whole) // 2]).field == "image"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
