"""Users' text as it may be printed: no bidirectional controls, wherever it is shown.

A company name, an address or a listing title may carry Unicode's explicit direction
controls: embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069) and the marks
(U+200E, U+200F, U+061C). One right-to-left override in an address printed "evil" as
"live" on an invoice, and an override in a name reverses whatever follows it on a page.

The rule, the same for PDFs, e-mails and web pages: the controls are removed when text is
printed (stored text is left as typed). Without them the Unicode bidirectional algorithm
still orders each run by its own letters, so Urdu and Arabic read right to left and Latin
left to right; only the typist's explicit overrides are lost. Where it is applied:

- trade documents: every string of the snapshot before layout (``app.documents.glyphs``);
- e-mail: subject and body when queued (``app.services.outbox.queue_email``);
- web pages and document templates: every ``{{ ... }}`` output, as the Jinja environment's
  ``finalize`` (``printed``, set by the app factory), so no template can forget it.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

# LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI; LRM, RLM; the Arabic letter mark.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_FOUND = re.compile(f"[{BIDI_CONTROLS}]")
_REMOVED = dict.fromkeys(map(ord, BIDI_CONTROLS))


def neutralise_bidi(text: str) -> str:
    """``text`` without explicit direction controls (Markup stays Markup)."""
    if text.isascii() or not _FOUND.search(text):
        return text
    cleaned = text.translate(_REMOVED)
    return Markup(cleaned) if isinstance(text, Markup) else cleaned  # noqa: S704 - was Markup


def neutralise_bidi_data(value: Any) -> Any:
    """Every string inside ``value`` (dicts, lists, tuples of JSON-like data) neutralised."""
    if isinstance(value, str):
        return neutralise_bidi(value)
    if isinstance(value, dict):
        return {key: neutralise_bidi_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(neutralise_bidi_data(item) for item in value)
    return value


def printed(value: Any) -> Any:
    """The Jinja ``finalize`` hook: what a ``{{ ... }}`` prints, strings neutralised."""
    return neutralise_bidi(value) if isinstance(value, str) else value
