"""Uploaded PDFs (transfer proofs, trade documents): nothing in them runs when opened.

A PDF can carry JavaScript run on opening (``/OpenAction``), on page or field events
(``/AA``) or from the document's name tree, actions that start a program (``/Launch``),
open another file or submit a form, attached files, multimedia and XFA forms. A finance
clerk opening an uploaded bank slip in a desktop reader would run them. ``safe_pdf`` is
what every PDF upload goes through:

- a PDF that needs a password, or is encrypted at all, and one that cannot be read, is
  refused with a message (``ValidationFailed`` on the caller's field), as is one with no
  page or too many;
- active content is removed, not refused (banks' own PDFs carry scripts more often than
  one would think): the file is written anew by qpdf (pikepdf) from what it read, without
  it, and read again to check nothing is left (else refused). What stays: the pages,
  links within the document, named navigation, and web and mail links (``/URI`` with
  http, https or mailto);
- a file with nothing to remove that qpdf read without repairing anything is kept byte
  for byte, so a bank's digital signature on it stays valid.

Callers store the returned bytes and hash those (the cleaned file's SHA-256).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pikepdf
from flask_babel import lazy_gettext

from app.services.errors import ValidationFailed

LOG = logging.getLogger(__name__)

MAX_PAGES = 20

ENCRYPTED = lazy_gettext(
    "This PDF is protected by a password or encrypted. Upload a copy without protection,"
    " or a photo of the document."
)
UNREADABLE = lazy_gettext(
    "This PDF cannot be read: the file may be damaged. Upload the original PDF or a photo"
    " of the document."
)
ACTIVE_CONTENT_LEFT = lazy_gettext(
    "This PDF contains scripts or attached files that could not be removed. Print it to a"
    " new PDF, or upload a photo of the document."
)

# Keys whose mere presence is active content: event actions, the document's scripts and
# attached files (name tree, file specifications), XFA forms, rich media, portfolios.
_ACTIVE_KEYS = (
    "/AA",
    "/JavaScript",
    "/JS",
    "/EmbeddedFiles",
    "/EF",
    "/XFA",
    "/NeedsRendering",
    "/RichMediaContent",
    "/AlternatePresentations",
    "/Collection",
)
# Actions that run code, start programs, open or send files, or play media: found by
# their /S wherever they are. Other dictionaries' /S values never take these names.
_DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/RichMediaExecute",
        "/Sound",
        "/Movie",
    }
)
# What an /A, /OpenAction or /Next may point to; anything else there is removed.
_KEPT_ACTIONS = frozenset({"/GoTo", "/Named", "/URI"})
_KEPT_URI_SCHEMES = ("http://", "https://", "mailto:")
_ACTION_KEYS = ("/OpenAction", "/A", "/Next")
# Annotations that embed files or play media.
_ACTIVE_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
)


def _is_container(obj: object) -> bool:
    """A dictionary or a stream (pikepdf hands numbers and booleans over as Python's)."""
    return isinstance(obj, pikepdf.Dictionary | pikepdf.Stream)


def _is_array(obj: object) -> bool:
    return isinstance(obj, pikepdf.Array)


def _dictionaries(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every dictionary and stream of the file: the trailer, each object of the cross-
    reference table (reachable or not) and the direct dictionaries nested in them."""
    stack: list[object] = [pdf.trailer, *pdf.objects]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            yield obj
            children = list(obj.values())
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        stack.extend(
            child
            for child in children
            if (_is_container(child) or _is_array(child)) and not child.is_indirect
        )


def _name(obj: pikepdf.Object, key: str) -> str | None:
    value = obj.get(key)
    return str(value) if isinstance(value, pikepdf.Name) else None


def _kept_action(action: pikepdf.Object) -> bool:
    """Whether an action an /A, /OpenAction or /Next points to may stay."""
    if _is_array(action):  # a destination, or chained actions
        return all(not _is_container(item) or _kept_action(item) for item in action)
    if not _is_container(action):
        return True  # a named destination
    kind = _name(action, "/S")
    if kind is None:
        return "/S" not in action  # no action at all (a destination dictionary)
    if kind not in _KEPT_ACTIONS or "/Next" in action:
        return False
    if kind == "/URI":
        uri = action.get("/URI")
        text = str(uri).strip().lower() if uri is not None else ""
        return text.startswith(_KEPT_URI_SCHEMES)
    return True


def _findings(obj: pikepdf.Object) -> Iterator[str]:
    for key in _ACTIVE_KEYS:
        if key in obj:
            yield key
    kind = _name(obj, "/S")
    if kind in _DANGEROUS_ACTIONS:
        yield f"{kind} action"
    if _name(obj, "/Type") == "/EmbeddedFile":
        yield "embedded file"
    subtype = _name(obj, "/Subtype")
    if subtype in _ACTIVE_ANNOTATIONS:
        yield f"{subtype} annotation"
    for key in _ACTION_KEYS:
        if key in obj and not _kept_action(obj[key]):
            yield f"{key} action"


def find_active_content(pdf: pikepdf.Pdf) -> list[str]:
    """What in ``pdf`` could run or open something (empty for a clean file)."""
    return sorted({found for obj in _dictionaries(pdf) for found in _findings(obj)})


def _remove_active_content(pdf: pikepdf.Pdf) -> None:
    for obj in list(_dictionaries(pdf)):
        for key in _ACTIVE_KEYS:
            if key in obj:
                del obj[key]
        for key in _ACTION_KEYS:
            if key in obj and not _kept_action(obj[key]):
                del obj[key]
        annotations = obj.get("/Annots")
        if isinstance(annotations, pikepdf.Array):
            kept = [
                item
                for item in annotations
                if not _is_container(item) or _name(item, "/Subtype") not in _ACTIVE_ANNOTATIONS
            ]
            if len(kept) != len(annotations):
                obj["/Annots"] = pikepdf.Array(kept)


def _rewritten(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    # Only what is reachable from the trailer is written: orphaned scripts are left out.
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def _open(data: bytes, field: str) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise ValidationFailed(ENCRYPTED, field) from None
    except Exception:  # a damaged or hostile PDF fails in many ways; all mean "refused"
        raise ValidationFailed(UNREADABLE, field) from None
    if pdf.is_encrypted:
        pdf.close()
        raise ValidationFailed(ENCRYPTED, field)
    return pdf


def safe_pdf(data: bytes, field: str = "file", *, max_pages: int = MAX_PAGES) -> bytes:
    """``data`` as a PDF safe to store and open: unchanged when clean, else rewritten
    without its active content. Refusals name ``field``."""
    with _open(data, field) as pdf:
        try:
            pages = len(pdf.pages)
            found = find_active_content(pdf)
            repaired = bool(pdf.get_warnings())
        except Exception:
            raise ValidationFailed(UNREADABLE, field) from None
        if not 1 <= pages <= max_pages:
            raise ValidationFailed(
                lazy_gettext(
                    "A PDF may have between 1 and %(count)d pages; this one has %(pages)d.",
                    count=max_pages,
                    pages=pages,
                ),
                field,
            )
        if not found and not repaired:
            return data
        try:
            _remove_active_content(pdf)
            cleaned = _rewritten(pdf)
        except Exception:
            raise ValidationFailed(UNREADABLE, field) from None
    with pikepdf.open(io.BytesIO(cleaned)) as check:
        left = find_active_content(check)
    if left:
        LOG.warning("an uploaded PDF kept active content after cleaning: %s", ", ".join(left))
        raise ValidationFailed(ACTIVE_CONTENT_LEFT, field)
    if found:
        LOG.info("removed active content from an uploaded PDF: %s", ", ".join(found))
    return cleaned
