"""Sellers upload, reorder and remove listing photos; anyone fetches them by key, inertly."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_login import login_user
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from app.extensions import db
from app.models import CompanyRole, Product, ProductImage, User
from app.services.audit.recording import Actor
from app.services.files.storage import LocalStorage
from app.services.listings import images
from app.web.seller.images import ListingImageForm
from tests.factories import CompanyFactory, ProductFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.images import (
    HTML_PAYLOAD,
    PHP_PAYLOAD,
    SVG,
    jpeg,
    noise_png,
    png,
    png_declaring,
    tell_tale_exif,
    webp,
)


@pytest.fixture
def media(app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    # Photos go to the file storage: here a directory of the test's own.
    monkeypatch.setitem(app.extensions, "corridor_file_storage", LocalStorage(tmp_path / "media"))
    return tmp_path / "media"


@pytest.fixture
def seller() -> User:
    user: User = UserFactory(email="sales@explosives.example.com", company_role=CompanyRole.SALES)
    return user


@pytest.fixture
def listing(seller: User) -> Product:
    product: Product = ProductFactory(seller=seller.company, title="Detonating cord 10 g/m")
    return product


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, seller: User) -> FlaskClient:
    assert auth.login(seller.email).status_code == 302
    return client


def upload(
    client: FlaskClient,
    product: Product,
    data: bytes,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> TestResponse:
    """POST the upload form as a browser would, whatever the file's name and type claim."""
    # Encoded in memory: for large bodies the test client's own encoder spools to a
    # temporary file that it never closes.
    file = FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)
    boundary, body = encode_multipart({"image": file})
    return client.post(
        f"/seller/listings/{product.public_id}/images",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def add_photo(app: Flask, user: User, product: Product, data: bytes) -> ProductImage:
    """A photo added straight through the service, as if uploaded earlier."""
    with app.test_request_context():
        return images.add_listing_image(Actor(user), product, data)


def fetch(client: FlaskClient, key: str, **kwargs: object) -> TestResponse:
    """GET a stored photo, read it whole and close it (send_file holds the file open)."""
    response = client.get(f"/media/{key}", **kwargs)  # type: ignore[arg-type]
    response.get_data()
    response.close()
    return response


def flashes(client: FlaskClient) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        messages: list[tuple[str, str]] = session.pop("_flashes", [])
    return messages


def photos_of(product: Product) -> list[ProductImage]:
    query = select(ProductImage).where(ProductImage.product_id == product.id)
    return list(db.session.scalars(query.order_by(ProductImage.position)))


def edit_page(product: Product) -> str:
    return f"/seller/listings/{product.public_id}/edit"


def assert_refused(
    response: TestResponse, client: FlaskClient, product: Product, message: object
) -> None:
    assert response.status_code == 302
    assert response.headers["Location"] == edit_page(product)
    assert flashes(client) == [("danger", str(message))]
    assert photos_of(product) == []


# --- uploading ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (jpeg(), "IMG_0042.JPG", "image/jpeg"),
        (png(), "cut-out.png", "image/png"),
        (webp(), "photo.webp", "image/webp"),
    ],
    ids=["jpeg", "png", "webp"],
)
def test_seller_uploads_a_photo_and_anyone_can_fetch_it_inertly(
    data: bytes,
    filename: str,
    content_type: str,
    app: Flask,
    signed_in: FlaskClient,
    listing: Product,
    media: Path,
) -> None:
    response = upload(signed_in, listing, data, filename, content_type=content_type)

    assert response.status_code == 302
    assert response.headers["Location"] == edit_page(listing)
    assert flashes(signed_in) == [("success", "Photo added.")]
    [photo] = photos_of(listing)
    assert filename not in photo.storage_key

    anonymous = app.test_client()
    for key in (photo.storage_key, photo.thumbnail_key):
        served = fetch(anonymous, key)
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "image/webp"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.headers["Content-Disposition"].startswith("inline")
        assert "default-src 'none'" in served.headers["Content-Security-Policy"]
        cache = served.headers["Cache-Control"]
        assert "immutable" in cache and "max-age=31536000" in cache
        assert Image.open(io.BytesIO(served.data)).format == "WEBP"
        assert served.data == (media / key).read_bytes()


