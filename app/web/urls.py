"""URLs for long lists: one route built once a page, then filled in per row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import url_for

_SLOT = "corridor-url-slot"


def url_maker(endpoint: str, key: str, **values: Any) -> Callable[[str], str]:
    """``url_for(endpoint, key=value, **values)`` as a function of ``value``.

    A register page links each of its 50 rows three times; building each link through the
    router costs more than the rest of the row. The route is built once with a marker that
    no real value contains, and each row's value is quoted into its place.
    """
    values[key] = _SLOT
    template = url_for(endpoint, **values)
    head, _, tail = template.partition(_SLOT)
    return lambda value: head + quote(value, safe="") + tail
