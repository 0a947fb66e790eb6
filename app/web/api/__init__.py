"""The JSON API for importers' ERPs (``/api/v1``), authenticated by personal API tokens.

Importing the route modules registers their views on ``views.bp``.
"""

# scopes' before_request runs after views' authentication: it imports views first.
from app.web.api import messages, openapi, quotations, scopes, views  # noqa: F401
from app.web.api import catalogue, orders_read, seller  # noqa: F401