def test_served_photo_answers_if_none_match_with_304(
    app: Flask, signed_in: FlaskClient, listing: Product, media: Path
) -> None:
    upload(signed_in, listing, jpeg())
    [photo] = photos_of(listing)
    first = fetch(signed_in, photo.storage_key)

    again = fetch(signed_in, photo.storage_key, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304


def test_photo_data_such_as_gps_never_reaches_a_buyer(
    app: Flask, signed_in: FlaskClient, listing: Product, media: Path
) -> None:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(jpeg())).save(buffer, "JPEG", exif=tell_tale_exif())
    upload(signed_in, listing, buffer.getvalue())
    [photo] = photos_of(listing)

    served = fetch(app.test_client(), photo.storage_key)

    assert dict(Image.open(io.BytesIO(served.data)).getexif()) == {}


def test_php_file_named_png_is_refused(
    signed_in: FlaskClient, listing: Product, media: Path
) -> None:
    response = upload(signed_in, listing, PHP_PAYLOAD, "shell.png", content_type="image/png")

    assert_refused(response, signed_in, listing, images.NOT_AN_IMAGE)
    assert not media.exists() or list(media.iterdir()) == []


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [("logo.svg", "image/svg+xml"), ("logo.png", "image/png")],
)
def test_svg_is_refused_whatever_it_is_called(
    filename: str, content_type: str, signed_in: FlaskClient, listing: Product, media: Path
) -> None:
    response = upload(signed_in, listing, SVG, filename, content_type=content_type)

    assert_refused(response, signed_in, listing, images.NOT_AN_IMAGE)


def test_gif_php_polyglot_is_refused(signed_in: FlaskClient, listing: Product, media: Path) -> None:
    polyglot = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00;" + PHP_PAYLOAD
    response = upload(signed_in, listing, polyglot, "avatar.gif.php", content_type="image/gif")

    assert_refused(response, signed_in, listing, images.NOT_AN_IMAGE)


def test_jpeg_php_polyglot_is_served_only_as_a_clean_re_encoded_image(
    app: Flask, signed_in: FlaskClient, listing: Product, media: Path
) -> None:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(jpeg())).save(buffer, "JPEG", comment=PHP_PAYLOAD)
    polyglot = buffer.getvalue() + HTML_PAYLOAD

    response = upload(signed_in, listing, polyglot, "shell.php.jpg")

    assert response.status_code == 302
    [photo] = photos_of(listing)
    assert ".php" not in photo.storage_key
    for key in (photo.storage_key, photo.thumbnail_key):
        served = fetch(app.test_client(), key)
        assert served.headers["Content-Type"] == "image/webp"
        assert b"<?php" not in served.data and b"<script" not in served.data


def test_10_mb_upload_is_refused_with_413(
    signed_in: FlaskClient, listing: Product, media: Path
) -> None:
    response = upload(signed_in, listing, b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024))

    assert response.status_code == 413
    assert "at most 5 MB" in response.get_data(as_text=True)
    assert photos_of(listing) == []


def test_image_over_5_mb_but_under_the_request_limit_is_refused(
    signed_in: FlaskClient, listing: Product, media: Path
) -> None:
    data = noise_png(int(5.5 * 1024 * 1024))
    assert len(data) < 6 * 1024 * 1024 - 4096  # so it passes MAX_CONTENT_LENGTH

    response = upload(signed_in, listing, data, "big.png", content_type="image/png")

    assert_refused(response, signed_in, listing, images.TOO_MANY_BYTES)


def test_pixel_flood_is_refused(signed_in: FlaskClient, listing: Product, media: Path) -> None:
    response = upload(signed_in, listing, png_declaring(50_000, 50_000), "flood.png")

    assert_refused(response, signed_in, listing, images.TOO_MANY_PIXELS)


