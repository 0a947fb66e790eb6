"""The seller's workspace: listings (with bulk import and photos) and orders.

Importing the route modules registers their views on ``bp``.
"""

from app.web.seller import bulk, images, listings, orders, rfqs, views  # noqa: F401
from app.web.seller.blueprint import bp

__all__ = ["bp"]
