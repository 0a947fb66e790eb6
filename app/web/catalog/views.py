"""The public catalogue: search and filters, product pages, seller storefronts.

Open to everyone, signed in or not. The filter state lives in the URL, so every result
page can be linked, bookmarked and shared. Filter values are parsed here into typed ones;
a value that does not parse is left out (with a note when the person typed it), never an
error page.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from decimal import Decimal
from urllib.parse import urlencode

import pycountry
from babel import Locale
from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, gettext
from flask_login import current_user
from markupsafe import Markup
from werkzeug.routing import BuildError

from app.i18n import current_locale_code
from app.models import Incoterm
from app.models.base import utcnow
from app.money import InvalidCurrency, normalize_currency
from app.numbers import NumberProblem, parse_decimal
from app.reference.trade_codes import PACKAGE_TYPES, UNIT_CODES
from app.services.accounts.capabilities import Action, can
from app.services.catalog.product_pages import product_page, storefront
from app.services.catalog.search import (
    MAX_PRICE,
    SORTS,
    CatalogItem,
    CatalogPage,
    CatalogQuery,
    search_catalog,
)
from app.services.licences.rules import is_controlled
from app.services.licences.visibility import sees_controlled_details
from app.services.listings.listing_input import PRICE_PLACES
from app.services.statistics.supplier_profile import supplier_facts
from app.web.forms import page_number
from app.web.guards import signed_in_user
from app.web.statistics import labels as statistics_labels

bp = Blueprint("catalog", __name__)

MAX_QUERY_CHARS = 500
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,24}")
_YES = frozenset({"1", "true", "yes", "on", "only"})
_NO = frozenset({"0", "false", "no", "off", "exclude"})


def _price(text: str | None) -> tuple[Decimal | None, bool]:
    """(amount, understood): a non-negative number such as 12.50, or None when blank.

    Read by the one number rule (``app.numbers``) with as many decimals as any currency
    has; the search rounds a bound inwards to the chosen currency's minor unit. A bound at
    or beyond any listing's price is no bound at all.
    """
    if not (text or "").strip():
        return None, True
    try:
        value = parse_decimal(text, places=PRICE_PLACES, maximum=None)
    except NumberProblem:
        return None, False
    return (value if value < MAX_PRICE else None), True


def parse_catalog_args(args: Mapping[str, str]) -> tuple[CatalogQuery, list[str]]:
    """The catalogue query in ``args`` and notes about what was left out and why."""
    notes: list[str] = []
    q = (args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    category = (args.get("category") or "").strip().lower()
    origin = (args.get("origin") or "").strip().upper()
    seller = (args.get("seller") or "").strip()
    currency: str | None = None
    if (args.get("currency") or "").strip():
        try:
            currency = normalize_currency(args["currency"])
        except InvalidCurrency:
            notes.append(gettext("That currency is unknown, so it was not applied."))
    price_min, min_ok = _price(args.get("price_min"))
    price_max, max_ok = _price(args.get("price_max"))
    if not (min_ok and max_ok):
        notes.append(gettext("Prices are numbers such as 12.50; the one given was left out."))
    if (price_min is not None or price_max is not None) and currency is None:
        notes.append(gettext("Choose a currency to filter by price."))
        price_min = price_max = None
    if price_min is not None and price_max is not None and price_min > price_max:
        price_min, price_max = price_max, price_min
    incoterm = (args.get("incoterm") or "").strip().upper()
    dangerous = (args.get("dangerous") or "").strip().lower()
    sort = (args.get("sort") or "").strip()
    query = CatalogQuery(
        q=q,
        category=category if _SLUG.fullmatch(category) else None,
        origin=origin if len(origin) == 2 and pycountry.countries.get(alpha_2=origin) else None,
        seller=seller if _PUBLIC_ID.fullmatch(seller) else None,
        currency=currency,
        price_min=price_min,
        price_max=price_max,
        incoterm=Incoterm(incoterm) if incoterm in Incoterm.__members__ else None,
        in_stock=(args.get("in_stock") or "").strip().lower() in _YES,
        dangerous=True if dangerous in _YES else False if dangerous in _NO else None,
        sort=sort if sort in SORTS else "relevance",
        page=page_number(args.get("page")),
    )
    if q and not query.tokens:
        notes.append(gettext("Searches look for words and numbers; showing all listings."))
    return query, notes


def catalog_args(query: CatalogQuery, **changes: object) -> dict[str, str]:
    """``query`` as URL arguments (defaults left out), with ``changes`` applied.

    Any change other than the page starts again at page 1.
    """
    flags = {True: "1", False: "0", None: None}
    values: dict[str, object] = {
        "q": query.q,
        "category": query.category,
        "origin": query.origin,
        "seller": query.seller,
        "currency": query.currency,
        "price_min": query.price_min,
        "price_max": query.price_max,
        "incoterm": query.incoterm.value if query.incoterm else None,
        "in_stock": "1" if query.in_stock else None,
        "dangerous": flags[query.dangerous],
        "sort": None if query.sort == "relevance" else query.sort,
        "page": query.page if query.page > 1 else None,
    }
    if any(name != "page" for name in changes):
        values["page"] = None
    for name, value in changes.items():
        values[name] = flags[value] if isinstance(value, bool) else value
    return {name: str(value) for name, value in values.items() if value not in (None, "")}


def _catalog_links(query: CatalogQuery) -> Callable[..., str]:
    """``url_with(**changes)``: the catalogue URL of ``query`` with ``changes`` applied.

    A page has dozens of facet links; the path is built once and each link only encodes
    its arguments (url_for per link was a sixth of the page's time).
    """
    path = url_for("catalog.index")

    def url_with(**changes: object) -> str:
        arguments = catalog_args(query, **changes)
        return f"{path}?{urlencode(arguments)}" if arguments else path

    return url_with


def _reveals_controlled() -> bool:
    """Whether this viewer sees price and stock of controlled listings."""
    viewer = signed_in_user() if current_user.is_authenticated else None
    return sees_controlled_details(viewer)


@functools.lru_cache(maxsize=4096)
def _card(item: CatalogItem, locale: str, show_seller: bool, reveal: bool = False) -> Markup:
    """The HTML of one result card, rendered once per listing state and language.

    A card shows nothing but ``item``'s fields (a frozen value: any change to the listing
    is a new key) in ``locale``. Rendered afresh, 24 cards took two thirds of a page's
    time: a dozen gettext, number and currency formatting calls each.
    """
    # The template is autoescaped: its output is safe HTML.
    return Markup(  # noqa: S704
        render_template(
            "catalog/_card.html",
            item=item,
            show_seller=show_seller,
            hide_details=item.controlled and not reveal,
        )
    )


class _BodyCache:
    """Rendered catalogue page bodies, least recently used out first.

    A body shows nothing but the view's inputs: the query, the language, the notes, the
    result cards (frozen values) and the facet counts. The counts are one shared object
    per catalogue version (app/services/catalog_facets.py), so the key holds its id and
    the entry holds the object itself, which keeps that id from being reused.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[object, Markup]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, facets: object) -> Markup | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] is not facets:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, facets: object, html: Markup) -> None:
        with self._lock:
            self._entries[key] = (facets, html)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


