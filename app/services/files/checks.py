"""What an uploaded file must be before anyone else opens it: a clean PDF or a picture.

One rule for every upload a counterparty, an operator or a bank will open (bank slips,
specifications, message attachments, licences, bills of lading, evidence): at most 5 MB;
a PDF has its active content removed (``safe_pdf``) and must then read under a second,
strict parser; a picture is re-made from its pixels (metadata and anything hidden in the
file are gone); anything else is refused, naming the caller's form field.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import IO

from flask_babel import lazy_gettext
from pypdf import PdfReader

from app.reference.text import neutralise_bidi
from app.services.errors import ValidationFailed
from app.services.pictures import MAX_UPLOAD_BYTES, NOT_AN_IMAGE, clean_picture
from app.services.uploads import UNREADABLE, safe_pdf

PDF_TYPE = "application/pdf"
PICTURE_TYPE = "image/webp"
EXTENSIONS = {PDF_TYPE: "pdf", PICTURE_TYPE: "webp"}
TOO_LARGE = lazy_gettext("The file is larger than 5 MB.")
NOT_ACCEPTED = lazy_gettext("Upload a PDF or a photo (JPEG, PNG or WebP).")
MAX_PDF_PAGES = 20


def clean_upload(upload: bytes | IO[bytes], field: str) -> tuple[bytes, str]:
    """The bytes to store and their content type, or ``ValidationFailed`` on ``field``."""
    data = upload if isinstance(upload, bytes) else upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(TOO_LARGE, field)
    if not data:
        raise ValidationFailed(NOT_ACCEPTED, field)
    if data.startswith(b"%PDF-"):
        # Encrypted, unreadable or 0 or over 20 pages: refused; scripts, launch actions,
        # attached files: removed (kept as sent when there are none).
        content = safe_pdf(data, field, max_pages=MAX_PDF_PAGES)
        try:  # and a second, strict parser must read what is stored
            PdfReader(io.BytesIO(content), strict=True).get_page(0)
        except Exception:  # a damaged or hostile PDF fails in many ways; all mean "refused"
            raise ValidationFailed(UNREADABLE, field) from None
        return content, PDF_TYPE
    try:
        return clean_picture(data), PICTURE_TYPE
    except ValidationFailed as refused:
        # Neither a PDF nor a picture: say both are welcome, not only pictures.
        said = NOT_ACCEPTED if str(refused) == str(NOT_AN_IMAGE) else str(refused)
        raise ValidationFailed(said, field) from None


_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def download_name(filename: str | None, content_type: str, fallback: str) -> str:
    """A name to offer on download: the sender's own words, never a path or a trick.

    Chinese and Urdu names stay readable (unlike ASCII-only cleaners); directories,
    control and bidi characters, quotes and shell or Windows specials go; the extension
    always matches what is stored (a ".exe" name cannot ride on a PDF).
    """
    text = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = neutralise_bidi(unicodedata.normalize("NFC", text))
    stem = text.rsplit(".", 1)[0] if "." in text else text
    stem = _UNSAFE_IN_NAMES.sub(" ", stem)
    stem = " ".join(stem.split()).strip(". ")[:120] or fallback
    return f"{stem}.{EXTENSIONS.get(content_type, 'bin')}"
