"""Places picked, not typed: search the UN/LOCODE table and read what a form was given.

A picked place is written ``Name (LOCODE)`` (``Karachi (PKKHI)``); the code then travels
with the text onto orders and documents, where ``app.reference.ports`` reads it back. A name
typed without picking is matched to its code when exactly one place bears it; text naming
no coded place (a border crossing such as Khunjerab) is kept as typed, and a code in
brackets that the list does not know is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext

from app.extensions import db
from app.models import Place
from app.reference.places import folded, labelled_code
from app.services.errors import ValidationFailed

MAX_RESULTS = 12
# The countries the code list covers (the rest of the world is typed).
COVERED_COUNTRIES = frozenset({"PK", "CN"})
# More candidates than are shown, so the ranking below (not insertion order) picks them.
_CANDIDATES = 200
# "Karachi, Pakistan": the country after a comma is not part of the name.
_COUNTRY_TAIL = re.compile(r",\s*(pakistan|china|pk|cn|prc)\s*$", re.IGNORECASE)
_PORT_SUFFIX = re.compile(r"\s+(pt|port)$")


@dataclass(frozen=True, slots=True)
class PlaceChoice:
    """A search hit as the picker shows it."""

    locode: str
    label: str
    name: str
    local_name: str | None
    country: str
    is_port: bool

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.locode,
            "label": self.label,
            "name": self.name,
            "local_name": self.local_name,
            "country": self.country,
            "port": self.is_port,
        }


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _rank(place: Place, query: str, ports_first: bool) -> tuple[int, int, str]:
    names = [folded(n) for n in (place.shown_name, place.name, place.name_zh, place.name_ur) if n]
    if place.locode.casefold() == query:
        closeness = 0
    elif any(name == query for name in names):
        closeness = 1
    elif any(name.startswith(query) for name in names) or place.locode.casefold().startswith(query):
        closeness = 2
    else:
        closeness = 3
    return (closeness, 0 if place.is_port or not ports_first else 1, place.shown_name)


def search_places(
    query: str, *, ports_first: bool = False, locale: str = "en", limit: int = MAX_RESULTS
) -> list[PlaceChoice]:
    """Places whose code or a name (Latin, Chinese or Urdu) contains ``query``.

    Exact code, then exact name, then names starting with the query; ports before other
    places when ``ports_first``. Fewer than two characters find nothing (too many hits).
    """
    text = folded(query)
    if len(text) < 2 or len(text) > 100:
        return []
    rows = db.session.scalars(
        sa.select(Place)
        .where(Place.search_text.like(f"%{_escaped(text)}%", escape="\\"))
        .order_by(Place.locode)
        .limit(_CANDIDATES)
    ).all()
    ranked = sorted(rows, key=lambda place: _rank(place, text, ports_first))[:limit]
    return [_choice(place, locale) for place in ranked]


def _choice(place: Place, locale: str) -> PlaceChoice:
    local = {"zh": place.name_zh, "ur": place.name_ur}.get(locale[:2])
    return PlaceChoice(
        locode=place.locode,
        label=place.label,
        name=place.shown_name,
        local_name=local,
        country=place.country,
        is_port=place.is_port,
    )


def place_by_code(locode: str) -> Place | None:
    return db.session.scalar(sa.select(Place).where(Place.locode == locode.upper()))


def _by_name(name: str) -> list[Place]:
    key = folded(_COUNTRY_TAIL.sub("", name))
    if len(key) < 2:
        return []
    rows = db.session.scalars(
        sa.select(Place).where(Place.search_text.like(f"%{_escaped(key)}%", escape="\\"))
    ).all()
    exact = [
        place
        for place in rows
        if key
        in {folded(n) for n in (place.shown_name, place.name, place.name_zh, place.name_ur) if n}
    ]
    if exact:
        return exact
    # "Qingdao port" names "Qingdao Pt".
    bare = _PORT_SUFFIX.sub("", key.replace(" port", " pt"))
    return [p for p in rows if _PORT_SUFFIX.sub("", folded(p.name)) == bare and p.is_port]


def resolve_place(text: str | None, *, field: str) -> str:
    """The text to store for what a place field received.

    ``Karachi (PKKHI)`` or ``PKKHI``: the place's own label (an unknown code is refused);
    a name that exactly one place bears: that place's label; anything else: as typed.
    """
    typed = " ".join((text or "").split())
    if not typed:
        return ""
    code = labelled_code(typed)
    if code is not None:
        place = place_by_code(code)
        if place is not None:
            return place.label
        # The list holds Pakistan and China only: another country's code is kept as typed,
        # and a bare word that only looks like a code ("Dubai") is read as a name.
        if typed.upper() != code and code[:2] in COVERED_COUNTRIES:
            raise ValidationFailed(
                lazy_gettext(
                    "%(code)s is not a UN/LOCODE of Pakistan or China. Pick the place from"
                    " the list, or write its name without a code.",
                    code=code,
                ),
                field,
            )
    matches = _by_name(typed)
    if len(matches) == 1:
        return matches[0].label
    return typed


# "Karachi (PKKHI)": the code at the end of a labelled place.
_LABEL_TAIL = re.compile(r"\s*\(\s*([A-Za-z]{2}[A-Za-z2-9]{3})\s*\)\s*$")


def _name_part(text: str) -> str:
    """``karachi`` of ``Karachi (PKKHI)``: the name, folded."""
    return folded(_LABEL_TAIL.sub("", text))


def _label_code(text: str) -> str | None:
    found = _LABEL_TAIL.search(text)
    return found.group(1).upper() if found else None


def offered_place(typed: str | None, offered: list[str]) -> str | None:
    """Which of the ``offered`` named places (a seller's words, ``Karachi (PKKHI)`` or a
    plain ``Karachi``) a buyer means by ``typed``: the same text, its UN/LOCODE
    (``PKKHI``), or its name in any script the code list knows. None unless exactly one
    offer fits.
    """
    text = " ".join((typed or "").split())
    if not text:
        return None
    exact = [offer for offer in offered if folded(offer) == folded(text)]
    if len(exact) == 1:
        return exact[0]
    code = labelled_code(text)
    place = place_by_code(code) if code else None
    if code is not None and place is None and text.upper() == code:
        code = None  # a bare word that only looks like a code ("Dubai") is a name
    places = ([place] if place is not None else []) if code else _by_name(text)
    codes = {p.locode for p in places} | ({code} if code else set())
    names = {folded(name) for p in places for name in (p.shown_name, p.name)}
    if code is None:
        names.add(_name_part(text))
    fits = [
        offer
        for offer in offered
        if (_label_code(offer) or "") in codes
        or (_name_part(offer) in names and (_label_code(offer) is None or code is None))
    ]
    return fits[0] if len(fits) == 1 else None


def offered_places(named_places: list[str]) -> list[str | None]:
    """The UN/LOCODE each of a listing's named places stands for (None for a place the
    code list does not hold, such as a border crossing typed as text)."""
    labelled = {code for text in named_places if (code := _label_code(text))}
    known = set(
        db.session.scalars(sa.select(Place.locode).where(Place.locode.in_(labelled)))
        if labelled
        else []
    )
    codes: list[str | None] = []
    for text in named_places:
        code = _label_code(text)
        if code is not None:
            codes.append(code if code in known else None)
            continue
        matches = _by_name(text)
        codes.append(matches[0].locode if len(matches) == 1 else None)
    return codes
