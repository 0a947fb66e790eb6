"""Bulk import and export of listings as CSV or XLSX (routes on the seller blueprint)."""

from __future__ import annotations

from app.web.seller.views import bp  # noqa: F401
