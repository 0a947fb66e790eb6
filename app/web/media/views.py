"""Listing images, served from storage with the headers that keep them inert."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("media", __name__, url_prefix="/media")
