"""A company's letterhead on its trade documents: logo, authorised signatory, stamp.

The owner sets them on the company pages. Pictures arrive as uploads: refused unless
Pillow reads them as JPEG, PNG or WebP, re-made from their pixels
(``app.services.pictures``) and stored through ``app.services.files``. Documents issued
afterwards name the stored files in their snapshot; ``letterhead_pictures`` reads them back
for the renderer, checking each against the SHA-256 frozen with the document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any, Literal

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Company, CompanyLetterhead, StoredFile
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed
from app.services.files import read_stored, store_upload
from app.services.pictures import clean_picture, read_capped

Picture = Literal["logo", "stamp"]
PICTURES: tuple[Picture, ...] = ("logo", "stamp")
NOT_A_PICTURE = lazy_gettext("Upload the picture as a JPEG, PNG or WebP image.")


@dataclass(frozen=True, slots=True)
class Signatory:
    name: str | None
    title: str | None
    place: str | None


def company_letterhead(company_id: int) -> CompanyLetterhead | None:
    return db.session.scalar(
        select(CompanyLetterhead).where(CompanyLetterhead.company_id == company_id)
    )


def _letterhead_for_change(actor: Actor, company: Company) -> CompanyLetterhead:
    require(actor.user, Action.MANAGE_COMPANY, company)
    letterhead = company_letterhead(company.id)
    if letterhead is None:
        letterhead = CompanyLetterhead(company_id=company.id)
        db.session.add(letterhead)
    return letterhead


def _clean(text: str | None, limit: int, field: str) -> str | None:
    value = " ".join((text or "").split())
    if len(value) > limit:
        raise ValidationFailed(lazy_gettext("At most %(count)d characters.", count=limit), field)
    return value or None


def set_signatory(actor: Actor, company: Company, signatory: Signatory) -> None:
    """Who signs the company's documents (name and title together, or neither)."""
    letterhead = _letterhead_for_change(actor, company)
    name = _clean(signatory.name, 120, "signatory_name")
    title = _clean(signatory.title, 120, "signatory_title")
    if bool(name) != bool(title):
        field = "signatory_title" if name else "signatory_name"
        raise ValidationFailed(lazy_gettext("Give the signatory's name and title together."), field)
    letterhead.signatory_name = name
    letterhead.signatory_title = title
    letterhead.signing_place = _clean(signatory.place, 100, "signing_place")
    db.session.flush()
    record_audit(
        actor,
        "company.signatory_changed",
        object_type="company",
        object_id=company.public_id,
        details={"name": name, "title": title},
    )


def set_picture(
    actor: Actor, company: Company, which: Picture, upload: bytes | IO[bytes], filename: str | None
) -> StoredFile:
    """Store a new logo or stamp (a picture only: a PDF is refused here)."""
    letterhead = _letterhead_for_change(actor, company)
    try:
        data = read_capped(upload)
        if data.startswith(b"%PDF-"):
            raise ValidationFailed(NOT_A_PICTURE, which)
        cleaned = clean_picture(data)
    except ValidationFailed as refused:
        raise ValidationFailed(str(refused), which) from None
    assert actor.user is not None  # require() above needs a user
    stored = store_upload(
        actor.user, cleaned, filename=filename, purpose=f"letterhead_{which}", field=which
    )
    if which == "logo":
        letterhead.logo = stored
    else:
        letterhead.stamp = stored
    db.session.flush()
    record_audit(
        actor, f"company.{which}_changed", object_type="company", object_id=company.public_id
    )
    return stored


def remove_picture(actor: Actor, company: Company, which: Picture) -> None:
    letterhead = _letterhead_for_change(actor, company)
    if which == "logo":
        letterhead.logo = None
    else:
        letterhead.stamp = None
    db.session.flush()
    record_audit(
        actor, f"company.{which}_removed", object_type="company", object_id=company.public_id
    )


def letterhead_pictures(snapshot: dict[str, Any]) -> dict[str, bytes]:
    """The logo and stamp a document's snapshot names, by name, for the renderer.

    A file that is missing or whose bytes no longer match the frozen SHA-256 is left out
    (the document prints without it) rather than printing something else.
    """
    frozen = (snapshot.get("seller") or {}).get("letterhead") or {}
    pictures: dict[str, bytes] = {}
    for which in PICTURES:
        named = frozen.get(which)
        if not named:
            continue
        stored = db.session.scalar(select(StoredFile).where(StoredFile.public_id == named["file"]))
        if stored is None or stored.sha256 != named["sha256"]:
            continue
        data = read_stored(stored)
        if hashlib.sha256(data).hexdigest() == named["sha256"]:
            pictures[which] = data
    return pictures
