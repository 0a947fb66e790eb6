"""The JSON API for importers' ERPs (``/api/v1``), authenticated by personal API tokens.

Importing the route modules registers their views on ``views.bp``.
"""

# scopes' before_request runs after views' authentication: it imports views first.
# areas' before_request, like scopes', runs after views' authentication.
from app.web.api import (  # noqa: F401  # noqa: F401
    areas,
    catalogue,
    messages,
    openapi,
    order_xml,
    orders_read,
    payments,
    quotations,
    scopes,
    seller,
    views,
)
