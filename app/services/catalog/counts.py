"""Exact facet counts of the whole catalogue and of each category, kept by a job.

The pages asked for most (the catalogue without filters, a category) match tens of
thousands of listings to a million; counting them per request grows with the catalogue
(0.5 s at 100,000, 9 s at 1,000,000). Instead ``refresh_counts`` (the job
``refresh_catalogue_counts``, every minute in the job consumer when the catalogue has
changed) groups the public listings once into ``catalogue_counts`` and notes the
catalogue version they belong to. A page uses them only when that version is the
one it has just read, so a count is never stale: while the job has not caught up, pages
count their first matches live (bounded, see facets.FACET_LIMIT).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import CatalogueCount, CatalogueCountState, Product, ProductIncoterm
from app.services.catalog.facets import _DANGEROUS, _IN_STOCK, FacetSources

COUNT_STATE_ID = 1


def version_text(version: Hashable) -> str:
    return repr(version)[:100]


def counts_are_at(version: Hashable, counted: str | None) -> bool:
    """Whether the kept counts, taken at ``counted`` (read with the page), are of ``version``."""
    return counted is not None and counted == version_text(version)


def stored_sources(category_ids: tuple[int, ...] | None) -> FacetSources:
    """Facet rows of the kept counts: the whole catalogue, or the categories given."""
    counts = CatalogueCount
    scope: sa.ColumnElement[bool] = sa.true()
    if category_ids is not None:
        scope = counts.category_id.in_(category_ids)
    # One row per value of each facet, summed here: a few hundred rows, where the kept
    # combinations (category x seller x flags x origin x currency) run to tens of thousands.
    facet_columns = (
        counts.category_id,
        counts.seller_id,
        counts.flags,
        counts.origin_country,
        counts.currency,
    )
    kinds = (sa.Integer, sa.Integer, sa.Integer, sa.String, sa.String)
    total = sa.cast(sa.func.sum(counts.n), sa.BigInteger).label("n")
    per_facet: list[sa.Select[Any]] = [
        sa.select(  # type: ignore[misc]
            *(
                (column if column is summed else sa.cast(sa.null(), kind)).label(column.key)
                for column, kind in zip(facet_columns, kinds, strict=True)
            ),
            total,
        )
        .where(scope, counts.incoterm.is_(None))
        .group_by(summed)
        for summed in facet_columns
    ]
    return FacetSources(
        groups=sa.union_all(*per_facet),  # type: ignore[arg-type]
        incoterms=sa.select(counts.incoterm.label("rule"), total)
        .where(scope, counts.incoterm.is_not(None))
        .group_by(counts.incoterm),
        seller_ids=sa.select(counts.seller_id).where(scope, counts.incoterm.is_(None)),
        bounded=False,
    )


def refresh_counts(version: Hashable, public: sa.Select) -> None:  # type: ignore[type-arg]
    """Replace the kept counts by those of the listings ``public`` selects (their ids).

    ``version`` must be read before the counting starts: a listing changed meanwhile
    then leaves the counts marked older than they are, and unused, never the reverse.
    """
    flags = sa.case((Product.stock_quantity > 0, _IN_STOCK), else_=0) + sa.case(
        (Product.un_number.is_not(None), _DANGEROUS), else_=0
    )
    listed = Product.id.in_(public)
    group_columns = (
        Product.category_id,
        Product.seller_id,
        flags,
        Product.origin_country,
        Product.currency,
    )
    groups = sa.select(*group_columns, sa.func.count()).where(listed).group_by(*group_columns)
    rule = sa.cast(ProductIncoterm.rule, sa.String)
    rules = (
        sa.select(Product.category_id, rule, sa.func.count())
        .join(ProductIncoterm, ProductIncoterm.product_id == Product.id)
        .where(listed)
        .group_by(Product.category_id, rule)
    )
    rows = [
        {
            "category_id": category_id,
            "seller_id": seller_id,
            "flags": flag,
            "origin_country": origin,
            "currency": currency,
            "incoterm": None,
            "n": n,
        }
        for category_id, seller_id, flag, origin, currency, n in db.session.execute(groups)
    ]
    rows += [
        {
            "category_id": category_id,
            "seller_id": None,
            "flags": None,
            "origin_country": None,
            "currency": None,
            "incoterm": rule_name,
            "n": n,
        }
        for category_id, rule_name, n in db.session.execute(rules)
    ]
    db.session.execute(sa.delete(CatalogueCount))
    if rows:
        db.session.execute(sa.insert(CatalogueCount), rows)
    state = db.session.get(CatalogueCountState, COUNT_STATE_ID)
    if state is None:
        db.session.add(CatalogueCountState(id=COUNT_STATE_ID, version=version_text(version)))
    else:
        state.version = version_text(version)
    db.session.flush()
