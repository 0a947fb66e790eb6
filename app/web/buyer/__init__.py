"""The buyer's workspace: cart, checkout and orders.

Importing the route modules registers their views on ``bp``.
"""

from app.web.buyer import cart, orders, rfqs, views  # noqa: F401
from app.web.buyer.blueprint import bp

__all__ = ["bp"]
