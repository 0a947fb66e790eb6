"""Messages between the parties: the inbox, a thread, "ask the supplier", and the
operator's audited reading of reported threads (``views``)."""

from app.web.messages.views import bp

__all__ = ["bp"]
