"""Finance staff on either side: the invoice register and its exports, receivables and
payables, credit notes, and the orders they are paid or pay for.

Importing a route module registers its views on ``bp``.
"""

from app.web.finance import outturn, releases, views, zip_exports  # noqa: F401
from app.web.finance.blueprint import bp

__all__ = ["bp"]
