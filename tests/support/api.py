"""What an ERP sends the API, written once for the API tests."""

from __future__ import annotations

from typing import Any

from app.models import Product


def order_body(*lines: tuple[Product | str, object], **changes: object) -> dict[str, Any]:
    """A JSON order for ``POST /api/v1/orders``: each line a listing (or its public id) and a
    quantity; FOB Karachi to Shanghai, paid in advance; ``changes`` over these."""
    return {
        "lines": [
            {"product": product if isinstance(product, str) else product.public_id, "quantity": q}
            for product, q in lines
        ],
        "incoterm": "FOB",
        "named_place": "Karachi",
        "destination_country": "CN",
        "destination_port": "Shanghai",
        "consignee": "Shanghai Minmetals Trading Co., Ltd.\n88 Century Avenue, Shanghai",
        "payment_terms": "advance",
        **changes,
    }
