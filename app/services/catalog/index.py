"""The full-text index of published listings: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Only published listings are indexed, so a search never has to filter the rest out. The
index is written in the same transaction as the listing change that calls for it.
Search text is data, never syntax: it is cut into word tokens and each token is quoted
(FTS5) or reduced to word characters (tsquery) before it reaches the database.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from app.extensions import db
from app.models import Product, ProductStatus

MAX_QUERY_TOKENS = 12
_TOKEN = re.compile(r"\w+", re.UNICODE)


def _document(product: Product) -> dict[str, str]:
    specifications = " ".join(f"{spec.name} {spec.value}" for spec in product.specifications)
    seller = product.seller
    hs = product.hs_code
    return {
        "id": str(product.id),
        "title": product.title,
        "body": f"{product.description} {specifications}",
        # The code and its chapter/heading prefixes, so 2610 and 261000 both find it.
        "hs_code": " ".join({hs, hs[:2], hs[:4], hs[:6]}),
        "seller": f"{seller.legal_name} {seller.legal_name_local or ''}",
    }


def reindex_product(product: Product) -> None:
    """Bring the index row of ``product`` in line with its state (flush first)."""
    connection = db.session.connection()
    published = product.status is ProductStatus.PUBLISHED
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM product_search WHERE rowid = :id"), {"id": product.id})
        if published:
            connection.execute(
                text(
                    "INSERT INTO product_search (rowid, title, body, hs_code, seller)"
                    " VALUES (:id, :title, :body, :hs_code, :seller)"
                ),
                _document(product),
            )
        return
    if not published:
        connection.execute(
            text("DELETE FROM product_search WHERE product_id = :id"), {"id": product.id}
        )
        return
    connection.execute(
        text(
            "INSERT INTO product_search (product_id, document) VALUES (:id,"
            " setweight(to_tsvector('english', :title), 'A')"
            " || setweight(to_tsvector('simple', :hs_code || ' ' || :seller), 'B')"
            " || setweight(to_tsvector('english', :body), 'C'))"
            " ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document"
        ),
        {**_document(product), "id": product.id},
    )


def query_tokens(search_text: str) -> list[str]:
    """The words of a search, at most ``MAX_QUERY_TOKENS`` of them."""
    return _TOKEN.findall((search_text or "")[:500])[:MAX_QUERY_TOKENS]


def fts5_match(tokens: list[str]) -> str:
    """An FTS5 MATCH expression: every word must occur, the last one as a prefix."""
    quoted = ['"' + token.replace('"', "") + '"' for token in tokens]
    quoted[-1] += "*"
    return " ".join(quoted)


def tsquery(tokens: list[str]) -> str:
    """A to_tsquery expression: every word must occur, the last one as a prefix."""
    parts = [token for token in tokens]
    parts[-1] += ":*"
    return " & ".join(parts)
