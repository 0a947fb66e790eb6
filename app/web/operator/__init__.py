"""The platform operator: companies, listings, exchange rates and the audit log.

Importing a route module registers its views on ``bp``.
"""

from app.web.operator import rates, statistics, views  # noqa: F401
from app.web.operator.blueprint import bp

__all__ = ["bp"]
