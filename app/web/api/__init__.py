"""The JSON API for importers' ERPs (``/api/v1``), authenticated by personal API tokens.

Importing the route modules registers their views on ``views.bp``.
"""

from app.web.api import messages, quotations, views  # noqa: F401
