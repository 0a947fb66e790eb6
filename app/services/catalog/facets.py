"""Facet counts of the catalogue, and the per-process cache that makes pages cheap.

Counting scans every matching listing (all 100,000 of an unfiltered page), and ranking a
search computes bm25 for every match: far too much work per request. So each process keeps,
per normalised filter set (words and filters; not the sort or page), the facet counts and
the listing ids of the pages it has served, together with the catalogue version they
belong to.

The version is ``(max(products.updated_at), max(companies.verification_decided_at))``,
read by the same statement that fetches the page's rows, so checking it costs no extra
round trip. Every change that moves a count moves it: publishing, editing, archiving or
suspending a listing and reserving stock through the ORM or a Core UPDATE all write
``updated_at`` (its ``onupdate``); verifying or suspending a seller writes
``verification_decided_at``. Each gunicorn process (and machine) holds its own cache but
reads the version from the shared database on every page, so they agree without telling
each other anything. Counts are always those of the version just read; a cached page
order found out of date serves that one answer, its rows fetched fresh and checked again
for visibility, so the worst staleness is a just-published listing missing from one
answer per process.

A 10-minute lifetime bounds what the version cannot see: a writer whose clock lags
behind the newest ``updated_at`` (several machines), category or seller renames, and
writes made with raw SQL. It is long because expiry is costly (counting takes 0.1 to
0.5 s for the largest filter sets, per process) and the version already covers every
ordinary change. At most 2,048 filter sets (32 pages each) are kept per process, least
recently used first out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import Category, Company, Product, ProductIncoterm

TOP_SELLERS = 20
# Counting stops after this many matches: a filter set matching more is counted over its
# first FACET_LIMIT matches only and shown without numbers ("more than 5,000 listings"),
# so no request's cost grows with the catalogue (94,000 matches took 0.5 s to count, and
# 940,000 took 9 s). Exact counts of the unfiltered catalogue and of each category come
# from the catalogue_counts table kept up to date (app/services/catalog/counts.py).
FACET_LIMIT = 5000


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SellerFacet:
    public_id: str
    legal_name: str
    name_zh: str | None
    name_ur: str | None
    count: int


@dataclass(frozen=True)
class CategoryFacet:
    """A category with the listings in it and in all its subcategories."""

    slug: str
    name_en: str
    name_zh: str
    name_ur: str
    depth: int
    count: int
    parent_slug: str | None = None

    def name_for(self, locale: str) -> str:
        """The name in ``locale``, as ``Category.name_for`` chooses it."""
        return Category.name_for(self, locale)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Facets:
    total: int
    # Categories holding matches, parents before children, counts rolled up.
    categories: tuple[CategoryFacet, ...]
    # Every category by slug (count may be 0), to name a selected one.
    category_names: dict[str, CategoryFacet]
    origins: tuple[FacetCount, ...]
    sellers: tuple[SellerFacet, ...]
    currencies: tuple[FacetCount, ...]
    incoterms: tuple[FacetCount, ...]
    in_stock: int
    dangerous: int
    # False when more than FACET_LIMIT listings match: the counts are of the first
    # FACET_LIMIT only, and pages show "more than 5,000 listings" and no numbers.
    complete: bool = True

    def category_menu(self, selected: str | None) -> tuple[CategoryFacet, ...]:
        """Top-level categories, and the subcategories along the path to ``selected``."""
        path: set[str] = set()
        slug = selected
        while slug is not None and slug in self.category_names and slug not in path:
            path.add(slug)
            slug = self.category_names[slug].parent_slug
        return tuple(
            category
            for category in self.categories
            if category.parent_slug is None or category.parent_slug in path
        )


# -- the statement ----------------------------------------------------------------------

# The statement is one UNION ALL of differently shaped rows; their columns mean:
#   facet       id           parent_id   position    value       name       name_zh      name_ur
#   "group"     category id  seller id   flags (*)   origin      currency   -            -
#   "incoterm"  -            -           -           rule        -          -            -
#   "seller"    company id   -           -           public id   legal name local name   -
#   "node"      category id  parent id   position    slug        English    Chinese      Urdu
# with the number of listings in ``n``. (*) 1: in stock, 2: dangerous goods.
_COLUMNS = ("facet", "id", "parent_id", "position", "value", "name", "name_zh", "name_ur", "n")
_TYPES = {"id": sa.Integer, "parent_id": sa.Integer, "position": sa.Integer, "n": sa.Integer}
_IN_STOCK = 1
_DANGEROUS = 2


def _row(facet: str, **columns: object) -> sa.Select:  # type: ignore[type-arg]
    """A SELECT with the facet row's nine columns, NULL (typed) where not given."""
    values: list[sa.ColumnElement[Any]] = [
        sa.literal_column(f"'{facet}'", sa.String).label("facet")
    ]
    for name in _COLUMNS[1:]:
        value = columns.get(name)
        if value is None:
            value = sa.cast(sa.null(), _TYPES.get(name, sa.String))
        values.append(sa.type_coerce(value, _TYPES.get(name, sa.String)).label(name))
    return sa.select(*values)


