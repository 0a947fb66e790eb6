"""The claims blueprint and its guard; the route modules attach their views to it.

Kept apart from the routes so each route module imports it without importing another.
"""

from __future__ import annotations

from flask import (
    Blueprint,
)

from app.web.guards import guard_blueprint

bp = Blueprint("claims", __name__, url_prefix="/claims")
guard_blueprint(bp, None)