def test_form_without_a_file_is_refused(signed_in: FlaskClient, listing: Product) -> None:
    response = signed_in.post(f"/seller/listings/{listing.public_id}/images", data={})

    assert_refused(response, signed_in, listing, "Choose a photo to upload.")


def test_ninth_photo_is_refused(signed_in: FlaskClient, listing: Product, media: Path) -> None:
    small = jpeg(size=(64, 64))
    for _ in range(8):
        assert upload(signed_in, listing, small).status_code == 302
    flashes(signed_in)

    response = upload(signed_in, listing, small)

    assert response.status_code == 302
    assert flashes(signed_in) == [("danger", str(images.TOO_MANY_IMAGES))]
    assert len(photos_of(listing)) == 8


def test_upload_without_csrf_token_is_refused(
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    signed_in: FlaskClient,
    listing: Product,
    media: Path,
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = upload(signed_in, listing, jpeg())

    assert response.status_code == 400
    assert photos_of(listing) == []


# --- whose listing, which role ------------------------------------------------------------


def test_another_companys_listing_is_not_found(
    app: Flask, signed_in: FlaskClient, media: Path
) -> None:
    owner: User = UserFactory(company=CompanyFactory(), company_role=CompanyRole.OWNER)
    theirs: Product = ProductFactory(seller=owner.company)
    photo = add_photo(app, owner, theirs, jpeg())
    db.session.commit()  # the other company's photo exists; each refused request rolls back
    base = f"/seller/listings/{theirs.public_id}/images"

    assert upload(signed_in, theirs, jpeg()).status_code == 404
    assert signed_in.post(f"{base}/{photo.storage_key}/delete").status_code == 404
    move = signed_in.post(f"{base}/{photo.storage_key}/move", data={"direction": "later"})
    assert move.status_code == 404
    assert [p.storage_key for p in photos_of(theirs)] == [photo.storage_key]


def test_viewer_may_not_change_photos(
    app: Flask, client: FlaskClient, auth: AuthActions, listing: Product, seller: User, media: Path
) -> None:
    photo = add_photo(app, seller, listing, jpeg())
    viewer: User = UserFactory(company=listing.seller, company_role=CompanyRole.VIEWER)
    auth.login(viewer.email)
    base = f"/seller/listings/{listing.public_id}/images"

    assert upload(client, listing, jpeg()).status_code == 403
    assert client.post(f"{base}/{photo.storage_key}/delete").status_code == 403
    move = client.post(f"{base}/{photo.storage_key}/move", data={"direction": "later"})
    assert move.status_code == 403
    assert [p.storage_key for p in photos_of(listing)] == [photo.storage_key]


def test_signed_out_visitor_is_sent_to_sign_in(
    client: FlaskClient, listing: Product, media: Path
) -> None:
    response = upload(client, listing, jpeg())

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- removing and reordering ------------------------------------------------------------


def test_seller_removes_a_photo_and_it_is_gone_for_everyone(
    app: Flask, signed_in: FlaskClient, listing: Product, media: Path
) -> None:
    upload(signed_in, listing, jpeg())
    upload(signed_in, listing, png())
    first, second = photos_of(listing)
    flashes(signed_in)

    response = signed_in.post(
        f"/seller/listings/{listing.public_id}/images/{first.storage_key}/delete"
    )

    assert response.status_code == 302
    assert response.headers["Location"] == edit_page(listing)
    assert flashes(signed_in) == [("success", "Photo removed.")]
    assert [(p.storage_key, p.position) for p in photos_of(listing)] == [(second.storage_key, 0)]
    anonymous = app.test_client()
    assert fetch(anonymous, first.storage_key).status_code == 404
    assert fetch(anonymous, first.thumbnail_key).status_code == 404
    assert fetch(anonymous, second.storage_key).status_code == 200


def test_removing_a_photo_of_another_listing_through_mine_is_not_found(
    app: Flask, signed_in: FlaskClient, seller: User, listing: Product, media: Path
) -> None:
    other: Product = ProductFactory(seller=seller.company)
    photo = add_photo(app, seller, other, jpeg())
    db.session.commit()  # the photo exists before the refused request rolls back its own work

    response = signed_in.post(
        f"/seller/listings/{listing.public_id}/images/{photo.storage_key}/delete"
    )

    assert response.status_code == 404
    assert len(photos_of(other)) == 1


def test_seller_moves_a_photo_to_the_front(
    signed_in: FlaskClient, listing: Product, media: Path
) -> None:
    for _ in range(3):
        upload(signed_in, listing, jpeg())
    first, second, third = (p.storage_key for p in photos_of(listing))
    base = f"/seller/listings/{listing.public_id}/images"

    signed_in.post(f"{base}/{second}/move", data={"direction": "earlier"})
    response = signed_in.post(f"{base}/{first}/move", data={"direction": "later"})

    assert response.status_code == 302
    assert [p.storage_key for p in photos_of(listing)] == [second, third, first]
    assert signed_in.post(f"{base}/{first}/move", data={"direction": "up"}).status_code == 400


# --- serving: nothing but stored photos ---------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/media/..%2f..%2fetc%2fpasswd",
        "/media/..%2F..%2F..%2Fetc%2Fpasswd",
        "/media/../../etc/passwd",
        "/media/%2e%2e",
        "/media/..",
        "/media/" + "A" * 32 + ".webp",  # well formed, never stored
        "/media/" + "A" * 32 + ".php",
        "/media/.upload-x.tmp",
        "/media/",
    ],
)
def test_unknown_or_malformed_media_paths_are_not_found(
    client: FlaskClient, media: Path, path: str
) -> None:
    media.mkdir(parents=True)
    (media / ".upload-x.tmp").write_bytes(b"half a file")

    assert client.get(path).status_code == 404