def live_sources(matching: Callable[..., sa.Select]) -> FacetSources:  # type: ignore[type-arg]
    """The facet rows of the first ``FACET_LIMIT + 1`` listings ``matching(*columns)`` selects.

    The matches are grouped once by every facet column together (category, seller,
    origin, currency, in stock, dangerous) and summed up per facet in Python: one sort
    of the matches instead of one per facet. The limit bounds the work whatever the
    catalogue's size; a total above FACET_LIMIT says the counts are incomplete.
    """
    flags = sa.case((Product.stock_quantity > 0, _IN_STOCK), else_=0) + sa.case(
        (Product.un_number.is_not(None), _DANGEROUS), else_=0
    )
    matches = (
        matching(
            Product.id.label("id"),
            Product.category_id.label("category_id"),
            Product.seller_id.label("seller_id"),
            flags.label("flags"),
            Product.origin_country.label("origin_country"),
            Product.currency.label("currency"),
        )
        .limit(FACET_LIMIT + 1)
        .cte("matches")
    )
    columns = (
        matches.c.category_id,
        matches.c.seller_id,
        matches.c.flags,
        matches.c.origin_country,
        matches.c.currency,
    )
    return FacetSources(
        groups=sa.select(*columns, sa.func.count().label("n")).group_by(*columns),
        # (product, rule) is unique, so rows per rule are listings per rule.
        incoterms=sa.select(
            sa.cast(ProductIncoterm.rule, sa.String).label("rule"), sa.func.count().label("n")
        )
        .where(ProductIncoterm.product_id.in_(sa.select(matches.c.id)))
        .group_by(ProductIncoterm.rule),
        seller_ids=sa.select(matches.c.seller_id),
    )


@dataclass(frozen=True)
class FacetSources:
    """Where facet rows come from: live matches, or the kept counts (counts.py).

    ``groups``: category_id, seller_id, flags, origin_country, currency, n;
    ``incoterms``: rule, n; ``seller_ids``: the sellers to name.
    """

    groups: sa.Select  # type: ignore[type-arg]
    incoterms: sa.Select  # type: ignore[type-arg]
    seller_ids: sa.Select  # type: ignore[type-arg]
    # Live matches stop after FACET_LIMIT + 1; kept counts are whole.
    bounded: bool = True


def facet_statement(sources: FacetSources) -> sa.CompoundSelect:  # type: ignore[type-arg]
    """Every facet of ``sources``, with the seller names and the category tree, as one
    UNION ALL: one round trip."""
    groups = sources.groups.subquery("facet_groups")
    incoterms = sources.incoterms.subquery("facet_incoterms")
    return sa.union_all(
        _row(
            "group",
            id=groups.c.category_id,
            parent_id=groups.c.seller_id,
            position=groups.c.flags,
            value=groups.c.origin_country,
            name=groups.c.currency,
            n=groups.c.n,
        ),
        _row("incoterm", value=incoterms.c.rule, n=incoterms.c.n),
        # Names of the (few) sellers with matches; the top ones are picked in Python.
        # Their Chinese and Urdu names, or else the registered local one (whose script
        # the display helper checks).
        _row(
            "seller",
            id=Company.id,
            value=Company.public_id,
            name=Company.legal_name,
            name_zh=sa.func.coalesce(Company.name_zh, Company.legal_name_local),
            name_ur=sa.func.coalesce(Company.name_ur, Company.legal_name_local),
            n=sa.literal_column("0", sa.Integer),
        ).where(Company.id.in_(sources.seller_ids)),
        # The whole (small) tree, to roll counts up to parents and to name categories.
        _row(
            "node",
            id=Category.id,
            value=Category.slug,
            name=Category.name_en,
            name_zh=Category.name_zh,
            name_ur=Category.name_ur,
            parent_id=Category.parent_id,
            position=Category.position,
            n=sa.literal_column("0", sa.Integer),
        ).select_from(Category),
    )


