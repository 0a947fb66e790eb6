"""The full-text index of published listings: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Only published listings are indexed, so a search never has to filter the rest out. The
index is written in the same transaction as the listing change that calls for it.
Listing text goes in as ``text_index`` prepares it (word characters; Chinese as bigrams),
in every language the seller wrote. Search text is data, never syntax: it is parsed into
clauses of word terms, each quoted (FTS5) or bound as a to_tsquery parameter.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import Product, ProductStatus
from app.services.catalog.text_index import (
    Clause,
    code_words,
    index_words,
    parse_search,
    tsquery_alternatives,
)

__all__ = ["parse_search", "reindex_product", "search_document", "tsquery_of"]


def search_document(
    titles: tuple[str | None, ...],
    bodies: tuple[str | None, ...],
    hs_code: str,
    un_number: str | None,
    seller_names: tuple[str | None, ...],
) -> dict[str, str]:
    """The four columns of an index row (title, body, codes, seller), as index words.

    Shared with the bench seeding, which indexes 100,000 listings with the same words.
    """

    def words(parts: tuple[str | None, ...]) -> str:
        return " ".join(index_words(part) for part in parts if part)

    return {
        "title": words(titles),
        "body": words(bodies),
        "hs_code": code_words(hs_code, un_number),
        "seller": words(seller_names),
    }


def _document(product: Product) -> dict[str, str]:
    specifications = tuple(
        f"{spec.name} {spec.name_zh or ''} {spec.name_ur or ''} {spec.value}"
        for spec in product.specifications
    )
    seller = product.seller
    return search_document(
        (product.title, product.title_zh, product.title_ur),
        (product.description, product.description_zh, product.description_ur, *specifications),
        product.hs_code,
        product.un_number,
        (seller.legal_name, seller.legal_name_local, seller.name_zh, seller.name_ur),
    )


# The words are already cut (index_words), so each configuration only has to find them:
# 'english' stems them (Chinese bigrams and Urdu pass through as they are); codes and
# names go in as written. Weights: title A, codes and seller B, the rest C.
POSTGRES_DOCUMENT = (
    "setweight(to_tsvector('english', :title), 'A')"
    " || setweight(to_tsvector('simple', :title), 'A')"
    " || setweight(to_tsvector('simple', :hs_code || ' ' || :seller), 'B')"
    " || setweight(to_tsvector('english', :body), 'C')"
    " || setweight(to_tsvector('simple', :body), 'C')"
)


def write_index_rows(connection: sa.Connection, rows: list[Mapping[str, object]]) -> None:
    """Insert (or replace) index rows: each has ``id`` and the columns of search_document."""
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        connection.execute(
            text(
                "INSERT INTO product_search (rowid, title, body, hs_code, seller)"
                " VALUES (:id, :title, :body, :hs_code, :seller)"
            ),
            rows,
        )
        return
    connection.execute(
        text(
            # A constant of this module, no outside text: the values are bound.
            f"INSERT INTO product_search (product_id, document) VALUES (:id, {POSTGRES_DOCUMENT})"  # noqa: S608
            " ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document"
        ),
        rows,
    )


def reindex_product(product: Product) -> None:
    """Bring the index row of ``product`` in line with its state (flush first)."""
    connection = db.session.connection()
    published = product.status is ProductStatus.PUBLISHED
    forget = (
        "DELETE FROM product_search WHERE rowid = :id"
        if connection.dialect.name == "sqlite"
        else "DELETE FROM product_search WHERE product_id = :id"
    )
    connection.execute(text(forget), {"id": product.id})
    if published:
        write_index_rows(connection, [{**_document(product), "id": product.id}])


def tsquery_of(clauses: list[Clause]) -> ColumnElement[object]:
    """The tsquery of a parsed search: clauses AND-ed, each an OR of its alternatives.

    Every text is a bound parameter made only of word characters and the operators put
    here (<-> between the words of a phrase, :* on an unfinished last word).
    """
    english: ColumnElement[object] = sa.literal_column("'english'::regconfig")
    simple: ColumnElement[object] = sa.literal_column("'simple'::regconfig")
    whole: ColumnElement[object] | None = None
    for clause in clauses:
        either: ColumnElement[object] | None = None
        for query, stemmed in tsquery_alternatives(clause):
            option: ColumnElement[object] = sa.func.to_tsquery(simple, query)
            if stemmed:
                option = sa.func.to_tsquery(english, query).op("||")(option)
            either = option if either is None else either.op("||")(option)
        assert either is not None
        whole = either if whole is None else whole.op("&&")(either)
    assert whole is not None
    return whole