# --- the gallery on the edit page ---------------------------------------------------------


def render_gallery(app: Flask, user: User, product: Product) -> str:
    with app.test_request_context(f"/seller/listings/{product.public_id}/edit"):
        login_user(user)
        return render_template_string(
            '{% from "seller/_images.html" import listing_images %}'
            "{{ listing_images(product, form) }}",
            product=db.session.get(Product, product.id),
            form=ListingImageForm(),
        )


def test_gallery_shows_thumbnails_with_buttons_and_the_upload_form(
    app: Flask, monkeypatch: pytest.MonkeyPatch, seller: User, listing: Product, media: Path
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    first = add_photo(app, seller, listing, jpeg())
    second = add_photo(app, seller, listing, png())

    page = render_gallery(app, seller, listing)

    thumbnails = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', page)
    assert thumbnails == [
        (f"/media/{first.thumbnail_key}", "Detonating cord 10 g/m"),
        (f"/media/{second.thumbnail_key}", "Detonating cord 10 g/m"),
    ]
    assert f'href="/media/{first.storage_key}"' in page
    assert f"/images/{first.storage_key}/delete" in page
    assert f"/images/{second.storage_key}/move" in page
    forms = re.findall(r"<form[^>]*>.*?</form>", page, re.S)
    assert len(forms) == 5  # 2 removes, 2 moves, 1 upload
    assert all(re.search(r'name="csrf_token" value="[^"]+"', form) for form in forms)
    assert all('method="post"' in form for form in forms)
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page
    assert "2 of 8 photos" in page
    assert "style=" not in page and "<script" not in page


def test_viewer_sees_the_gallery_without_buttons(
    app: Flask, seller: User, listing: Product, media: Path
) -> None:
    add_photo(app, seller, listing, jpeg())
    viewer: User = UserFactory(company=listing.seller, company_role=CompanyRole.VIEWER)

    page = render_gallery(app, viewer, listing)

    assert "<img" in page
    assert "<form" not in page


def test_gallery_of_a_full_listing_offers_no_upload(
    app: Flask, seller: User, listing: Product, media: Path
) -> None:
    for _ in range(8):
        add_photo(app, seller, listing, jpeg(size=(32, 32)))

    page = render_gallery(app, seller, listing)

    assert "multipart/form-data" not in page
    assert "Remove one to add another" in page