def _categories(
    rows: list[sa.Row],  # type: ignore[type-arg]
    direct: Mapping[int, int],
) -> tuple[tuple[CategoryFacet, ...], dict[str, CategoryFacet]]:
    """Counts rolled up to every ancestor, in tree order (position, then name)."""
    nodes = {row.id: row for row in rows}
    rolled = dict.fromkeys(nodes, 0)
    for category_id, number in direct.items():
        seen: set[int] = set()
        node: int | None = category_id
        while node is not None and node in nodes and node not in seen:
            seen.add(node)
            rolled[node] += number
            node = nodes[node].parent_id
    children: dict[int | None, list[sa.Row]] = {}  # type: ignore[type-arg]
    for row in sorted(rows, key=lambda r: (r.position or 0, r.name, r.id)):
        parent = row.parent_id if row.parent_id in nodes else None
        children.setdefault(parent, []).append(row)
    ordered: list[CategoryFacet] = []
    names: dict[str, CategoryFacet] = {}

    def walk(parent: int | None, depth: int, visited: set[int]) -> None:
        for row in children.get(parent, []):
            if row.id in visited:
                continue
            visited.add(row.id)
            parent_slug = nodes[row.parent_id].value if row.parent_id in nodes else None
            facet = CategoryFacet(
                row.value, row.name, row.name_zh, row.name_ur, depth, rolled[row.id], parent_slug
            )
            names[row.value] = facet
            if facet.count:
                ordered.append(facet)
            walk(row.id, depth + 1, visited)

    walk(None, 0, set())
    return tuple(ordered), names


def _counts(numbers: Counter[str]) -> tuple[FacetCount, ...]:
    """Most listings first, then by value."""
    return tuple(
        FacetCount(value, n) for value, n in sorted(numbers.items(), key=lambda i: (-i[1], i[0]))
    )


def count_facets(sources: FacetSources) -> Facets:
    """Run the facet statement of ``sources`` (one round trip) and sum its rows up."""
    total = in_stock = dangerous = 0
    categories: Counter[int] = Counter()
    sellers: Counter[int] = Counter()
    origins: Counter[str] = Counter()
    currencies: Counter[str] = Counter()
    incoterms: Counter[str] = Counter()
    seller_rows: dict[int, sa.Row] = {}  # type: ignore[type-arg]
    nodes: list[sa.Row] = []  # type: ignore[type-arg]
    for row in db.session.execute(facet_statement(sources)):
        if row.facet == "group":
            # A live row carries every facet column; a kept-count row only the one it
            # sums (see counts.stored_sources), the others NULL.
            n = row.n
            if row.id is not None:
                total += n
                categories[row.id] += n
            if row.position is not None:
                in_stock += n if row.position & _IN_STOCK else 0
                dangerous += n if row.position & _DANGEROUS else 0
            if row.parent_id is not None:
                sellers[row.parent_id] += n
            if row.value is not None:
                origins[row.value] += n
            if row.name is not None:
                currencies[row.name] += n
        elif row.facet == "incoterm":
            incoterms[row.value] += row.n
        elif row.facet == "seller":
            seller_rows[row.id] = row
        else:
            nodes.append(row)
    tree, names = _categories(nodes, categories)
    top = sorted(
        (seller_id for seller_id in sellers if seller_id in seller_rows),
        key=lambda seller_id: (-sellers[seller_id], seller_rows[seller_id].name, seller_id),
    )[:TOP_SELLERS]
    return Facets(
        total=total,
        categories=tree,
        category_names=names,
        origins=_counts(origins),
        sellers=tuple(
            SellerFacet(
                seller_rows[seller_id].value,
                seller_rows[seller_id].name,
                seller_rows[seller_id].name_zh,
                seller_rows[seller_id].name_ur,
                sellers[seller_id],
            )
            for seller_id in top
        ),
        currencies=_counts(currencies),
        incoterms=_counts(incoterms),
        in_stock=in_stock,
        dangerous=dangerous,
        complete=not sources.bounded or total <= FACET_LIMIT,
    )
