"""Licence pages: the vault, the operator review, the authority view.

Importing a route module registers its views on its blueprint.
"""

from app.web.licences import authority_views, review_views, views  # noqa: F401
from app.web.licences.blueprint import authority_bp, bp, review_bp

__all__ = ["authority_bp", "bp", "review_bp"]
