"""Image files for upload tests, made in memory: real photos with detail, hostile payloads,
PNGs whose header lies about their size, EXIF as a phone writes it."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

from PIL import ExifTags, Image

PHP_PAYLOAD = b'<?php system($_GET["cmd"]); ?>'
HTML_PAYLOAD = b"<html><script>alert(document.cookie)</script></html>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
)
CAMERA_MAKE = "Corridor Spycam Co"


def picture(size: tuple[int, int] = (640, 480), mode: str = "RGB") -> Image.Image:
    """A picture with detail in it (a flat colour would compress to nothing)."""
    ramp = Image.linear_gradient("L")
    down, across = ramp.resize(size), ramp.transpose(Image.Transpose.ROTATE_90).resize(size)
    channels = [down, across, down.point(lambda v: 255 - v)]
    rgb = Image.merge("RGB", channels)
    return rgb if mode == "RGB" else rgb.convert(mode)


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (640, 480), **options: object) -> bytes:
    return encoded(picture(size), "JPEG", quality=90, **options)


def png(size: tuple[int, int] = (640, 480), **options: object) -> bytes:
    return encoded(picture(size), "PNG", **options)


def webp(size: tuple[int, int] = (640, 480), **options: object) -> bytes:
    return encoded(picture(size), "WEBP", **options)


def tell_tale_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: maker, model, serial, GPS position of the factory."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Model] = "Model 3000"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.GPSInfo] = {1: "N", 2: (24.0, 51.0, 36.0), 3: "E", 4: (67.0, 0.0, 36.0)}
    return exif


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_declaring(width: int, height: int, *, complete: bool = False) -> bytes:
    """A 1-bit greyscale PNG of ``width`` x ``height`` all-black pixels, built without Pillow.

    ``complete`` writes every row (zeros compress ~1000:1, so 7000 x 7000 is ~6 KB);
    otherwise only the header is honest and the pixel data stops after a few rows.
    """
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    rows = height if complete else 4
    pixels = zlib.compress(row * rows, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def noise_png(size_bytes: int) -> bytes:
    """A genuine PNG of random pixels, just over ``size_bytes`` (noise does not compress)."""
    side = int((size_bytes / 3) ** 0.5) + 8
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    data = encoded(noise, "PNG", compress_level=1)
    assert len(data) > size_bytes
    return data


def stored(key: str, root: Path) -> Image.Image:
    """A stored file read back (through memory, so no file handle is left open)."""
    image = Image.open(io.BytesIO((root / key).read_bytes()))
    image.load()
    return image
