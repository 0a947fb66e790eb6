from __future__ import annotations

from sqlalchemy import text

from app.extensions import db
from tests.factories import ProductFactory


def test_published_product_is_indexed(app_ctx: None) -> None:
    product = ProductFactory(title="Emulsion explosive cartridges")
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            text("SELECT rowid FROM product_search WHERE product_search MATCH :q"),
            {"q": '"emulsion"*'},
        ).all()
    else:
        rows = connection.execute(
            text(
                "SELECT product_id FROM product_search WHERE document @@ to_tsquery('english', 'emulsion:*')"
            )
        ).all()
    assert [row[0] for row in rows] == [product.id]
