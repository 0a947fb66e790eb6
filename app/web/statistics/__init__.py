"""The public trade statistics, the company's view of its own share, and the downloads."""

from app.web.statistics.views import bp

__all__ = ["bp"]
