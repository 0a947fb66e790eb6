"""The operator blueprint and its guard; the route modules attach their views to it.

Kept apart from the routes so each route module imports it without importing another.
"""

from __future__ import annotations

from flask import Blueprint

from app.services.accounts.capabilities import Action
from app.web.guards import guard_blueprint

bp = Blueprint("operator", __name__, url_prefix="/operator")
guard_blueprint(bp, Action.OPERATE)