_BODIES = _BodyCache()


def _body(query: CatalogQuery, result: CatalogPage, notes: list[str]) -> Markup:
    """The page body for ``result``, rendered once per distinct content and language.

    Its 60-odd gettext calls, facet links and forms cost more than the page's database
    work; warm catalogue pages are what the throughput target measures.
    """
    facets = result.facets
    key = (
        current_locale_code(),
        _reveals_controlled(),
        tuple(catalog_args(query).items()),
        tuple(notes),
        tuple(result.items),
        id(facets),
        result.total,
        result.page,
    )
    html = _BODIES.get(key, facets)
    if html is None:
        # The template is autoescaped: its output is safe HTML.
        html = Markup(  # noqa: S704
            render_template(
                "catalog/_results.html",
                query=query,
                result=result,
                notes=notes,
                args=lambda **changes: catalog_args(query, **changes),
                url_with=_catalog_links(query),
            )
        )
        _BODIES.put(key, facets, html)
    return html


@bp.context_processor
def _display_helpers() -> dict[str, Callable[..., object]]:
    locale = current_locale_code()
    territories = Locale.parse(locale).territories
    reveal = _reveals_controlled()

    def image_url(key: str | None) -> str | None:
        # The media blueprint serves stored images; without it a card shows no picture.
        if not key:
            return None
        try:
            return url_for("media.serve", key=key)
        except BuildError:
            return None

    return {
        "country_name": lambda code: territories.get(code, code),
        "unit_name": lambda code: UNIT_CODES.get(code, code),
        "package_name": lambda code: PACKAGE_TYPES.get(code, code),
        "decimal": lambda value: format_decimal(value),
        "image_url": image_url,
        "card": lambda item, show_seller=True: _card(item, locale, show_seller, reveal),
    }


@bp.get("/catalog")
def index() -> ResponseReturnValue:
    query, notes = parse_catalog_args(request.args)
    # Whether a price filter or sort may take controlled listings' prices into account.
    query = dataclasses.replace(query, controlled_prices=_reveals_controlled())
    result = search_catalog(query)
    return render_template("catalog/index.html", body=_body(query, result, notes))


@bp.get("/products/<public_id>")
def product(public_id: str) -> ResponseReturnValue:
    # A seller's staff see their company's unpublished listing as the public would (a
    # preview); everyone else sees published listings only.
    viewer = signed_in_user() if current_user.is_authenticated else None
    viewer_company_id = None
    if viewer is not None and can(viewer, Action.PREVIEW_LISTINGS):
        viewer_company_id = viewer.company_id
    view = product_page(public_id, viewer_company_id=viewer_company_id)
    if view is None:
        abort(404)
    return render_template(
        "catalog/product.html",
        view=view,
        product=view.product,
        hide_details=is_controlled(view.product.hazard_class, view.product.export_licence_required)
        and not sees_controlled_details(viewer),
    )


@bp.get("/sellers/<public_id>")
def seller(public_id: str) -> ResponseReturnValue:
    front = storefront(public_id, page_number(request.args.get("page")))
    if front is None:
        abort(404)
    return render_template(
        "catalog/storefront.html",
        front=front,
        company=front.company,
        supplier=supplier_facts(front.company, utcnow()),
        supplier_labels=statistics_labels,
    )
