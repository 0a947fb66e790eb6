"""Goods named in the reader's language on order pages, checkout, shipment and claim forms:
what the product page shows. The order line keeps its frozen English title, which stays the
contract text every document prints; pages only read the listing's wording beside it."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.i18n import current_locale_code
from app.models import OrderLine, Product
from app.reference.reader_text import in_reader_language, reader_language


def product_title(product: Any) -> str:
    """A listing's title in the reader's language, else its English title."""
    return in_reader_language(product, "title", current_locale_code()).text


def line_title(line: OrderLine) -> str:
    """An order line's goods for the reader: the listing's Chinese or Urdu title where the
    seller wrote one, else the line's own (English, frozen) title."""
    if reader_language(current_locale_code()) == "en" or line.product_id is None:
        return line.title
    product = db.session.get(Product, line.product_id)  # the identity map keeps repeats free
    if product is None:
        return line.title
    shown = in_reader_language(product, "title", current_locale_code())
    return line.title if shown.fallback else shown.text


# Sources of exchange rates that Corridor itself names (app.demo.rates.DEMO_SOURCE): stored
# in English as data, read in the reader's language. An operator's typed source stays as typed.
RATE_SOURCES = {"Corridor demo reference rates": _l("Corridor demo reference rates")}


def rate_source(source: str | None) -> str:
    if not source:
        return ""
    known = RATE_SOURCES.get(source)
    return str(known) if known is not None else source


def init_app(app: Flask) -> None:
    app.jinja_env.filters["line_title"] = line_title
    app.jinja_env.filters["product_title"] = product_title
    app.jinja_env.filters["rate_source"] = rate_source
